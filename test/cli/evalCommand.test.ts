import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/runCli.js';
import { FIXTURES, listGoldens } from '../eval/goldenFixtures.js';

const goldens = new Map(listGoldens().map((g) => [g.name, g]));
const GT = join(FIXTURES, 'synth_cli_gt.json');
const RES = join(FIXTURES, 'synth_boxes_masks.results.json');

function expectStats(stdout: string, expected: Record<string, number>): void {
  const lines = stdout.trim().split('\n');
  expect(lines.length).toBe(1);
  const got = JSON.parse(lines[0]) as Record<string, number>;
  expect(Object.keys(got)).toEqual(Object.keys(expected));
  for (const [k, v] of Object.entries(expected)) expect(Math.abs(got[k] - v), k).toBeLessThanOrEqual(1e-12);
}

describe('balms eval', () => {
  it('--json prints exactly lvis-api\'s metrics (bbox)', () => {
    const r = runCli(['eval', '--gt', GT, '--results', RES, '--iou-type', 'bbox', '--json']);
    expect(r.stderr).toContain('balms eval:');
    expect(r.code).toBe(0);
    expectStats(r.stdout, goldens.get('cli_boxes_masks_bbox')!.stats!);
  });

  it('--json segm, default box-area quirk and --segm-mask-area', () => {
    const a = runCli(['eval', '--gt', GT, '--results', RES, '--iou-type', 'segm', '--json']);
    expect(a.code).toBe(0);
    expectStats(a.stdout, goldens.get('cli_boxes_masks_segm')!.stats!);
    const b = runCli(['eval', '--gt', GT, '--results', RES, '--iou-type', 'segm', '--json', '--segm-mask-area']);
    expect(b.code).toBe(0);
    expectStats(b.stdout, goldens.get('cli_boxes_masks_segm_maskarea')!.stats!);
  });

  it('--coco --json prints COCOeval\'s 12 numbers', () => {
    const r = runCli(['eval', '--coco', '--gt', join(FIXTURES, 'synth_coco_gt.json'), '--results', RES, '--iou-type', 'bbox', '--json']);
    expect(r.code).toBe(0);
    const got = JSON.parse(r.stdout) as Record<string, number>;
    const want = goldens.get('coco_boxes_masks_bbox')!.statsArray!;
    expect(Object.values(got).length).toBe(12);
    Object.values(got).forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(1e-12));
  });

  it('prints a readable table with APr/APc/APf without --json', () => {
    const r = runCli(['eval', '--gt', GT, '--results', RES, '--iou-type', 'bbox']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBe(13);
    expect(lines[6]).toMatch(/^ APr +Average Precision {2}\(AP\) @\[ IoU=0\.50:0\.95 \| area= {3}all \| maxDets=300 catIds= {2}r\] = +0\.\d{3}$/);
  });

  it('bad input: one line on stderr, exit code 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'balms-eval-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ image_id: 999999, category_id: 1, score: 0.5, bbox: [0, 0, 1, 1] }]));
    const cases = [
      ['eval', '--gt', GT, '--results', RES],
      ['eval', '--gt', GT, '--results', RES, '--iou-type', 'keypoints'],
      ['eval', '--gt', join(dir, 'missing.json'), '--results', RES, '--iou-type', 'bbox'],
      ['eval', '--gt', GT, '--results', bad, '--iou-type', 'bbox'],
      ['eval', '--gt', GT, '--results', RES, '--iou-type', 'bbox', '--bogus'],
    ];
    for (const args of cases) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n').length, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/^balms eval: /);
    }
  });
});
