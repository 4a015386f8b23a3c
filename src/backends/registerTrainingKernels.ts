import * as tf from '@tensorflow/tfjs';
import { makeBatchMatMulExplicitTranspose } from './kernels/batchMatMulExplicitTranspose.js';
import { registerComparisonGradients } from './kernels/comparisonGradients.js';
import { makeConv2DBackpropFilter } from './kernels/conv2dBackpropFilter.js';
import { IM2COL, makeIm2Col } from './kernels/im2col.js';
import { makeMatMulTN, MATMUL_TN } from './kernels/matMulTN.js';
import { makeOneHotWithDtype } from './kernels/oneHotFloat.js';
import { makeUnsortedSegmentSum } from './kernels/unsortedSegmentSum.js';

/** What {@link registerTrainingKernels} changed, per backend. */
export interface RegisteredKernels {
  /** Kernel names registered or replaced per backend ('cpu', 'wasm'). */
  kernels: Record<string, string[]>;
  /** Kernels that received zero gradients. */
  gradients: string[];
}

const TARGETS = ['cpu', 'wasm'] as const;
const done = new Set<string>();
let gradients: string[] | null = null;
const record: Record<string, string[]> = {};

/**
 * Register, once per backend and only for 'cpu' and 'wasm' (tfjs-node has all of these natively),
 * the training kernels tfjs 4.22 lacks or runs very slowly:
 * - UnsortedSegmentSum (gather's gradient) via ScatterNd — missing on wasm, quadratic on cpu;
 * - Conv2DBackpropFilter by im2col + one matMul — missing on wasm, minutes on cpu;
 * - BatchMatMul on wasm with transpose flags applied as an explicit Transpose (7–13× faster);
 * - BalmsIm2Col, a one-pass im2col over the backend's arrays (used by conv2dSame and the filter
 *   gradient above; wasm's Slice/Concat copy far too much for it);
 * - BalmsMatMulTN on wasm: `aᵀ @ b` summed over 1024-row chunks (weight gradients; ~1.5× faster);
 * - OneHot on wasm honouring `dtype` (wasm writes int32 bytes into float tensors);
 * - zero gradients for comparison/logical ops (global, only where tfjs has none).
 * A backend whose package is not loaded yet is handled by a later call (initBackend calls this).
 */
export function registerTrainingKernels(): RegisteredKernels {
  for (const be of TARGETS) {
    if (done.has(be) || !tf.findBackendFactory(be)) continue;
    done.add(be);
    const names: string[] = [];
    const prevUss = tf.getKernel('UnsortedSegmentSum', be);
    if (tf.getKernel('ScatterNd', be)) {
      if (prevUss) tf.unregisterKernel('UnsortedSegmentSum', be);
      tf.registerKernel(makeUnsortedSegmentSum(be, prevUss));
      names.push('UnsortedSegmentSum');
    }
    if (!tf.getKernel(IM2COL, be)) tf.registerKernel(makeIm2Col(be));
    names.push(IM2COL);
    if (tf.getKernel('Conv2DBackpropFilter', be)) tf.unregisterKernel('Conv2DBackpropFilter', be);
    tf.registerKernel(makeConv2DBackpropFilter(be));
    names.push('Conv2DBackpropFilter');
    if (be === 'wasm') {
      const oneHot = tf.getKernel('OneHot', be);
      if (oneHot) {
        tf.unregisterKernel('OneHot', be);
        tf.registerKernel(makeOneHotWithDtype(oneHot));
        names.push('OneHot');
      }
      const mm = tf.getKernel('BatchMatMul', be);
      if (mm) {
        tf.unregisterKernel('BatchMatMul', be);
        tf.registerKernel(makeBatchMatMulExplicitTranspose(mm));
        names.push('BatchMatMul');
      }
      if (!tf.getKernel(MATMUL_TN, be)) tf.registerKernel(makeMatMulTN());
      names.push(MATMUL_TN);
    }
    record[be] = names;
  }
  gradients ??= registerComparisonGradients();
  return { kernels: { ...record }, gradients: [...gradients] };
}
