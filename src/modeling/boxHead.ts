/**
 * The Fast R-CNN box branch: a stack of fully connected layers on flattened RoIAlign features
 * (detectron2 `FastRCNNConvFCHead` with convs = 0) and the predictor (`FastRCNNOutputLayers`):
 * class logits (`ClassifierLoss.outputs(K)` wide) and class-specific box deltas (4·K, or 4 when
 * class-agnostic) in the `(10, 10, 5, 5)` parameterisation.
 */
import * as tf from '@tensorflow/tfjs';
import { Linear } from './layers.js';
import type { ParameterStore } from './parameterStore.js';

export class BoxHead {
  readonly fcs: Linear[];
  readonly outputDim: number;

  /** @param inputDim `P·P·C` of the pooled features */
  constructor(store: ParameterStore, prefix: string, inputDim: number, fcDims: readonly number[]) {
    this.fcs = [];
    let d = inputDim;
    fcDims.forEach((out, i) => {
      this.fcs.push(new Linear(store, `${prefix}/fc${i + 1}`, d, out));
      d = out;
    });
    this.outputDim = d;
  }

  /** `[R, P, P, C]` → `[R, D]` (ReLU after every layer). */
  apply(pooled: tf.Tensor4D): tf.Tensor2D {
    const [r, p, q, c] = pooled.shape;
    let x = tf.reshape(pooled, [r, p * q * c]) as tf.Tensor2D;
    for (const fc of this.fcs) x = fc.apply(x, true);
    return x;
  }
}

export class BoxPredictor {
  readonly clsScore: Linear;
  readonly bboxPred: Linear;

  constructor(
    store: ParameterStore,
    prefix: string,
    inputDim: number,
    readonly numClassLogits: number,
    readonly numBboxClasses: number,
    clsBiasInit = 0,
  ) {
    this.clsScore = new Linear(store, `${prefix}/cls_score`, inputDim, numClassLogits, { kind: 'normal', std: 0.01 }, { kind: 'constant', value: clsBiasInit });
    this.bboxPred = new Linear(store, `${prefix}/bbox_pred`, inputDim, 4 * numBboxClasses, { kind: 'normal', std: 0.001 });
  }

  /** Class logits `[R, numClassLogits]` of box features `[R, D]`. */
  classify(x: tf.Tensor2D): tf.Tensor2D {
    return this.clsScore.apply(x);
  }

  apply(x: tf.Tensor2D): { logits: tf.Tensor2D; deltas: tf.Tensor2D } {
    return { logits: this.clsScore.apply(x), deltas: this.bboxPred.apply(x) };
  }
}
