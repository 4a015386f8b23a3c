/**
 * Repeat factor sampling and the Meta Sampler over your own dataset, without the rest of balms.
 *
 *   npx tsx examples/samplersOnYourDataset.ts
 *
 * 1. Detection images: per-image category lists (from an LVIS/COCO file: `imageCategorySets(json)`)
 *    → LVIS repeat factor sampling, so images with rare categories come up more often.
 * 2. Classification: the Meta Sampler learns per-class sampling rates by a one-step look-ahead
 *    meta-gradient on a class-balanced meta batch; the rates drive a class-aware sampler, and for
 *    detection they become image repeat factors on top of RFS (`imageRepeatFactors`).
 */
import * as tf from '@tensorflow/tfjs';
import { classBalancedSampler, ClassAwareSampler, initBackend, MetaSampler, RepeatFactorSampler, Rng } from 'balms';

const metaSteps = Number(process.env.BALMS_EXAMPLE_STEPS ?? 100);
await initBackend('auto');
const rng = new Rng(7);

// ---- 1. repeat factor sampling over your images ----
// 1000 images; category c appears in about 300 / (c + 1)² images: 0 is frequent, 5 is rare.
const imageCategories: number[][] = Array.from({ length: 1000 }, () => {
  const cats: number[] = [];
  for (let c = 0; c < 6; c++) if (rng.next() < 0.3 / (c + 1) ** 2) cats.push(c);
  return cats;
});
const rfs = new RepeatFactorSampler({ imageCategories }, { threshold: 0.05, seed: 0 }); // t = 0.05 for a 1000-image set
const epoch = rfs.nextEpoch(); // image indices, rare-category images repeated
const share = (indices: ArrayLike<number>, c: number) => Array.from(indices).filter((i) => imageCategories[i]!.includes(c)).length / indices.length;
const plain = Array.from({ length: 1000 }, (_, i) => i);

// ---- 2. the Meta Sampler on a linear classifier over long-tailed features ----
const counts = [600, 200, 60, 20];
const D = 4;
const labels: number[] = counts.flatMap((n, c) => new Array<number>(n).fill(c));
const feats = Float32Array.from(labels.flatMap((c) => Array.from({ length: D }, (_, d) => (d === c ? 1.2 : 0) + rng.normal())));
const batch = (idx: Int32Array) => ({
  features: tf.tensor2d(Float32Array.from(Array.from(idx).flatMap((i) => Array.from(feats.subarray(i * D, (i + 1) * D)))), [idx.length, D]),
  labels: tf.tensor1d(Array.from(idx, (i) => labels[i]!), 'int32'),
});
const meta = new MetaSampler({ classCounts: counts });
const trainSampler = new ClassAwareSampler(labels, meta.classSamplingMass(), { seed: 1 });
const metaSampler = classBalancedSampler(labels, { seed: 2 });
const classifier = { weight: tf.variable(tf.zeros([D, 4])) as tf.Variable<tf.Rank.R2>, bias: tf.variable(tf.zeros([4])) as tf.Variable<tf.Rank.R1> };
const lr = 0.1;
for (let i = 0; i < metaSteps; i++) {
  const train = batch(trainSampler.take(64));
  const metaBatch = batch(metaSampler.take(64));
  const r = meta.step({ classifier, train, meta: metaBatch, step: { lr } }, { trainGradient: true });
  // the classifier's own step, on the gradient the meta step already computed
  classifier.weight.assign(tf.tidy(() => tf.sub(classifier.weight, tf.mul(r.trainGradient!.weight, lr))));
  classifier.bias.assign(tf.tidy(() => tf.sub(classifier.bias, tf.mul(r.trainGradient!.bias, lr))));
  tf.dispose([train.features, train.labels, metaBatch.features, metaBatch.labels, r.trainGradient!.weight, r.trainGradient!.bias]);
  trainSampler.setClassMass(meta.classSamplingMass()); // the next batches follow the learned rates
}
// detection: the learned class rates as image repeat factors on top of RFS (ids = class indices)
rfs.setRepeatFactors(meta.imageRepeatFactors(imageCategories.map((cs) => cs.filter((c) => c < 4)), { threshold: 0.05 }));

console.log(JSON.stringify({
  example: 'samplersOnYourDataset',
  rareImageShare: { plain: +share(plain, 5).toFixed(4), repeatFactorSampling: +share(epoch, 5).toFixed(4) },
  epochLength: { plain: 1000, repeatFactorSampling: epoch.length },
  metaSamplerRates: Array.from(meta.rates(), (r) => +r.toFixed(3)),
}));
tf.dispose([classifier.weight, classifier.bias]);
