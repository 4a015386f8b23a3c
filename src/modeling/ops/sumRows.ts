import * as tf from '@tensorflow/tfjs';
import { readFloat32 } from '../../backends/readFloat32.js';

/**
 * Column sums of a 2-D float32 tensor (`Σ_rows z`, a bias gradient). On cpu and wasm one sequential
 * pass over the values (wasm: a heap view, no copy): wasm's Sum over a leading axis first transposes
 * the whole tensor, and a `ones[1, M] @ z` product with M in the tens of thousands is a streaming GEMV
 * (both ~0.5–1 s for the deconv's [25088, 1024]). Elsewhere (tfjs-node) the native Sum.
 */
export function sumRows(z: tf.Tensor2D): tf.Tensor1D {
  const backend = tf.getBackend();
  if (z.dtype !== 'float32' || (backend !== 'wasm' && backend !== 'cpu')) return tf.sum(z, 0);
  const [m, q] = z.shape;
  const acc = new Float64Array(q);
  const v = readFloat32(z); // valid until the next tfjs allocation: summed before creating the result
  for (let r = 0; r < m; r++) {
    const o = r * q;
    for (let c = 0; c < q; c++) acc[c] += v[o + c]!;
  }
  return tf.tensor1d(Float32Array.from(acc));
}
