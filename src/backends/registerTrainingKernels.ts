import * as tf from '@tensorflow/tfjs';
import { makeBatchMatMulExplicitTranspose } from './kernels/batchMatMulExplicitTranspose.js';
import { registerComparisonGradients } from './kernels/comparisonGradients.js';
import { makeConv2DBackpropFilter } from './kernels/conv2dBackpropFilter.js';
import { IM2COL, makeIm2Col } from './kernels/im2colKernel.js';
import { makeMatMulTN, MATMUL_TN } from './kernels/matMulTNKernel.js';
import { makeOneHotWithDtype } from './kernels/oneHotFloat.js';
import { makeUnsortedSegmentSum } from './kernels/unsortedSegmentSum.js';
import { BalmsInputError } from '../util/errors.js';

/** What {@link registerTrainingKernels} changed, per backend. */
export interface RegisteredKernels {
  /** Kernel names registered or replaced per backend ('cpu', 'wasm'). */
  kernels: Record<string, string[]>;
  /** Kernels that received zero gradients. */
  gradients: string[];
}

/** The backends balms has training kernels for (tfjs-node has all of these natively). */
export type TrainingKernelBackend = 'cpu' | 'wasm';
const TARGETS: readonly TrainingKernelBackend[] = ['cpu', 'wasm'];

interface Installed {
  /** Installs still holding it (the kernels are put back when the last one is disposed). */
  count: number;
  names: string[];
  /** The kernels replaced (undefined: there was none), by name. */
  previous: Map<string, tf.KernelConfig | undefined>;
}

const installed = new Map<string, Installed>();
/** Zero gradients registered by installs, with the number of installs holding them. */
let gradientHold: { count: number; names: string[] } | null = null;

/**
 * Install on `backend` ('cpu' or 'wasm', whose package must be loaded) the training kernels tfjs 4.22
 * lacks or runs very slowly, and returns the function that puts the backend's own kernels back:
 * - UnsortedSegmentSum (gather's gradient) via ScatterNd — missing on wasm, quadratic on cpu;
 * - Conv2DBackpropFilter by im2col + one matMul — missing on wasm, minutes on cpu;
 * - BatchMatMul on wasm with transpose flags applied as an explicit Transpose (7–13× faster);
 * - BalmsIm2Col, a one-pass im2col over the backend's arrays (used by conv2dSame and the filter
 *   gradient above; wasm's Slice/Concat copy far too much for it);
 * - BalmsMatMulTN on wasm: `aᵀ @ b` summed over 1024-row chunks (weight gradients; ~1.5× faster);
 * - OneHot on wasm honouring `dtype` (wasm writes int32 bytes into float tensors);
 * - zero gradients for comparison/logical ops (global, only where tfjs has none).
 * Installs nest: a second install of the same backend only holds it, and the kernels (and the
 * gradients, once no backend holds them) are restored when the last disposer runs. A disposer
 * runs once; later calls do nothing.
 */
export function installTrainingKernels(backend: TrainingKernelBackend): () => void {
  if (!TARGETS.includes(backend)) throw new BalmsInputError(`installTrainingKernels: no training kernels for backend '${String(backend)}' (cpu, wasm)`);
  if (!tf.findBackendFactory(backend)) throw new BalmsInputError(`installTrainingKernels: backend '${backend}' is not registered (load its package first)`);
  let entry = installed.get(backend);
  if (entry) entry.count++;
  else {
    entry = { count: 1, ...replaceKernels(backend) };
    installed.set(backend, entry);
  }
  if (gradientHold) gradientHold.count++;
  else gradientHold = { count: 1, names: registerComparisonGradients() };
  let disposed = false;
  return () => {
    if (disposed) return;
    disposed = true;
    const e = installed.get(backend)!;
    if (--e.count === 0) {
      installed.delete(backend);
      for (const [name, prev] of e.previous) {
        if (tf.getKernel(name, backend)) tf.unregisterKernel(name, backend);
        if (prev) tf.registerKernel(prev);
      }
    }
    if (--gradientHold!.count === 0) {
      for (const name of gradientHold!.names) tf.unregisterGradient(name);
      gradientHold = null;
    }
  };
}

/** Which training kernels are installed on `backend` now (empty when none). */
export function installedTrainingKernels(backend: string): string[] {
  return [...(installed.get(backend)?.names ?? [])];
}

function replaceKernels(be: TrainingKernelBackend): { names: string[]; previous: Map<string, tf.KernelConfig | undefined> } {
  const names: string[] = [];
  const previous = new Map<string, tf.KernelConfig | undefined>();
  const put = (config: tf.KernelConfig) => {
    const prev = tf.getKernel(config.kernelName, be);
    previous.set(config.kernelName, prev);
    if (prev) tf.unregisterKernel(config.kernelName, be);
    tf.registerKernel(config);
    names.push(config.kernelName);
  };
  const prevUss = tf.getKernel('UnsortedSegmentSum', be);
  if (tf.getKernel('ScatterNd', be)) put(makeUnsortedSegmentSum(be, prevUss));
  if (!tf.getKernel(IM2COL, be)) put(makeIm2Col(be));
  put(makeConv2DBackpropFilter(be));
  if (be === 'wasm') {
    const oneHot = tf.getKernel('OneHot', be);
    if (oneHot) put(makeOneHotWithDtype(oneHot));
    const mm = tf.getKernel('BatchMatMul', be);
    if (mm) put(makeBatchMatMulExplicitTranspose(mm));
    if (!tf.getKernel(MATMUL_TN, be)) put(makeMatMulTN());
  }
  return { names, previous };
}

const permanent = new Set<string>();

/**
 * Installs the training kernels ({@link installTrainingKernels}) on every loaded target ('cpu',
 * 'wasm') that this function has not installed yet, for the rest of the process (what
 * `initBackend` does for the CLI). Returns what is installed.
 */
export function registerTrainingKernels(): RegisteredKernels {
  for (const be of TARGETS) {
    if (permanent.has(be) || !tf.findBackendFactory(be)) continue;
    permanent.add(be);
    installTrainingKernels(be);
  }
  const kernels: Record<string, string[]> = {};
  for (const be of TARGETS) if (installed.has(be)) kernels[be] = installedTrainingKernels(be);
  return { kernels, gradients: [...(gradientHold?.names ?? [])] };
}
