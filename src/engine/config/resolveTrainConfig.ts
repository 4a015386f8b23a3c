import type { JsonObject } from './configSchema.js';
import { loadConfigFile } from './loadConfigFile.js';
import { deepMerge, parseSetOverrides } from './mergeConfig.js';
import { trainConfigFromJson, TYPED_SECTIONS, type TrainConfig } from './trainConfig.js';

/**
 * Resolves a training config: defaults ← config file (with its `_base_` chain) ← `--set` overrides,
 * validated. Errors name the file and the key. A layer (file, override, `--set`) that changes
 * `loss.type` starts that loss from its own defaults: the previous loss's knobs are dropped.
 */
export function resolveTrainConfig(opts: { file?: string; sets?: readonly string[]; overrides?: JsonObject } = {}): TrainConfig {
  let raw: JsonObject = {};
  if (opts.file) raw = loadConfigFile(opts.file, [], TYPED_SECTIONS);
  if (opts.overrides) raw = deepMerge(raw, opts.overrides, TYPED_SECTIONS);
  const sets = parseSetOverrides(opts.sets ?? []);
  raw = deepMerge(raw, sets, TYPED_SECTIONS);
  return trainConfigFromJson(raw, opts.file ?? (opts.sets?.length ? '--set' : undefined));
}
