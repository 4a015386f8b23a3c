/**
 * ResNet-32 against PyTorch (float64 oracle, test/fixtures/classification/make_resnet_golden.py) on the
 * same hash-filled weights and batch: eval-mode logits, train-mode logits, cross-entropy loss, gradients
 * of a few parameters (stem conv, a stride-2 conv, BatchNorm γ/β with and without a residual, the
 * classifier) and the BatchNorm running statistics after the step. Run per backend by the *.test.ts files.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendChoice } from '../../../src/backends/index.js';
import { ImageClassifier } from '../../../src/modeling/classification/index.js';
import { hashFill } from './hashFill.js';

interface Golden {
  depth: number;
  width: number;
  numClasses: number;
  inputShape: [number, number, number, number];
  labels: number[];
  numParameters: number;
  inputSum: number;
  logitsEval: string;
  logitsTrain: string;
  loss: number;
  grads: Record<string, string>;
  runningStatsAfter: Record<string, string>;
  logitsEvalAfter: string;
}

const golden = JSON.parse(readFileSync(new URL('../../fixtures/classification/resnet32_golden.json', import.meta.url), 'utf8')) as Golden;

function f32(b64: string): Float32Array {
  const buf = Buffer.from(b64, 'base64');
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

/** max |a − b| / max |b|: float32 agreement relative to the tensor's scale. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    m = Math.max(m, Math.abs(b[i]!));
  }
  return d / m;
}

/** Relative tolerance: float32 accumulation over a 32-layer network against a float64 oracle. */
export const REL_TOL = 1e-4;
/**
 * Gradients behind many ReLUs are kink-limited: a pre-activation within ~1e-6 of zero may land on the
 * other side under float32 rounding, and one flipped mask moves the earlier layers' kernel gradients by
 * ~1e-3 relative while every later gradient stays at 1e-6 (seen on wasm, one flip in layer1, and on
 * tfjs-node, in layer2; PyTorch float32 and tfjs cpu, which accumulates in float64, flip none here).
 * On those backends the two earliest checked kernels get this looser bound; cpu is held to REL_TOL.
 */
const KINK_TOL = 5e-3;
const KINK_LIMITED = new Set(['backbone/conv1/kernel', 'backbone/layer2/0/conv1/kernel']);

export function resnetGoldenSuite(backend: BackendChoice): void {
  describe(`ResNet-32 against PyTorch on ${backend}`, () => {
    let model: ImageClassifier;
    let x: tf.Tensor4D;
    let labels: tf.Tensor1D;

    beforeAll(async () => {
      await initBackend(backend);
      model = new ImageClassifier({ numClasses: golden.numClasses, depth: golden.depth, width: golden.width });
      const values = new Map<string, tf.Tensor>();
      for (const [name, v] of model.store.variables()) values.set(name, tf.tensor(hashFill(name, v.shape, model.featureDim), v.shape));
      model.store.assign(values);
      tf.dispose([...values.values()]);
      x = tf.tensor4d(hashFill('input', golden.inputShape), golden.inputShape);
      labels = tf.tensor1d(golden.labels, 'int32');
    });
    afterAll(() => {
      model.dispose();
      tf.dispose([x, labels]);
    });

    it('has the official parameter count and the same input', () => {
      expect(model.numParameters()).toBe(golden.numParameters);
      expect(tf.sum(x).dataSync()[0]).toBeCloseTo(golden.inputSum, 2);
    });

    it('eval-mode logits (running statistics)', () => {
      const l = tf.tidy(() => model.logits(x, { training: false }).dataSync());
      expect(relErr(l, f32(golden.logitsEval))).toBeLessThan(REL_TOL);
    });

    it('train-mode logits, loss, gradients and running statistics after the step', () => {
      const names = Object.keys(golden.grads);
      const vars = model.variables();
      let loss = NaN;
      let logits: Float32Array = new Float32Array(0);
      const grads = new Map<string, Float32Array>();
      tf.tidy(() => {
        const { value, grads: g } = tf.variableGrads(() => {
          const z = model.logits(x, { training: true });
          logits = z.dataSync() as Float32Array;
          // mean softmax cross-entropy: logsumexp − picked logit
          const picked = tf.sum(tf.mul(z, tf.oneHot(labels, golden.numClasses)), 1);
          return tf.mean(tf.sub(tf.logSumExp(z, 1), picked)) as tf.Scalar;
        }, [...vars.values()]);
        for (const n of names) grads.set(n, g[vars.get(n)!.name]!.dataSync() as Float32Array);
        loss = value.dataSync()[0]!;
      });
      expect(relErr(logits, f32(golden.logitsTrain))).toBeLessThan(REL_TOL);
      expect(Math.abs(loss - golden.loss) / golden.loss).toBeLessThan(REL_TOL);
      const errs = Object.fromEntries(names.map((n) => [n, relErr(grads.get(n)!, f32(golden.grads[n]!))]));
      for (const n of names) {
        const tol = backend !== 'cpu' && KINK_LIMITED.has(n) ? KINK_TOL : REL_TOL;
        expect(errs[n], `gradient relative errors ${JSON.stringify(errs)}`).toBeLessThan(tol);
      }
      expect(model.updateRunningStats()).toBe(golden.depth - 1);
      const state = model.state();
      for (const [n, b64] of Object.entries(golden.runningStatsAfter)) {
        const err = relErr(state.get(n)!.dataSync(), f32(b64));
        expect(err, `${n}: relative error ${err}`).toBeLessThan(REL_TOL);
      }
      const after = tf.tidy(() => model.logits(x, { training: false }).dataSync());
      expect(relErr(after, f32(golden.logitsEvalAfter))).toBeLessThan(REL_TOL);
    });
  });
}
