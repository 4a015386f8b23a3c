/**
 * In headless Chromium: the evaluator and the mask API, bundled from `balms/eval` and `balms/mask`,
 * give Node's numbers to the last bit (and so lvis-api's / pycocotools'), on the repo's golden
 * fixtures and on the shared 100-image LVIS val case when it is present.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { evaluateCoco, evaluateLvis } from '../../src/entries/eval.js';
import { HAVE_SHARED, listGoldens, loadGt, loadResults, SHARED_GT, type Golden } from '../eval/goldenFixtures.js';
import { HAVE_CHROMIUM, launchChromium, type Chromium } from '../helpers/chromium.js';
import { ROOT } from '../helpers/importGraph.js';
import { serveStatic, type StaticServer } from '../helpers/staticServer.js';

let browser: Chromium | undefined;
let server: StaticServer | undefined;
let page: Page;
let pageErrors: string[] = [];
const buildDir = mkdtempSync(join(tmpdir(), 'balms-harness-'));

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  await build({
    absWorkingDir: ROOT,
    entryPoints: { evalHarness: 'test/browser/harness/evalHarness.ts' },
    outdir: buildDir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  server = await serveStatic(
    { '/': '<!doctype html><html><body><script type="module" src="/build/evalHarness.js"></script></body></html>' },
    { '/build/': buildDir, '/fixtures/': join(ROOT, 'test/fixtures'), '/shared/': dirname(SHARED_GT) },
  );
  browser = await launchChromium();
  ({ page, errors: pageErrors } = await browser.page());
  await page.goto(`${server.url}/`);
  await page.waitForSelector('body[data-ready="1"]', { state: 'attached' });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(buildDir, { recursive: true, force: true });
});

function bytesOf(a: Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

async function checkGolden(g: Golden): Promise<void> {
  const gtUrl = g.gt === 'shared' ? '/shared/lvis_val_100.json' : `/fixtures/eval/${g.gt}_gt.json`;
  const opts = { iouType: g.iouType, segmAreaFromBbox: g.segmAreaFromBbox ?? undefined };
  const inPage = await page.evaluate((c) => window.balmsHarness.runEval(c), { gtUrl, resultsUrl: `/fixtures/eval/${g.results}`, mode: g.mode, ...opts });
  const node = g.mode === 'lvis' ? evaluateLvis(loadGt(g.gt), loadResults(g.results), opts) : evaluateCoco(loadGt(g.gt), loadResults(g.results), opts);
  const nodeStats = node.stats as unknown as Record<string, number>;
  expect(Object.keys(inPage.stats)).toEqual(Object.keys(nodeStats));
  for (const [k, v] of Object.entries(nodeStats)) expect(Object.is(inPage.stats[k], v), `${g.name} ${k}: page ${inPage.stats[k]} vs node ${v}`).toBe(true);
  expect(Buffer.from(inPage.precision, 'base64').equals(bytesOf(node.precision.data)), `${g.name} precision`).toBe(true);
  expect(Buffer.from(inPage.recall, 'base64').equals(bytesOf(node.recall.data)), `${g.name} recall`).toBe(true);
  expect(Buffer.from(inPage.perCategoryAP, 'base64').equals(bytesOf(Float64Array.from(node.perCategory.map((p) => p.AP)))), `${g.name} per-category AP`).toBe(true);
  // And the reference implementation's summary (lvis-api 0.5.3 / pycocotools), as the Node tests check.
  const want = g.stats ? Object.values(g.stats) : g.statsArray!;
  Object.values(inPage.stats).forEach((v, i) => expect(Math.abs(v - want[i]!), `${g.name} stat ${i}`).toBeLessThanOrEqual(1e-12));
}

const goldens = listGoldens();

describe.skipIf(!HAVE_CHROMIUM)('in Chromium: the evaluator equals Node bit for bit', () => {
  for (const g of goldens.filter((x) => x.gt !== 'shared')) it(g.name, () => checkGolden(g));
  describe.skipIf(!HAVE_SHARED)('on the shared LVIS val 100-image case', () => {
    // Three of the ten (each costs seconds on two cores): boxes, masks, and ties with mask areas.
    const picked = ['shared_boxes_masks_bbox', 'shared_boxes_masks_segm', 'shared_ties_segm_maskarea'];
    for (const g of goldens.filter((x) => picked.includes(x.name))) it(g.name, () => checkGolden(g));
  });
  it('logged no console error', () => expect(pageErrors).toEqual([]));
});

describe.skipIf(!HAVE_CHROMIUM)('in Chromium: the mask API equals the pycocotools goldens', () => {
  const fx = <T>(name: string) => JSON.parse(readFileSync(join(ROOT, 'test/fixtures/coco', name), 'utf8')) as T;
  it('encode, frPoly, frBbox, merge, area, toBbox, iou, bboxIou and the RLE string codec', async () => {
    const got = await page.evaluate(() => window.balmsHarness.runMask('/fixtures/coco'));
    const enc = fx<{ cases: { counts: string; area: number; bbox: number[] }[] }>('mask_encode.json').cases;
    expect(got.encode).toEqual(enc.map((c) => ({ counts: c.counts, area: c.area, bbox: c.bbox })));
    const polys = fx<{ cases: { parts: string[]; merged: string; area: number; bbox: number[] }[] }>('mask_polygons.json').cases;
    expect(got.polygons).toEqual(polys.map((c) => ({ parts: c.parts, counts: c.merged, area: c.area, bbox: c.bbox })));
    const boxes = fx<{ cases: { counts: string; area: number; bbox: number[] }[] }>('mask_boxes.json').cases;
    expect(got.boxes).toEqual(boxes.map((c) => ({ counts: c.counts, area: c.area, bbox: c.bbox })));
    const merges = fx<{ cases: { areas: number[]; bboxes: number[][]; union: unknown; intersection: unknown }[] }>('mask_merge.json').cases;
    expect(got.merge).toEqual(merges.map((c) => ({ areas: c.areas, bboxes: c.bboxes, union: c.union, intersection: c.intersection })));
    const ious = fx<{ cases: { iou: number[] }[]; bboxCases: { iou: number[] }[] }>('mask_iou.json');
    expect(got.iou).toEqual(ious.cases.map((c) => c.iou));
    expect(got.bboxIou).toEqual(ious.bboxCases.map((c) => c.iou));
    const strings = fx<{ cases: { string: string }[] }>('mask_strings.json').cases;
    expect(got.strings).toEqual(strings.map((c) => c.string));
    expect(got.encode.length + got.polygons.length + got.iou.length).toBeGreaterThan(500);
  });
});
