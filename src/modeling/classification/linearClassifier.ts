/**
 * The linear classifier on pooled features (`nn.Linear(featDim, numClasses)`, the official
 * `DotProduct_Classifier`): `logits = features @ kernel + bias`, kernel `[featDim, numClasses]`,
 * both drawn uniform on ±1/sqrt(featDim) as PyTorch's default. Separate from the feature extractor so
 * decoupled stage 2 (cRT, Balanced Softmax, BALMS) can retrain it alone on frozen features.
 */
import * as tf from '@tensorflow/tfjs';
import { dense } from '../ops/index.js';
import { initialValues, type ParameterStore } from '../parameterStore.js';
import { BalmsInputError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';

export class LinearClassifier {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;

  constructor(store: ParameterStore, readonly inFeatures: number, readonly numClasses: number, readonly name = 'classifier') {
    if (!Number.isInteger(numClasses) || numClasses < 2) throw new BalmsInputError(`LinearClassifier: numClasses must be an integer ≥ 2, got ${numClasses}`);
    const limit = 1 / Math.sqrt(inFeatures);
    this.kernel = store.create(`${name}/kernel`, [inFeatures, numClasses], { kind: 'uniform', limit });
    this.bias = store.create(`${name}/bias`, [numClasses], { kind: 'uniform', limit });
  }

  /** `[N, inFeatures]` → logits `[N, numClasses]`. */
  apply(features: tf.Tensor2D): tf.Tensor2D {
    if (features.rank !== 2 || features.shape[1] !== this.inFeatures) throw new BalmsInputError(`LinearClassifier: expected [N, ${this.inFeatures}] features, got [${features.shape}]`);
    return dense(features, this.kernel as tf.Tensor2D, this.bias as tf.Tensor1D);
  }

  /**
   * Draws new initial values (the same uniform ±1/sqrt(inFeatures) as at construction) from a fresh
   * generator seeded with `seed`: classifier re-training (cRT) starts stage 2 from a new head.
   */
  reinitialize(seed: number): void {
    const rng = new Rng(seed);
    const limit = 1 / Math.sqrt(this.inFeatures);
    for (const v of [this.kernel, this.bias]) {
      tf.tidy(() => v.assign(tf.tensor(initialValues({ kind: 'uniform', limit }, v.size, rng), v.shape, 'float32')));
    }
  }

  /** The two parameters by name (`<name>/kernel`, `<name>/bias`). */
  variables(): Map<string, tf.Variable> {
    return new Map([[`${this.name}/kernel`, this.kernel], [`${this.name}/bias`, this.bias]]);
  }
}
