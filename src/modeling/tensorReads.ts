/**
 * Inference code that reads tensors back to JavaScript is written once, as a generator that yields
 * the tensors it needs and receives their values; a driver does the reads. `readSync` uses
 * `dataSync` (Node, cpu, wasm); `readAsync` uses `await data()`, which on webgl / webgpu does not
 * stall the page on a GPU readback.
 */
import type * as tf from '@tensorflow/tfjs';

/** Yields tensors to read; resumes with their values (float32 data, in order); returns `R`. */
export type TensorReads<R> = Generator<readonly tf.Tensor[], R, Float32Array[]>;

export function readSync<R>(steps: TensorReads<R>): R {
  let done = false;
  try {
    let r = steps.next();
    while (!r.done) r = steps.next(r.value.map((t) => t.dataSync() as Float32Array));
    done = true;
    return r.value;
  } finally {
    if (!done) steps.return(undefined as R);
  }
}

export async function readAsync<R>(steps: TensorReads<R>): Promise<R> {
  let done = false;
  try {
    let r = steps.next();
    while (!r.done) r = steps.next((await Promise.all(r.value.map((t) => t.data()))) as Float32Array[]);
    done = true;
    return r.value;
  } finally {
    if (!done) steps.return(undefined as R);
  }
}
