import { BalmsInputError } from '../../util/errors.js';
import { MAX_JSON_NESTING, tooDeepAt } from '../../util/jsonText.js';
import type { JsonObject } from './configSchema.js';
import { loadConfigFile } from './loadConfigFile.js';
import { deepMerge } from '../../util/deepMerge.js';
import { parseSetOverrides } from './setOverrides.js';
import { anyTrainConfigFromJson, type AnyTrainConfig } from './taskConfig.js';
import { trainConfigFromJson, TYPED_SECTIONS, type TrainConfig } from './trainConfig.js';

export interface ResolveOptions {
  file?: string;
  sets?: readonly string[];
  overrides?: JsonObject;
}

/**
 * Resolves a training config: defaults ← config file (with its `_base_` chain) ← `--set` overrides,
 * validated. Errors name the file and the key. A layer (file, override, `--set`) that changes
 * `loss.type` starts that loss from its own defaults: the previous loss's knobs are dropped.
 */
export function resolveTrainConfig(opts: ResolveOptions = {}): TrainConfig {
  return resolveWith(opts, trainConfigFromJson);
}

/** As `resolveTrainConfig`, for a config of either task (`task` in the config; detection by default). */
export function resolveAnyTrainConfig(opts: ResolveOptions = {}): AnyTrainConfig {
  return resolveWith(opts, anyTrainConfigFromJson);
}

function resolveWith<C>(opts: ResolveOptions, fromJson: (raw: JsonObject, where?: string) => C): C {
  let raw: JsonObject = {};
  if (opts.file) raw = loadConfigFile(opts.file, [], TYPED_SECTIONS);
  if (opts.overrides) raw = deepMerge(raw, opts.overrides, { typed: TYPED_SECTIONS });
  for (const s of opts.sets ?? []) {
    const key = s.slice(0, Math.max(0, s.indexOf('='))).trim();
    if (key.split('.').some((p) => p === '__proto__' || p === 'constructor' || p === 'prototype')) throw new BalmsInputError(`bad key ${JSON.stringify(key)}`, { file: '--set' });
  }
  const sets = parseSetOverrides(opts.sets ?? []);
  const deep = tooDeepAt(sets);
  if (deep !== null) throw new BalmsInputError(`nested more than ${MAX_JSON_NESTING} levels deep`, { file: '--set', path: deep });
  raw = deepMerge(raw, sets, { typed: TYPED_SECTIONS });
  try {
    return fromJson(raw, opts.file ?? (opts.sets?.length ? '--set' : undefined));
  } catch (e) {
    throw blameSet(e, opts.sets ?? []);
  }
}

/** An error about a key that a `--set` gave names `--set`, not the config file under it. */
function blameSet(e: unknown, sets: readonly string[]): unknown {
  if (!(e instanceof BalmsInputError) || !e.path || e.file === '--set') return e;
  const path = e.path;
  const fromSet = sets.some((s) => {
    const key = s.slice(0, Math.max(0, s.indexOf('='))).trim();
    // the error's key, a knob under a set key, or a section above one (an unknown section a --set introduced)
    return key !== '' && (path === key || path.startsWith(`${key}.`) || path.startsWith(`${key}[`) || key.startsWith(`${path}.`));
  });
  return fromSet ? new BalmsInputError(e.problem, { file: '--set', path }) : e;
}
