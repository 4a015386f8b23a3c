import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/runCli.js';
import { FIXTURES, listGoldens } from '../eval/goldenFixtures.js';
import { BACKEND_HELP } from '../../src/cli/cliOptions.js';

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
      ['eval', '--gt', GT, '--results', RES, '--iou-type', 'bbox', '--threads', '0'],
      ['eval', '--gt', GT, '--results', RES, '--iou-type', 'bbox', '--threads', '2.5'],
    ];
    for (const args of cases) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n').length, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/^balms eval: /);
    }
  });

  it('--threads: the same output for 1 and 3 threads', () => {
    const one = runCli(['eval', '--gt', GT, '--results', RES, '--iou-type', 'segm', '--json', '--threads', '1']);
    const three = runCli(['eval', '--gt', GT, '--results', RES, '--iou-type', 'segm', '--json', '--threads', '3']);
    expect(one.code).toBe(0);
    expect(three.stdout).toBe(one.stdout);
    expectStats(one.stdout, goldens.get('cli_boxes_masks_segm')!.stats!);
  });

  it('--help lists the backends of cliOptions', () => {
    const r = runCli(['eval', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(BACKEND_HELP);
  });

  it('rejects option combinations that would be ignored: exit code 2, one line', () => {
    const cases = [
      ['--iou-type', 'bbox', '--dets-per-category', '5'],
      ['--iou-type', 'bbox', '--dilation-ratio', '0.02'],
      ['--iou-type', 'boundary', '--dilation-ratio', '0'],
      ['--iou-type', 'bbox', '--metric', 'fixed', '--coco'],
      ['--iou-type', 'bbox', '--metric', 'fixed', '--max-dets', '300'],
      ['--iou-type', 'bbox', '--metric', 'bogus'],
      ['--iou-type', 'bbox', '--metric', 'fixed', '--dets-per-category', '0'],
      ['--iou-type', 'bbox', '--cat-ids', '1,x'],
      ['--iou-type', 'bbox', '--cat-ids', '1,424242'],
      ['--iou-type', 'bbox', '--img-ids', '5'],
    ];
    for (const extra of cases) {
      const r = runCli(['eval', '--gt', METRIC_GT, '--results', RES, ...extra]);
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n').length, r.stderr).toBe(1);
    }
  });
});

/** The goldens of scripts/fixtures/make_eval_metric_fixtures.py (GT test/fixtures/eval/synth_gt.json). */
const METRIC_GT = join(FIXTURES, 'synth_gt.json');
function metricGolden(name: string): { stats: Record<string, number>; perCategoryAP: number[]; pooled?: Record<string, number> } {
  return JSON.parse(readFileSync(join(FIXTURES, 'metrics', `${name}.golden.json`), 'utf8'));
}

describe('balms eval: Fixed AP, Pooled AP, Boundary AP, restriction, per-category output', () => {
  it('--metric fixed prints the AP keys of lvis-api on the top-K-per-category results', () => {
    const r = runCli(['eval', '--gt', METRIC_GT, '--results', RES, '--iou-type', 'bbox', '--metric', 'fixed', '--dets-per-category', '8', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const want = Object.fromEntries(Object.entries(metricGolden('fixed_boxes_masks_bbox_k8').stats).filter(([k]) => k.startsWith('AP')));
    expectStats(r.stdout, want);
    // The paper's check: categories with fewer than K detections are named on stderr.
    expect(r.stderr).toMatch(/categories have fewer than 8 detections/);
  });

  it('--metric pooled prints AP-pooled-all/r/c/f', () => {
    const r = runCli(['eval', '--gt', METRIC_GT, '--results', RES, '--iou-type', 'bbox', '--metric', 'pooled', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expectStats(r.stdout, metricGolden('pooled_boxes_masks_bbox_k10000').pooled!);
  });

  it('--iou-type boundary with --dilation-ratio and --segm-mask-area', () => {
    const r = runCli(['eval', '--gt', METRIC_GT, '--results', RES, '--iou-type', 'boundary', '--dilation-ratio', '0.05', '--segm-mask-area', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expectStats(r.stdout, metricGolden('boundary_boxes_masks_r05_maskarea').stats);
  });

  it('--cat-ids and --img-ids restrict like lvis-api params.cat_ids / img_ids', () => {
    const a = runCli(['eval', '--gt', METRIC_GT, '--results', RES, '--iou-type', 'bbox', '--cat-ids', '31,1,3,8,20', '--json']);
    expect(a.code, a.stderr).toBe(0);
    expectStats(a.stdout, metricGolden('restrict_cats_bbox').stats);
    const b = runCli(['eval', '--gt', METRIC_GT, '--results', RES, '--iou-type', 'segm', '--img-ids', '100,107,114,121,128', '--json']);
    expect(b.code, b.stderr).toBe(0);
    expectStats(b.stdout, metricGolden('restrict_imgs_segm').stats);
  });

  it('--per-category writes CSV and JSON with the per-category AP', () => {
    const dir = mkdtempSync(join(tmpdir(), 'balms-eval-'));
    const want = metricGolden('restrict_cats_bbox').perCategoryAP;
    const csv = join(dir, 'ap.csv');
    const r = runCli(['eval', '--gt', METRIC_GT, '--results', RES, '--iou-type', 'bbox', '--cat-ids', '1,3,8,20,31', '--per-category', csv]);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('iouType,id,name,frequency,AP,AP50,AP75,AR,numGt,numDt');
    expect(lines.slice(1).map((l) => Number(l.split(',')[1]))).toEqual([1, 3, 8, 20, 31]);
    lines.slice(1).forEach((l, k) => expect(Math.abs(Number(l.split(',')[4]) - want[k])).toBeLessThanOrEqual(1e-12));
    const json = join(dir, 'ap.json');
    expect(runCli(['eval', '--gt', METRIC_GT, '--results', RES, '--iou-type', 'bbox', '--cat-ids', '1,3,8,20,31', '--per-category', json]).code).toBe(0);
    const rows = JSON.parse(readFileSync(json, 'utf8')).bbox as { id: number; AP: number }[];
    expect(rows.map((c) => c.AP)).toEqual(lines.slice(1).map((l) => Number(l.split(',')[4])));
  });

  it('eval of a results file, stats and --help never import tfjs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'balms-noimport-'));
    writeFileSync(join(dir, 'hooks.mjs'), "export async function resolve(s, c, next) { if (s.startsWith('@tensorflow/')) throw new Error('imported ' + s); return next(s, c); }\n");
    writeFileSync(join(dir, 'register.mjs'), "import { register } from 'node:module'; register('./hooks.mjs', import.meta.url);\n");
    const opts = { env: { NODE_OPTIONS: `--import ${join(dir, 'register.mjs')}` } };
    const e = runCli(['eval', '--gt', METRIC_GT, '--results', RES, '--iou-type', 'segm', '--json'], opts);
    expect(e.code, e.stderr).toBe(0);
    expect(runCli(['stats', '--gt', METRIC_GT], opts).code).toBe(0);
    expect(runCli(['--help'], opts).code).toBe(0);
    // The hook does catch a tfjs import: train needs it.
    const t = runCli(['train', '--help'], opts);
    expect(t.stderr + t.stdout).toMatch(/imported @tensorflow/);
  });
});
