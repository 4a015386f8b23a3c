/**
 * What the RoI box predictor needs from a classification loss: the `ClassifierLoss` of
 * `src/losses` (`createClassifierLoss`) minus its optional state hooks, so any object with these
 * three methods plugs in. `outputs(K)` logits for K foreground classes (K + 1 for the softmax
 * family with a background column, K for the sigmoid family), the training loss on int32 labels
 * in `0..K` (K = background), and test-time probabilities `[N, K + 1]`, last column background.
 */
import type { ClassifierLoss } from '../losses/index.js';

export type RoiClassifierLoss = Pick<ClassifierLoss, 'outputs' | 'loss' | 'probabilities'>;
