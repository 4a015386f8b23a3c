import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from './command.js';
import { parseCli } from './parseCli.js';
import { BalmsInputError } from '../util/errors.js';
import {
  DEFAULT_SYNTH_OPTIONS,
  MAX_SYNTH_CATEGORIES,
  SYNTH_LAYOUT,
  defaultCacheRoot,
  ensureSynthDataset,
  writeSynthDataset,
  type SynthOptions,
  type SynthSummary,
} from '../data/synth/index.js';

const d = DEFAULT_SYNTH_OPTIONS;

const usage = `Usage: balms synth [options]

Writes a seeded, long-tailed synthetic dataset in LVIS format: train/ and val/ PNG images and
lvis_synth_train.json / lvis_synth_val.json (readable by lvis-api), plus synth.json, a summary.
Categories are shape × colour × texture on cluttered, noisy backgrounds; their training-image
counts follow LVIS's buckets (rare 1–10, common 11–100, frequent > 100 at the default size).
Every val category has at least --min-val-images images so APr can be measured.

Options:
  --out DIR              write here (must be empty or absent unless --force); default: the cache
                         folder $BALMS_CACHE or ./.cache/balms, reused when already generated
  --seed S               random seed (default ${d.seed})
  --categories N         number of categories, 1–${MAX_SYNTH_CATEGORIES} (default ${d.categories})
  --train-images N       training images (default ${d.trainImages})
  --val-images N         validation images (default ${d.valImages})
  --size S               image side in pixels (default ${d.size})
  --neg-fraction P       chance an absent category is listed as a verified negative (default ${d.negFraction})
  --not-exhaustive P     chance a multi-instance category leaves one instance unannotated and is
                         listed as not exhaustive (default ${d.notExhaustiveFraction})
  --min-val-images N     minimum val images per category (default ${d.minValImages})
  --test-images N        images of a held-out test split (default ${d.testImages}: none)
  --min-test-images N    minimum test images per category (default ${d.minTestImages})
  --rare-images LO-HI    training images of the rare categories, log-spaced (default ${d.rareMinImages}-${d.rareMaxImages})
  --frequent-share P     share of training images holding the most frequent category (default ${d.frequentMaxShare})
  --force                overwrite the dataset files in a non-empty --out
  --json                 print the summary as JSON instead of a table
`;

function intOpt(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v)) throw new BalmsInputError(`--${name} must be a non-negative integer, got '${v}'`);
  return Number(v);
}

function fracOpt(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  const x = Number(v);
  if (v.trim() === '' || !(x >= 0 && x <= 1)) throw new BalmsInputError(`--${name} must be a number in [0, 1], got '${v}'`);
  return x;
}

function rareRange(v: string | undefined): { rareMinImages: number; rareMaxImages: number } {
  if (v === undefined) return { rareMinImages: d.rareMinImages, rareMaxImages: d.rareMaxImages };
  const m = /^(\d+)-(\d+)$/.exec(v);
  const lo = m ? Number(m[1]) : NaN, hi = m ? Number(m[2]) : NaN;
  if (!(lo >= 1 && hi >= lo && hi <= 10)) throw new BalmsInputError(`--rare-images must be LO-HI with 1 ≤ LO ≤ HI ≤ 10 (LVIS's rare bucket), got '${v}'`);
  return { rareMinImages: lo, rareMaxImages: hi };
}

function table(s: SynthSummary): string {
  const lines = [
    `dataset: ${s.dir}`,
    `  train: ${s.trainImages} images, ${s.trainAnnotations} annotations  (${s.trainJson})`,
    `  val:   ${s.valImages} images, ${s.valAnnotations} annotations  (${s.valJson})`,
    ...(s.testJson ? [`  test:  ${s.testImages} images, ${s.testAnnotations} annotations  (${s.testJson})`] : []),
    `  size on disk ${(s.bytes / 1e6).toFixed(1)} MB, generated in ${s.seconds.toFixed(1)} s (${s.cpuSeconds.toFixed(1)} s CPU)${s.unplaced ? `, ${s.unplaced} objects found no room` : ''}`,
    '',
    '   id  name                          freq  train img  train inst  val img  val inst' + (s.testJson ? '  test img  test inst' : ''),
  ];
  for (const c of s.categories) {
    lines.push(
      `${String(c.id).padStart(5)}  ${c.name.padEnd(28)}  ${c.frequency.padStart(4)}  ${String(c.trainImages).padStart(9)}  ${String(c.trainInstances).padStart(10)}  ${String(c.valImages).padStart(7)}  ${String(c.valInstances).padStart(8)}` +
        (s.testJson ? `  ${String(c.testImages ?? 0).padStart(8)}  ${String(c.testInstances ?? 0).padStart(9)}` : ''),
    );
  }
  const by = (f: string) => s.categories.filter((c) => c.frequency === f).length;
  lines.push('', `rare ${by('r')}, common ${by('c')}, frequent ${by('f')}`);
  return lines.join('\n');
}

export const synthCommand: Command = {
  name: 'synth',
  usage,
  async run(argv) {
    const parsed = parseCli(argv, {
      out: { type: 'string' },
      seed: { type: 'string' },
      categories: { type: 'string' },
      'train-images': { type: 'string' },
      'val-images': { type: 'string' },
      size: { type: 'string' },
      'neg-fraction': { type: 'string' },
      'not-exhaustive': { type: 'string' },
      'min-val-images': { type: 'string' },
      'test-images': { type: 'string' },
      'min-test-images': { type: 'string' },
      'rare-images': { type: 'string' },
      'frequent-share': { type: 'string' },
      force: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    const v = parsed.values;
    const options: SynthOptions = {
      seed: intOpt(v.seed, 'seed', d.seed),
      categories: intOpt(v.categories, 'categories', d.categories),
      trainImages: intOpt(v['train-images'], 'train-images', d.trainImages),
      valImages: intOpt(v['val-images'], 'val-images', d.valImages),
      size: intOpt(v.size, 'size', d.size),
      negFraction: fracOpt(v['neg-fraction'], 'neg-fraction', d.negFraction),
      notExhaustiveFraction: fracOpt(v['not-exhaustive'], 'not-exhaustive', d.notExhaustiveFraction),
      minValImages: intOpt(v['min-val-images'], 'min-val-images', d.minValImages),
      testImages: intOpt(v['test-images'], 'test-images', d.testImages),
      minTestImages: intOpt(v['min-test-images'], 'min-test-images', d.minTestImages),
      ...rareRange(v['rare-images']),
      frequentMaxShare: fracOpt(v['frequent-share'], 'frequent-share', d.frequentMaxShare),
    };
    const checks: Array<[boolean, string]> = [
      [options.seed <= 0xffffffff, `--seed must be at most ${0xffffffff}`],
      [options.categories >= 1 && options.categories <= MAX_SYNTH_CATEGORIES, `--categories must be in [1, ${MAX_SYNTH_CATEGORIES}]`],
      [options.trainImages >= 1 && options.trainImages <= 1_000_000, '--train-images must be in [1, 1000000]'],
      [options.valImages >= 1 && options.valImages <= 1_000_000, '--val-images must be in [1, 1000000]'],
      [options.size >= 32 && options.size <= 4096, '--size must be in [32, 4096]'],
      [options.testImages <= 1_000_000, '--test-images must be at most 1000000'],
      [options.frequentMaxShare > 0, '--frequent-share must be > 0'],
    ];
    for (const [ok, msg] of checks) if (!ok) throw new BalmsInputError(msg);
    const log = (line: string) => process.stderr.write(`synth: ${line}\n`);
    let summary: SynthSummary;
    if (v.out === undefined) {
      summary = await ensureSynthDataset(options, defaultCacheRoot(), log);
    } else {
      const out = resolve(v.out);
      if (existsSync(out) && readdirSync(out).length > 0) {
        if (!v.force) throw new BalmsInputError('folder exists and is not empty (use --force to overwrite the dataset files)', { file: out });
        for (const name of Object.values(SYNTH_LAYOUT)) rmSync(join(out, name), { recursive: true, force: true });
      }
      summary = await writeSynthDataset(out, options, log);
    }
    process.stdout.write((v.json ? JSON.stringify(summary, null, 2) : table(summary)) + '\n');
    return 0;
  },
};
