/**
 * Balanced Softmax in a plain classifier (no detection): a linear classifier on long-tailed data,
 * trained once with softmax cross-entropy and once with Balanced Softmax, then tested on balanced
 * data. Balanced Softmax trains on `logits + log(class count)` and predicts with the plain logits,
 * which removes the training set's label prior and lifts the tail classes' accuracy.
 *
 *   npx tsx examples/balancedSoftmaxClassifier.ts
 */
import * as tf from '@tensorflow/tfjs';
import { balancedSoftmaxLoss, initBackend, Rng, softmaxCrossEntropyLoss } from 'balms';

const steps = Number(process.env.BALMS_EXAMPLE_STEPS ?? 300);
await initBackend('auto');

// Four overlapping 2-D Gaussian classes; the training set is long-tailed, the test set balanced.
const counts = [400, 100, 25, 6];
const centres = [[0, 0], [1.6, 0], [0, 1.6], [1.6, 1.6]];
const rng = new Rng(1);
function sample(perClass: number[]): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const xs: number[] = [], ys: number[] = [];
  perClass.forEach((n, c) => {
    for (let i = 0; i < n; i++) xs.push(centres[c]![0]! + rng.normal(), centres[c]![1]! + rng.normal()), ys.push(c);
  });
  return { x: tf.tensor2d(xs, [ys.length, 2]), y: tf.tensor1d(ys, 'int32') };
}
const train = sample(counts);
const test = sample([500, 500, 500, 500]);

function trainAndTest(loss: (logits: tf.Tensor2D, labels: tf.Tensor1D) => tf.Scalar): number[] {
  const w = tf.variable(tf.zeros([2, 4]));
  const b = tf.variable(tf.zeros([4]));
  const opt = tf.train.adam(0.05);
  for (let i = 0; i < steps; i++) opt.minimize(() => loss(tf.add(tf.matMul(train.x, w), b) as tf.Tensor2D, train.y), false, [w, b]);
  // test: plain argmax of the logits, per-class accuracy
  const pred = tf.tidy(() => tf.argMax(tf.add(tf.matMul(test.x, w), b), 1).dataSync());
  const truth = test.y.dataSync();
  const right = [0, 0, 0, 0], total = [0, 0, 0, 0];
  truth.forEach((c, i) => {
    total[c]!++;
    if (pred[i] === c) right[c]!++;
  });
  tf.dispose([w, b]);
  opt.dispose();
  return right.map((r, c) => r / total[c]!);
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const softmax = trainAndTest((z, y) => softmaxCrossEntropyLoss(z, y) as tf.Scalar);
const balanced = trainAndTest((z, y) => balancedSoftmaxLoss(z, y, counts) as tf.Scalar);
console.log(JSON.stringify({
  example: 'balancedSoftmaxClassifier',
  perClassAccuracy: { softmax: softmax.map((a) => +a.toFixed(3)), balancedSoftmax: balanced.map((a) => +a.toFixed(3)) },
  balancedAccuracy: { softmax: +mean(softmax).toFixed(3), balancedSoftmax: +mean(balanced).toFixed(3) },
}));
tf.dispose([train.x, train.y, test.x, test.y]);
