/**
 * The `task` knob: one config format, two tasks on the one engine. `anyTrainConfigFromJson` reads
 * `task` ("detection" by default) and resolves the config of that task; a knob that only the other
 * task has is rejected with a line that says so (never silently ignored).
 */
import { BalmsInputError } from '../../util/errors.js';
import { classificationConfigFromJson, defaultClassificationConfig, type ClassificationTrainConfig } from './classificationConfig.js';
import type { JsonObject } from './configSchema.js';
import { getPath } from './setOverrides.js';
import { defaultTrainConfig, resolveLoss, trainConfigFromJson, type TrainConfig } from './trainConfig.js';

export type TrainTask = 'detection' | 'classification';
export const TRAIN_TASKS: readonly TrainTask[] = ['detection', 'classification'];
/** A resolved training config of either task (`cfg.task` tells which). */
export type AnyTrainConfig = TrainConfig | ClassificationTrainConfig;

/** The task a merged raw config asks for (validated). */
export function taskOf(raw: JsonObject, where?: string): TrainTask {
  const t = raw['task'] ?? 'detection';
  if (typeof t !== 'string' || !TRAIN_TASKS.includes(t as TrainTask)) {
    throw new BalmsInputError(`must be one of ${TRAIN_TASKS.map((x) => JSON.stringify(x)).join(', ')}, got ${JSON.stringify(t)}`, { file: where, path: 'task' });
  }
  return t as TrainTask;
}

/** Resolves `raw` as the config of its task; an unknown key that the other task has is named as such. */
export function anyTrainConfigFromJson(raw: JsonObject, where?: string): AnyTrainConfig {
  const task = taskOf(raw, where);
  try {
    return task === 'classification' ? classificationConfigFromJson(raw, resolveLoss, where) : trainConfigFromJson(raw, where);
  } catch (e) {
    throw crossTaskError(e, task);
  }
}

/** Rewrites "unknown key" for a knob of the other task into a line that names both tasks. */
function crossTaskError(e: unknown, task: TrainTask): unknown {
  if (!(e instanceof BalmsInputError) || !e.path || !e.problem.startsWith('unknown key')) return e;
  const other: TrainTask = task === 'classification' ? 'detection' : 'classification';
  const otherDefaults = (other === 'classification' ? defaultClassificationConfig() : defaultTrainConfig()) as unknown as JsonObject;
  if (getPath(otherDefaults, e.path.replace(/\[\d+\]/g, '')) === undefined) return e;
  return new BalmsInputError(`is a ${other} knob, and this config has task "${task}": remove it${task === 'detection' ? ' (or set task "classification")' : ''}`, { file: e.file, path: e.path });
}
