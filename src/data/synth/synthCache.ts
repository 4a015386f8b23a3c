import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeJsonFileAtomic } from '../../util/writeJsonAtomic.js';
import { BalmsInternalError } from '../../util/errors.js';
import { DEFAULT_SYNTH_OPTIONS, recordedSynthOptions, type SynthOptions } from './plan.js';
import { SYNTH_GENERATOR_VERSION, SYNTH_LAYOUT, writeSynthDataset, type SynthSummary } from './writeSynth.js';

/** The folder name a dataset with these options gets in a cache: `synth-<12 hex of sha256>`. */
export function synthCacheKey(options: SynthOptions): string {
  const canonical = JSON.stringify({ version: SYNTH_GENERATOR_VERSION, ...sortKeys(options) });
  return `synth-${createHash('sha256').update(canonical).digest('hex').slice(0, 12)}`;
}

/** The default cache root: `$BALMS_CACHE` or `./.cache/balms`. */
export function defaultCacheRoot(): string {
  return resolve(process.env['BALMS_CACHE'] ?? join('.cache', 'balms'));
}

/** Reads the `synth.json` summary of a complete synthetic dataset folder, or `undefined`. */
export function readSynthSummary(dir: string): SynthSummary | undefined {
  const p = join(dir, SYNTH_LAYOUT.manifest);
  if (!existsSync(p)) return undefined;
  return withDir(JSON.parse(readFileSync(p, 'utf8')) as SynthSummary, dir);
}

/**
 * Returns the synthetic dataset for `options` from the cache, generating it first if absent.
 * Generation goes to a temporary folder renamed into place when complete, so concurrent callers
 * and interrupted runs never see a partial dataset.
 */
export async function ensureSynthDataset(
  options: Partial<SynthOptions> = {},
  cacheRoot: string = defaultCacheRoot(),
  log?: (line: string) => void,
): Promise<SynthSummary> {
  const full: SynthOptions = { ...DEFAULT_SYNTH_OPTIONS, ...options };
  const dir = join(cacheRoot, synthCacheKey(full));
  const have = readSynthSummary(dir);
  if (have) return have;
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  try {
    log?.(`generating synthetic dataset into ${dir}`);
    await writeSynthDataset(tmp, full, log);
    const finished = readSynthSummary(dir); // another process finished first: keep its copy, drop ours
    if (finished) {
      rmSync(tmp, { recursive: true, force: true });
      return finished;
    }
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true }); // an incomplete leftover (no manifest)
    renameSync(tmp, dir);
    // the summary was written naming the temp folder: record the folder it now lives in
    const moved = readSynthSummary(dir);
    if (moved) writeJsonFileAtomic(join(dir, SYNTH_LAYOUT.manifest), moved, { indent: 2 });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    const other = readSynthSummary(dir); // lost a race to another process: use its copy
    if (other) return other;
    throw e;
  }
  const done = readSynthSummary(dir);
  if (!done) throw new BalmsInternalError(`synthetic dataset in ${dir} has no ${SYNTH_LAYOUT.manifest} after generation`);
  return done;
}

/** The summary with its paths re-rooted at `dir` (a folder may have been moved or renamed). */
function withDir(s: SynthSummary, dir: string): SynthSummary {
  const abs = resolve(dir);
  return {
    ...s,
    dir: abs,
    trainJson: join(abs, SYNTH_LAYOUT.trainJson),
    valJson: join(abs, SYNTH_LAYOUT.valJson),
    trainImageDir: join(abs, SYNTH_LAYOUT.trainImages),
    valImageDir: join(abs, SYNTH_LAYOUT.valImages),
    ...(s.testImages > 0 ? { testJson: join(abs, SYNTH_LAYOUT.testJson), testImageDir: join(abs, SYNTH_LAYOUT.testImages) } : {}),
  };
}

/** The recorded options in key order (later additions at their neutral values are left out, so older keys stay valid). */
function sortKeys(o: SynthOptions): Record<string, unknown> {
  const rec = recordedSynthOptions(o) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(rec).sort()) out[k] = rec[k];
  return out;
}
