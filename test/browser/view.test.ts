/**
 * `balms view` in headless Chromium: the page served by the view server evaluates in the browser
 * (metrics equal Node's to the bit), draws the charts, the sortable table and the images with
 * masks; a bad file shows the CLI's one-line message; dropped files evaluate too; the training
 * report renders. Screenshots go to out/browser-screenshots/ for a person to look at.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildView } from '../../scripts/buildView.js';
import { startViewServer, type ViewServer } from '../../src/cli/viewServer.js';
import { runEvalJob } from '../../src/browser/evalJob.js';
import { encodePngRgb } from '../../src/entries/node.js';
import { renderReport } from '../../src/report/htmlReport.js';
import { FIXTURES } from '../eval/goldenFixtures.js';
import { HAVE_CHROMIUM, launchChromium, type Chromium } from '../helpers/chromium.js';
import { ROOT } from '../helpers/importGraph.js';
import { evalCommand } from '../../src/cli/evalCommand.js';
import { inputErrorOfAsync } from '../helpers/inputErrors.js';

const SHOTS = join(ROOT, 'out/browser-screenshots');
const work = mkdtempSync(join(tmpdir(), 'balms-view-'));
const assets = join(work, 'assets');
const images = join(work, 'images');
const gtPath = join(work, 'gt.json');
const resultsPath = join(FIXTURES, 'synth_boxes_masks.results.json');
let browser: Chromium | undefined;
const servers: ViewServer[] = [];

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  mkdirSync(SHOTS, { recursive: true });
  mkdirSync(images);
  await buildView(assets);
  // The synthetic GT with file names, and a gradient image for each.
  const gt = JSON.parse(readFileSync(join(FIXTURES, 'synth_gt.json'), 'utf8')) as { images: { id: number; height: number; width: number; file_name?: string }[] };
  for (const im of gt.images) {
    im.file_name = `im${im.id}.png`;
    const rgba = new Uint8Array(im.height * im.width * 4);
    for (let i = 0; i < im.height * im.width; i++) rgba.set([(i % im.width) & 255, 90, (i / im.width) & 255, 255], 4 * i);
    writeFileSync(join(images, im.file_name), encodePngRgb(rgba, im.width, im.height));
  }
  writeFileSync(gtPath, JSON.stringify(gt));
  browser = await launchChromium();
});

afterAll(async () => {
  for (const s of servers) await s.close();
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

async function serve(opts: { gt?: string; results?: string; images?: string }): Promise<string> {
  const s = await startViewServer({ ...opts, port: 0, assetsDir: assets });
  servers.push(s);
  return s.url;
}

describe.skipIf(!HAVE_CHROMIUM)('balms view in Chromium', () => {
  it('evaluates the files given on the command line and shows metrics, charts, table and images', async () => {
    const { page, errors } = await browser!.page();
    await page.goto(await serve({ gt: gtPath, results: resultsPath, images }));
    await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
    const result = await page.evaluate(() => {
      const r = window.balmsView!.state.result!;
      return { stats: r.stats, iouType: r.iouType, text: r.text };
    });
    expect(result.iouType).toBe('segm');
    const node = runEvalJob({ gtText: readFileSync(gtPath, 'utf8'), gtName: gtPath, resultsText: readFileSync(resultsPath, 'utf8'), resultsName: resultsPath, iouType: 'segm' });
    for (const [k, v] of Object.entries(node.stats)) expect(Object.is(result.stats[k], v), `${k}: page ${result.stats[k]} vs node ${v}`).toBe(true);
    expect(result.text).toBe(node.text);
    // The metrics table shows those numbers.
    expect(await page.textContent('#metrics-table td[data-key="AP"]')).toBe(node.stats['AP']!.toFixed(3));
    // APr/APc/APf bars and the per-category scatter.
    expect(await page.locator('#bars svg rect').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('#scatter svg circle').count()).toBe(node.perCategory.filter((c) => c.AP >= 0).length);
    // The per-category table, sorted by AP (descending) after a click.
    expect(await page.locator('#categories tbody tr').count()).toBe(node.perCategory.length);
    await page.click('#categories th[data-key="AP"]');
    const aps = (await page.locator('#categories tbody tr td:nth-child(7)').allTextContents()).map((t) => (t === 'n/a' ? -1 : Number(t)));
    expect(aps).toEqual([...aps].sort((a, b) => b - a));
    expect(await page.getAttribute('#categories th[data-key="AP"]', 'aria-sort')).toBe('descending');
    // Images: ground truth and predictions side by side, the real image underneath.
    const pairs = page.locator('#images .pair');
    expect(await pairs.count()).toBe(12);
    const pixel = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('#images .pair canvas')!;
      return { w: c.width, h: c.height, px: Array.from(c.getContext('2d')!.getImageData(0, 0, 1, 1).data) };
    });
    expect([pixel.w, pixel.h]).toEqual([320, 240]);
    expect(pixel.px[1]).not.toBe(128); // the served image, not the grey placeholder
    await page.screenshot({ path: join(SHOTS, 'view-evaluated.png'), fullPage: true });
    // Filter by one category and a higher score.
    await page.selectOption('#image-category', { index: 1 });
    await page.waitForFunction(() => document.querySelectorAll('#images .pair').length > 0);
    expect(await pairs.count()).toBeLessThanOrEqual(12);
    expect(errors).toEqual([]);
  });

  it('shows the CLI\'s one-line message for a bad results file', async () => {
    const bad = JSON.parse(readFileSync(resultsPath, 'utf8')) as Record<string, unknown>[];
    delete bad[3]!['score'];
    const badPath = join(work, 'bad.results.json');
    writeFileSync(badPath, JSON.stringify(bad));
    // What `balms eval` prints: `balms eval: <message>` (src/cli/main.ts), the message from here.
    const cliError = await inputErrorOfAsync(evalCommand.run(['--gt', gtPath, '--results', badPath, '--iou-type', 'segm']));
    const { page } = await browser!.page();
    await page.goto(await serve({ gt: gtPath, results: badPath }));
    await page.waitForSelector('body[data-state="error"]', { timeout: 60_000 });
    expect(await page.textContent('#error')).toBe(cliError.message);
    expect(cliError.message).toMatch(/bad\.results\.json: \[3\]/);
  });

  it('evaluates files given through the page', async () => {
    const { page, errors } = await browser!.page();
    await page.goto(await serve({}));
    await page.waitForSelector('body[data-state="idle"]');
    await page.setInputFiles('#drop-gt input[type=file]', gtPath);
    await page.setInputFiles('#drop-results input[type=file]', join(FIXTURES, 'synth_boxes_only.results.json'));
    await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
    const iouType = await page.evaluate(() => window.balmsView!.state.result!.iouType);
    expect(iouType).toBe('bbox');
    expect(await page.locator('#images .pair').count()).toBe(12);
    expect(errors).toEqual([]);
  });

  it('renders the training report with every chart and no console error', async () => {
    const html = renderReport({
      title: 'browser check',
      createdAt: '2026-12-02',
      metrics: { bbox: { AP: 0.25, APr: -1, APc: 0.1, APf: 0.4 }, segm: { AP: 0.2, APr: 0.05, APc: 0.1, APf: 0.3 } },
      perCategory: [{ id: 1, name: 'ring', frequency: 'r', trainImages: 5, apBbox: 0.1, apSegm: 0.2 }],
      curves: { iteration: [0, 10, 20], series: { total_loss: [3, 2, 1], lr: [0.001, 0.01, 0.02] } },
    });
    const { page, errors } = await browser!.page();
    await page.setContent(html);
    expect(await page.locator('svg').count()).toBe(4);
    for (const box of await page.locator('svg').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width))) expect(box).toBeGreaterThan(100);
    await page.screenshot({ path: join(SHOTS, 'report.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
