/**
 * Seeded mutation fuzzing of the JSON loaders: a few hundred corruptions of a valid annotation file
 * and of a valid results file (byte flips, cut or repeated spans, extreme numbers, wrong types).
 * Each must load or fail with a `BalmsInputError`; what loads must then survive the index, the
 * statistics, a subset, and an evaluation, again with nothing but input errors. Bounded by a fixed
 * number of cases; a failing seed is printed, and kept below as a regular case once fixed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LvisIndex, categoryStats, loadLvisDataset, loadResults, makeSubset } from '../../src/coco/index.js';
import { evaluateLvis } from '../../src/eval/index.js';
import { BalmsInputError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';

const fixture = fileURLToPath(new URL('../fixtures/coco/tiny_lvis.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'balms-fuzz-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EXTREMES = ['1e300', '-1e300', '-1', '0', '0.5', '4294967296', '9007199254740993', '-0', '1e-300', 'null', 'true', '""', '"x"', '[]', '{}', '[[]]', '[1e300,1e300,1e300,1e300,1e300,1e300]'];

/** One random corruption of `text`. */
function mutate(text: string, rng: Rng): string {
  const at = rng.int(text.length);
  switch (rng.int(6)) {
    case 0: // flip one byte to a random printable character
      return text.slice(0, at) + String.fromCharCode(32 + rng.int(95)) + text.slice(at + 1);
    case 1: // cut a span
      return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + rng.int(40)));
    case 2: {
      // repeat a span
      const end = Math.min(text.length, at + 1 + rng.int(60));
      return text.slice(0, end) + text.slice(at, end) + text.slice(end);
    }
    case 3:
    case 4: {
      // replace a number with an extreme value or another type
      const nums = [...text.matchAll(/-?\d+(\.\d+)?(e-?\d+)?/g)];
      if (nums.length === 0) return text;
      const m = nums[rng.int(nums.length)]!;
      return text.slice(0, m.index) + EXTREMES[rng.int(EXTREMES.length)]! + text.slice(m.index! + m[0].length);
    }
    default: // truncate
      return text.slice(0, at);
  }
}

function onlyInputErrors(e: unknown, seed: number, what: string): void {
  if (e instanceof BalmsInputError) return;
  throw new Error(`case ${seed} (${what}): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
}

async function exercise(gtPath: string, resultsPath: string | null, seed: number): Promise<'loaded' | 'rejected'> {
  let ds;
  try {
    ds = await loadLvisDataset(gtPath);
  } catch (e) {
    onlyInputErrors(e, seed, 'load annotations');
    return 'rejected';
  }
  try {
    const index = new LvisIndex(ds);
    categoryStats(ds);
    makeSubset(ds, { images: 2, seed: 1 });
    if (resultsPath) {
      const results = await loadResults(resultsPath, index);
      evaluateLvis(index, results, { iouType: results.some((r) => 'segmentation' in r) ? 'segm' : 'bbox' });
    }
  } catch (e) {
    onlyInputErrors(e, seed, 'use annotations / results');
    return 'rejected';
  }
  return 'loaded';
}

const gtText = readFileSync(fixture, 'utf8');
const resultsText = JSON.stringify(
  [
    { image_id: 10, category_id: 1, bbox: [0, 0, 10, 10], score: 0.9 },
    { image_id: 11, category_id: 1, bbox: [1, 1, 2, 2], score: 0.4 },
    { image_id: 12, category_id: 3, bbox: [0.5, 0.5, 3, 4], score: 0.7 },
  ],
  null,
  1,
);

describe('JSON loader fuzzing (seeded)', () => {
  it('300 corrupted annotation files: loaded or an input error, never a crash', async () => {
    const outcomes = { loaded: 0, rejected: 0 };
    for (let seed = 1; seed <= 300; seed++) {
      const rng = new Rng(seed);
      let text = gtText;
      for (let k = 1 + rng.int(3); k > 0; k--) text = mutate(text, rng);
      const p = join(dir, 'gt.json');
      writeFileSync(p, text);
      outcomes[await exercise(p, null, seed)]++;
    }
    // both outcomes occur: the mutations are neither all harmless nor all fatal
    expect(outcomes.loaded).toBeGreaterThan(5);
    expect(outcomes.rejected).toBeGreaterThan(100);
  });

  it('300 annotation files with random values replaced (structure-aware): loaded or an input error', async () => {
    const outcomes = { loaded: 0, rejected: 0 };
    const values: unknown[] = EXTREMES.map((v) => JSON.parse(v) as unknown).concat([2e8, -2e8, 1e9, 0.0001, 2 ** 31, [0, 0, 0, 0], { size: [1, 1], counts: '1' }, { size: [20, 20], counts: [400] }]);
    for (let seed = 1; seed <= 300; seed++) {
      const rng = new Rng(5000 + seed);
      const d = JSON.parse(gtText) as unknown;
      for (let k = 1 + rng.int(2); k > 0; k--) replaceRandomLeaf(d, values[rng.int(values.length)], rng);
      const p = join(dir, 'gt-s.json');
      writeFileSync(p, JSON.stringify(d));
      outcomes[await exercise(p, null, seed)]++;
    }
    expect(outcomes.loaded).toBeGreaterThan(20);
    expect(outcomes.rejected).toBeGreaterThan(20);
  });

  it('200 corrupted results files against a valid ground truth: evaluated or an input error', async () => {
    writeFileSync(join(dir, 'gt-ok.json'), gtText);
    const outcomes = { loaded: 0, rejected: 0 };
    for (let seed = 1; seed <= 200; seed++) {
      const rng = new Rng(1000 + seed);
      let text = resultsText;
      for (let k = 1 + rng.int(2); k > 0; k--) text = mutate(text, rng);
      const p = join(dir, 'results.json');
      writeFileSync(p, text);
      outcomes[await exercise(join(dir, 'gt-ok.json'), p, seed)]++;
    }
    expect(outcomes.loaded).toBeGreaterThan(5);
    expect(outcomes.rejected).toBeGreaterThan(100);
  });
});

/** Replaces one value reached by a random walk from the root (a leaf or a whole sub-tree). */
function replaceRandomLeaf(root: unknown, value: unknown, rng: Rng): void {
  let node = root as Record<string, unknown> | unknown[];
  for (;;) {
    const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    if (keys.length === 0) return;
    const k = keys[rng.int(keys.length)]!;
    const child = (node as Record<string | number, unknown>)[k];
    if (child === null || typeof child !== 'object' || rng.next() < 0.15) {
      (node as Record<string | number, unknown>)[k] = structuredClone(value);
      return;
    }
    node = child as Record<string, unknown> | unknown[];
  }
}
