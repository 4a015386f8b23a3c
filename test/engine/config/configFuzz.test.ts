/**
 * Seeded fuzzing of training configs: 400 configs with random knobs replaced by extreme values or
 * wrong types. Each either resolves or fails with a `BalmsInputError` naming a key; one that
 * resolves also passes the detector's own validation (so nothing it would reject gets through the
 * range tables).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultTrainConfig, resolveTrainConfig } from '../../../src/engine/index.js';
import { validateDetectorConfig } from '../../../src/modeling/index.js';
import { BalmsInputError } from '../../../src/util/errors.js';
import { Rng } from '../../../src/util/rng.js';

const dir = mkdtempSync(join(tmpdir(), 'balms-fuzz-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const VALUES: unknown[] = [0, -1, 1, 0.5, 1.5, 2, 7, 1e300, -1e300, 1e-300, 2 ** 32, 4097, null, true, 'x', '', [], [0], [[]], [-1, 1], { a: 1 }, {}];

/** Replaces one value reached by a random walk from the root. */
function replaceRandom(root: Record<string, unknown>, rng: Rng): string {
  let node: Record<string, unknown> | unknown[] = root;
  let path = '';
  for (;;) {
    const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    if (keys.length === 0) return path;
    const k = keys[rng.int(keys.length)]!;
    path += typeof k === 'number' ? `[${k}]` : path ? `.${k}` : k;
    const child = (node as Record<string | number, unknown>)[k];
    if (child === null || typeof child !== 'object' || rng.next() < 0.1) {
      (node as Record<string | number, unknown>)[k] = structuredClone(VALUES[rng.int(VALUES.length)]);
      return path;
    }
    node = child as Record<string, unknown> | unknown[];
  }
}

describe('training config fuzzing (seeded)', () => {
  it('400 mutated configs: resolved and valid for the detector, or an input error naming a key', () => {
    const outcomes = { resolved: 0, rejected: 0 };
    for (let seed = 1; seed <= 400; seed++) {
      const rng = new Rng(seed);
      const cfg = defaultTrainConfig() as unknown as Record<string, unknown>;
      const changed = [replaceRandom(cfg, rng), ...(rng.next() < 0.3 ? [replaceRandom(cfg, rng)] : [])];
      const file = join(dir, 'c.json');
      writeFileSync(file, JSON.stringify(cfg));
      const what = `seed ${seed}: ${changed.join(', ')}`;
      try {
        const r = resolveTrainConfig({ file });
        expect(() => validateDetectorConfig({ ...r.model, numClasses: 4 }), what).not.toThrow();
        outcomes.resolved++;
      } catch (e) {
        if (!(e instanceof BalmsInputError)) throw new Error(`${what}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        expect(e.path, `${what}: ${e.message}`).toBeTruthy();
        outcomes.rejected++;
      }
    }
    expect(outcomes.resolved).toBeGreaterThan(25);
    expect(outcomes.rejected).toBeGreaterThan(200);
  });
});
