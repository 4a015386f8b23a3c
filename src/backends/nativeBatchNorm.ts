/**
 * TensorFlow's own training-mode batch-norm kernels on tfjs-node, which tfjs does not expose:
 * `FusedBatchNormV3` with `is_training` (batch statistics, normalisation and affine step in one op) and
 * `FusedBatchNormGradV3` (dx, dγ, dβ in one op), plus `ReluGrad`. They replace a dozen whole-tensor
 * tfjs ops per BatchNorm layer (moments, normalise, and the closed-form backward), which dominated a
 * ResNet training step on native. NHWC, float32. Only valid while the active backend is 'tensorflow'
 * ({@link nativeBatchNormAvailable}); the tensors returned are ordinary tracked tfjs tensors.
 */
import * as tf from '@tensorflow/tfjs';

interface TfeAttr {
  name: string;
  type: number;
  value: number | string | boolean | number[];
}

interface NodeBackend {
  binding: { TF_ATTR_FLOAT: number; TF_ATTR_STRING: number; TF_ATTR_BOOL: number; TF_ATTR_TYPE: number; TF_FLOAT: number };
  executeMultipleOutputs(name: string, attrs: TfeAttr[], inputs: tf.Tensor[], numOutputs: number): tf.Tensor[];
  executeSingleOutput(name: string, attrs: TfeAttr[], inputs: tf.Tensor[]): tf.Tensor;
}

/** Whether the native kernels below can run (tfjs-node is the active backend). */
export function nativeBatchNormAvailable(): boolean {
  return tf.getBackend() === 'tensorflow';
}

function nodeBackend(): NodeBackend {
  return tf.backend() as unknown as NodeBackend;
}

function attrs(b: NodeBackend, eps: number, extra: TfeAttr[] = []): TfeAttr[] {
  const B = b.binding;
  return [
    { name: 'T', type: B.TF_ATTR_TYPE, value: B.TF_FLOAT },
    { name: 'U', type: B.TF_ATTR_TYPE, value: B.TF_FLOAT },
    { name: 'epsilon', type: B.TF_ATTR_FLOAT, value: eps },
    { name: 'data_format', type: B.TF_ATTR_STRING, value: 'NHWC' },
    { name: 'is_training', type: B.TF_ATTR_BOOL, value: true },
    ...extra,
  ];
}

/** Outputs of {@link fusedBatchNormTraining}. */
export interface FusedBatchNormTrainingResult {
  /** `γ·(x − μ)/sqrt(σ² + eps) + β` with the batch's μ and biased σ². */
  y: tf.Tensor4D;
  mean: tf.Tensor1D;
  /** The batch variance with Bessel's correction (what running statistics average). */
  unbiasedVariance: tf.Tensor1D;
  /** What {@link fusedBatchNormGrad} needs besides x and γ (TensorFlow's reserve spaces). */
  reserve: tf.Tensor[];
}

/** Training-mode batch norm of `x: [N, H, W, C]` by TensorFlow's FusedBatchNormV3. */
export function fusedBatchNormTraining(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): FusedBatchNormTrainingResult {
  const b = nodeBackend();
  const empty = tf.tensor1d([], 'float32');
  const extra: TfeAttr[] = [{ name: 'exponential_avg_factor', type: b.binding.TF_ATTR_FLOAT, value: 1 }];
  const [y, mean, variance, r1, r2, r3] = b.executeMultipleOutputs('FusedBatchNormV3', attrs(b, eps, extra), [x, gamma, beta, empty, empty], 6);
  empty.dispose();
  return { y: y as tf.Tensor4D, mean: mean as tf.Tensor1D, unbiasedVariance: variance as tf.Tensor1D, reserve: [r1!, r2!, r3!] };
}

/** `[dx, dγ, dβ]` of {@link fusedBatchNormTraining} for upstream `dy`, by FusedBatchNormGradV3. */
export function fusedBatchNormGrad(dy: tf.Tensor4D, x: tf.Tensor4D, gamma: tf.Tensor1D, reserve: tf.Tensor[], eps: number): [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D] {
  const b = nodeBackend();
  const out = b.executeMultipleOutputs('FusedBatchNormGradV3', attrs(b, eps), [dy, x, gamma, ...reserve], 5);
  tf.dispose(out.slice(3));
  return [out[0] as tf.Tensor4D, out[1] as tf.Tensor1D, out[2] as tf.Tensor1D];
}

/** `dy · [y > 0]` in one native op (TensorFlow's ReluGrad; `y` is the ReLU's output or input). */
export function nativeReluGrad(dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const b = nodeBackend();
  return b.executeSingleOutput('ReluGrad', [{ name: 'T', type: b.binding.TF_ATTR_TYPE, value: b.binding.TF_FLOAT }], [dy, y]);
}
