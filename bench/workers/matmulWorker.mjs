// Worker for bench/threads.ts: its own tfjs wasm backend; computes a @ b for shared-memory inputs.
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

await tf.setBackend('wasm');
parentPort.on('message', ({ a, aShape, b, bShape, out }) => {
  tf.tidy(() => {
    const r = tf.matMul(tf.tensor2d(new Float32Array(a), aShape), tf.tensor2d(new Float32Array(b), bShape));
    new Float32Array(out).set(r.dataSync());
  });
  parentPort.postMessage('done');
});
parentPort.postMessage('ready');
