import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEvalJob } from '../../src/browser/evalJob.js';
import { FIXTURES } from '../eval/goldenFixtures.js';

// Node only (no browser): the view worker's job on the results' bytes, as the page sends them.
describe('runEvalJob on the results bytes (the view worker’s path)', () => {
  const gtText = readFileSync(join(FIXTURES, 'synth_cli_gt.json'), 'utf8');
  const resultsText = readFileSync(join(FIXTURES, 'synth_boxes_masks.results.json'), 'utf8');
  const job = { gtText, gtName: 'gt.json', resultsName: 'r.json' };

  it('gives the text path’s metrics and arrays, bbox and segm', () => {
    for (const iouType of ['bbox', 'segm'] as const) {
      const a = runEvalJob({ ...job, iouType, resultsText });
      const b = runEvalJob({ ...job, iouType, resultsBytes: new TextEncoder().encode(resultsText) });
      expect(b.stats).toEqual(a.stats);
      expect(b.text).toBe(a.text);
      expect(Array.from(b.precision.data)).toEqual(Array.from(a.precision.data));
      expect(b.counts).toEqual(a.counts);
    }
  });

  it('raises the text path’s one-line message on a bad file', () => {
    const bad = resultsText.replace('"score"', '"scor"');
    const msg = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    const m = msg(() => runEvalJob({ ...job, iouType: 'bbox', resultsBytes: new TextEncoder().encode(bad) }));
    expect(m).toMatch(/r\.json.*\[0\]\.score.*missing key/);
    expect(m).toBe(msg(() => runEvalJob({ ...job, iouType: 'bbox', resultsText: bad })));
  });
});
