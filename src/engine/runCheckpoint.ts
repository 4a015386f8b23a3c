/**
 * What a training checkpoint holds: the model's weights (`model/<name>`), the optimizer's state
 * (`optim/<name>/momentum`) and a header with the run state that resumes the run exactly, the
 * config, and the categories and class statistics that rebuild the model from the file alone.
 */
import * as tf from '@tensorflow/tfjs';
import type { LvisCategory } from '../coco/index.js';
import type { ClassStats } from '../losses/index.js';
import type { DetectorModel } from '../modeling/index.js';
import type { MetaLearnerState } from '../meta/index.js';
import type { SamplerState } from '../sampling/index.js';
import { BalmsInputError } from '../util/errors.js';
import type { RngState } from '../util/rng.js';
import type { TrainConfig } from './config/trainConfig.js';
import type { SgdMomentum } from '../solver/sgdMomentum.js';

import { MODEL_PREFIX } from './modelWeights.js';
export const OPTIM_PREFIX = 'optim/';

/** The header of a training checkpoint. */
export interface RunState {
  iteration: number;
  sampler: SamplerState;
  scheduled: { batch: number; factors: number[] }[];
  metaSampler: SamplerState | null;
  detectorRng: RngState;
  stepRng: RngState;
  meta: MetaLearnerState | null;
  config: TrainConfig;
  /** The training categories (index = contiguous class): with `classStats`, what rebuilds the model from the checkpoint alone. */
  categories: CheckpointCategory[];
  classStats: ClassStats;
  /** The statistics the classification loss was built from (differ from `classStats` with `loss.priorCounts` 'sampled' or an LVIS table); absent in older checkpoints. */
  lossStats?: ClassStats;
}

/** A training category as stored in checkpoints. */
export interface CheckpointCategory {
  id: number;
  name: string;
  frequency?: string;
}

/** The categories of a run as stored in its checkpoints. */
export function checkpointCategories(categories: readonly LvisCategory[]): CheckpointCategory[] {
  return categories.map((c) => ({ id: c.id, name: c.name, ...(c.frequency !== undefined ? { frequency: c.frequency } : {}) }));
}

/** The tensors of a checkpoint: the detector's variables and the optimizer's state, under their prefixes. */
export function checkpointTensors(detector: DetectorModel, optimizer: SgdMomentum): Map<string, tf.Tensor> {
  const tensors = new Map<string, tf.Tensor>();
  for (const [k, v] of detector.variables()) tensors.set(MODEL_PREFIX + k, v);
  for (const [k, v] of optimizer.stateTensors()) tensors.set(OPTIM_PREFIX + k, v);
  return tensors;
}

/** The optimizer's part of a checkpoint's tensors (for `SgdMomentum.loadState`). */
export function optimizerState(tensors: ReadonlyMap<string, tf.Tensor>): Map<string, tf.Tensor> {
  return new Map([...tensors].filter(([k]) => k.startsWith(OPTIM_PREFIX)).map(([k, t]) => [k.slice(OPTIM_PREFIX.length), t]));
}

export { loadModelWeights } from './modelWeights.js';
