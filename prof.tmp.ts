import * as tf from '@tensorflow/tfjs';
import { initBackend } from './src/backends/index.js';
import { BatchNorm2d } from './src/modeling/classification/batchNorm.js';
import { PaddedConv2d } from './src/modeling/classification/paddedConv2d.js';
import { ParameterStore } from './src/modeling/parameterStore.js';
import { Rng } from './src/util/rng.js';
await initBackend((process.env.BK ?? 'wasm') as 'wasm');
const store = new ParameterStore(new Rng(0));
const bn = new BatchNorm2d(store, 'bn', 16);
const conv = new PaddedConv2d(store, 'c', 16, 16);
const conv2 = new PaddedConv2d(store, 'c2', 16, 32, 3, 2);
const N = 16;
const x = tf.randomNormal([N, 32, 32, 16]) as tf.Tensor4D;
const r = tf.randomNormal([N, 32, 32, 16]) as tf.Tensor4D;
const dy = tf.randomNormal([N, 32, 32, 16]);
const dy2 = tf.randomNormal([N, 16, 16, 32]);
function time(name: string, f: () => tf.Tensor[]) {
  const cs: number[] = [];
  for (let i = 0; i < 4; i++) { const c0 = process.cpuUsage(); tf.tidy(() => { const o = f(); tf.addN(o.map((t) => tf.sum(t))).dataSync(); }); const c = process.cpuUsage(c0); cs.push((c.user + c.system) / 1000); }
  cs.sort((a, b) => a - b); console.log(name.padEnd(30), 'cpu min', cs[0]!.toFixed(1), 'ms');
}
time('bn fwd', () => [bn.apply(x, { training: true, relu: true, residual: r })]);
time('bn fwd+bwd', () => tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => bn.apply(a as tf.Tensor4D, { training: true, relu: true, residual: c as tf.Tensor4D }))([x, bn.gamma, r], dy));
time('conv fwd', () => [conv.apply(x)]);
time('conv fwd+bwd', () => tf.grads((a: tf.Tensor, w: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'))([x, conv.kernel], dy));
time('conv dx only', () => [tf.grad((a: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, conv.kernel as tf.Tensor4D, 1, 'same'))(x, dy)]);
time('conv dW only', () => [tf.grad((w: tf.Tensor) => tf.conv2d(x, w as tf.Tensor4D, 1, 'same'))(conv.kernel, dy)]);
time('conv s2 fwd+bwd', () => tf.grads((a: tf.Tensor, w: tf.Tensor) => conv2.apply(a as tf.Tensor4D))([x, conv2.kernel], dy2));
const { conv2dSame } = await import('./src/modeling/ops/conv2dSame.js');
time('conv2dSame fwd+bwd', () => tf.grads((a: tf.Tensor, w: tf.Tensor) => conv2dSame(a as tf.Tensor4D, w as tf.Tensor4D))([x, conv.kernel], dy));
