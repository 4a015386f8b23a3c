/**
 * What the RoI box predictor needs from a classification loss (the `ClassifierLoss` of
 * `src/losses`, stated structurally so any implementation plugs in): how many logits to produce
 * for K foreground classes (K + 1 for softmax-family losses with a background column, K for
 * sigmoid-family ones), the training loss on integer labels in `0..K` (K = background), and
 * test-time probabilities `[N, K + 1]` whose last column is background.
 */
import type * as tf from '@tensorflow/tfjs';

export interface RoiClassifierLoss {
  outputs(numClasses: number): number;
  loss(logits: tf.Tensor2D, labels: tf.Tensor1D, weights?: tf.Tensor1D): tf.Tensor;
  probabilities(logits: tf.Tensor2D): tf.Tensor2D;
}
