import * as tf from '@tensorflow/tfjs';
import { KernelCalls, type Info } from '../kernelCalls.js';

/**
 * Wraps a backend's BatchMatMul so that transposeA/transposeB are applied as an explicit Transpose
 * kernel first. wasm's matMul with the flags (which tfjs's matMul gradient uses) runs 7–13× slower
 * than transpose + plain matMul. Keeps the original setupFunc so the kernel still binds to the
 * wasm module when the backend initialises later.
 */
export function makeBatchMatMulExplicitTranspose(original: tf.KernelConfig): tf.KernelConfig {
  const backendName = original.backendName;
  return {
    kernelName: 'BatchMatMul',
    backendName,
    setupFunc: original.setupFunc,
    disposeFunc: original.disposeFunc,
    kernelFunc: (args) => {
      const { a, b } = args.inputs as { a: Info; b: Info };
      const { transposeA, transposeB } = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
      if (!transposeA && !transposeB) return original.kernelFunc(args);
      const calls = new KernelCalls(backendName, args.backend as tf.KernelBackend);
      try {
        const a2 = transposeA ? calls.run('Transpose', { x: a }, { perm: swapLast(a.shape.length) }) : a;
        const b2 = transposeB ? calls.run('Transpose', { x: b }, { perm: swapLast(b.shape.length) }) : b;
        return original.kernelFunc({ ...args, inputs: { a: a2, b: b2 }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
      } finally {
        calls.free();
      }
    },
  };
}

function swapLast(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 1] = rank - 2;
  perm[rank - 2] = rank - 1;
  return perm;
}
