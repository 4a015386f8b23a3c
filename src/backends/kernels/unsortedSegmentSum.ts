import * as tf from '@tensorflow/tfjs';
import { KernelCalls, type Info } from '../kernelCalls.js';
import { BalmsInputError } from '../../util/errors.js';

/**
 * UnsortedSegmentSum (the gradient of gather) as one ScatterNd, which sums duplicate indices.
 * wasm has no UnsortedSegmentSum kernel at all (tfjs#8082), and cpu's loops once per segment
 * (minutes for a 1000-row table). Ids outside [0, numSegments) are dropped (TensorFlow semantics)
 * by a plain loop, since ScatterNd would reject them.
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
      if (k < 1 || !x.shape.slice(0, k).every((d, i) => d === segmentIds.shape[i])) {
        if (previous) return previous.kernelFunc(args);
        throw new BalmsInputError(`UnsortedSegmentSum: segmentIds [${segmentIds.shape}] must match the leading dims of x [${x.shape}]`);
      }
      const rows = segmentIds.shape.reduce((a, b) => a * b, 1);
      const inner = x.shape.slice(k);
      const ids = backend.readSync(segmentIds.dataId) as Int32Array;
      for (let i = 0; i < ids.length; i++) {
        if (!(ids[i]! >= 0 && ids[i]! < numSegments)) return sumInJs(backend, x, ids, numSegments, inner);
      }
      const calls = new KernelCalls(backendName, backend);
      const updates = calls.view(x, [rows, ...inner]);
      const indices = calls.view(segmentIds, [rows, 1]);
      const out = calls.run('ScatterNd', { indices, updates }, { shape: [numSegments, ...inner] });
      calls.keep(out);
      calls.free();
      return out;
    },
  };
}

/** Loop path for ids outside [0, numSegments): those rows are dropped. */
function sumInJs(backend: tf.KernelBackend, x: Info, ids: Int32Array, numSegments: number, inner: number[]): Info {
  const vals = backend.readSync(x.dataId) as Float32Array | Int32Array;
  const width = inner.reduce((a, b) => a * b, 1);
  const out = x.dtype === 'int32' ? new Int32Array(numSegments * width) : new Float32Array(numSegments * width);
  for (let r = 0; r < ids.length; r++) {
    const s = ids[r]!;
    if (!(s >= 0 && s < numSegments)) continue;
    for (let c = 0; c < width; c++) out[s * width + c] += vals[r * width + c]!;
  }
  const shape = [numSegments, ...inner];
  return { dataId: backend.write(out, shape, x.dtype), shape, dtype: x.dtype };
}
