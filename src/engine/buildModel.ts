/** Builds the detector and its classification loss from a training config and class statistics. */
import { createClassifierLoss, isSoftmaxFamily, type ClassStats, type ClassifierLoss } from '../losses/index.js';
import { Detector } from '../modeling/index.js';
import type { TrainConfig } from './config/trainConfig.js';

/** Prior probability of the sigmoid family's initial class bias (RetinaNet / official LVIS: 0.01 / 0.001). */
const SIGMOID_PRIOR = 0.01;

export interface BuiltModel {
  detector: Detector;
  loss: ClassifierLoss;
}

export function buildModel(cfg: TrainConfig, numClasses: number, stats: ClassStats): BuiltModel {
  const loss = createClassifierLoss(cfg.loss, stats);
  const detector = new Detector(
    { ...cfg.model, numClasses },
    {
      classifierLoss: loss,
      seed: cfg.seed,
      samplingSeed: cfg.seed + 1,
      clsBiasInit: isSoftmaxFamily(cfg.loss) ? 0 : -Math.log((1 - SIGMOID_PRIOR) / SIGMOID_PRIOR),
    },
  );
  return { detector, loss };
}
