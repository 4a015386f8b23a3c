import * as tf from '@tensorflow/tfjs';
import { KernelCalls, type Info } from '../kernelCalls.js';

/**
 * UnsortedSegmentSum (the gradient of gather) as one ScatterNd, which sums duplicate indices.
 * wasm has no UnsortedSegmentSum kernel at all (tfjs#8082), and cpu's loops once per segment
 * (minutes for a 1000-row table). Falls back to the previous kernel, when there is one, for ids
 * outside [0, numSegments) (dropped by TensorFlow semantics, not by ScatterNd).
 */
export function makeUnsortedSegmentSum(backendName: string, previous: tf.KernelConfig | undefined): tf.KernelConfig {
  return {
    kernelName: 'UnsortedSegmentSum',
    backendName,
    kernelFunc: (args) => {
      const { x, segmentIds } = args.inputs as { x: Info; segmentIds: Info };
      const numSegments = args.attrs?.['numSegments'] as number;
      const backend = args.backend as tf.KernelBackend;
      const k = segmentIds.shape.length;
      const rows = segmentIds.shape.reduce((a, b) => a * b, 1);
      const ids = backend.readSync(segmentIds.dataId) as Int32Array;
      let inRange = k >= 1 && x.shape.slice(0, k).every((d, i) => d === segmentIds.shape[i]);
      for (let i = 0; inRange && i < ids.length; i++) if (!(ids[i]! >= 0 && ids[i]! < numSegments)) inRange = false;
      if (!inRange) {
        if (previous) return previous.kernelFunc(args);
        throw new Error(`UnsortedSegmentSum: segment ids must be in [0, ${numSegments}) and match x's leading dims`);
      }
      const calls = new KernelCalls(backendName, backend);
      const inner = x.shape.slice(k);
      const updates = calls.view(x, [rows, ...inner]);
      const indices = calls.view(segmentIds, [rows, 1]);
      const out = calls.run('ScatterNd', { indices, updates }, { shape: [numSegments, ...inner] });
      calls.keep(out);
      calls.free();
      return out;
    },
  };
}
