/**
 * `balms view` on real photos (issue 17): LVIS v0.5 annotations of real COCO photos from
 * ../shared/real/lvis_val_64, in headless Chromium. For one photo the ground truth file keeps no
 * annotation and the results hold that photo's real object masks as detections: its ground-truth
 * canvas must be the plain photo and its prediction canvas the photo with the masks drawn — pixels
 * inside a mask differ, pixels outside every mask are the same. A screenshot goes to
 * out/browser-screenshots/view-real-photos.png.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildView } from '../../scripts/buildView.js';
import { startViewServer, type ViewServer } from '../../src/cli/viewServer.js';
import { decodeRowMajor, rleToJson, segmentationToRle } from '../../src/coco/mask/index.js';
import type { LvisDataset, Segmentation } from '../../src/coco/types.js';
import { HAVE_CHROMIUM, launchChromium, type Chromium } from '../helpers/chromium.js';
import { ROOT } from '../helpers/importGraph.js';

const REAL = join(ROOT, '../shared/real/lvis_val_64');
const HAVE_REAL = existsSync(join(REAL, 'lvis_v0.5_val_64.json'));
if (!HAVE_REAL) console.warn(`test/browser/viewRealPhotos: skipped, ${REAL} is absent`);
const SHOTS = join(ROOT, 'out/browser-screenshots');
const work = mkdtempSync(join(tmpdir(), 'balms-view-real-'));
let browser: Chromium | undefined;
let server: ViewServer | undefined;

afterAll(async () => {
  await server?.close();
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!HAVE_CHROMIUM || !HAVE_REAL)('balms view on real photos (LVIS val, ../shared/real)', () => {
  let probe: { id: number; inside: [number, number][]; outside: [number, number][]; detections: number };

  beforeAll(async () => {
    const full = JSON.parse(readFileSync(join(REAL, 'lvis_v0.5_val_64.json'), 'utf8')) as LvisDataset;
    const images = full.images.slice(0, 3);
    const ids = new Set(images.map((im) => im.id));
    const target = images[0]!;
    const own = full.annotations.filter((a) => a.image_id === target.id);
    // the ground truth keeps the other photos' annotations; the target's become the detections
    const gt = { ...full, images, annotations: full.annotations.filter((a) => ids.has(a.image_id) && a.image_id !== target.id) };
    const { height: h, width: w } = target;
    const union = new Uint8Array(h * w);
    const results = own.map((a) => {
      const rle = segmentationToRle(a.segmentation as Segmentation, h, w);
      const m = decodeRowMajor(rle);
      for (let i = 0; i < m.length; i++) union[i] ||= m[i]!;
      return { image_id: a.image_id, category_id: a.category_id, bbox: a.bbox, score: 0.99, segmentation: rleToJson(rle) };
    });
    // pixels well inside a mask (its 3×3 neighbourhood all in) and well outside every mask
    const inside: [number, number][] = [], outside: [number, number][] = [];
    const all = (y: number, x: number, v: number) => [-3, 0, 3].every((dy) => [-3, 0, 3].every((dx) => union[(y + dy) * w + (x + dx)] === v));
    for (let y = 8; y < h - 8 && (inside.length < 20 || outside.length < 20); y += 7) {
      for (let x = 8; x < w - 8; x += 11) {
        if (inside.length < 20 && all(y, x, 1)) inside.push([x, y]);
        else if (outside.length < 20 && all(y, x, 0)) outside.push([x, y]);
      }
    }
    probe = { id: target.id, inside, outside, detections: results.length };
    writeFileSync(join(work, 'gt.json'), JSON.stringify(gt));
    writeFileSync(join(work, 'results.json'), JSON.stringify(results));
    await buildView(join(work, 'assets'));
    server = await startViewServer({ gt: join(work, 'gt.json'), results: join(work, 'results.json'), images: join(REAL, 'images'), port: 0, assetsDir: join(work, 'assets') });
    browser = await launchChromium();
  });

  it('draws the real photo under both panels and the predicted masks over it', async () => {
    expect(probe.detections).toBeGreaterThan(0);
    expect(probe.inside.length).toBeGreaterThan(0);
    expect(probe.outside.length).toBeGreaterThan(0);
    const { page, errors } = await browser!.page();
    await page.goto(server!.url);
    await page.waitForSelector('body[data-state="done"]', { timeout: 120_000 });
    await page.fill('#image-score', '0');
    await page.waitForFunction((id) => !!document.querySelector(`#images .pair[data-image-id="${id}"]`), probe.id, { timeout: 60_000 });
    const px = await page.evaluate(({ id, inside, outside }) => {
      const [gt, dt] = Array.from(document.querySelectorAll<HTMLCanvasElement>(`#images .pair[data-image-id="${id}"] canvas`));
      const read = (c: HTMLCanvasElement, pts: [number, number][]) => pts.map(([x, y]) => Array.from(c.getContext('2d')!.getImageData(x, y, 1, 1).data.slice(0, 3)));
      const grey = (c: HTMLCanvasElement) => read(c, outside).every((p) => p.every((v) => v === 128));
      return { gtIn: read(gt!, inside), dtIn: read(dt!, inside), gtOut: read(gt!, outside), dtOut: read(dt!, outside), placeholder: grey(gt!) };
    }, probe);
    expect(px.placeholder).toBe(false); // the served JPEG, not the grey placeholder
    // outside every mask both panels show the same photo pixel
    expect(px.dtOut).toEqual(px.gtOut);
    // inside the masks the prediction panel is tinted: most probed pixels change by > 20 levels
    const changed = px.dtIn.filter((p, i) => p.reduce((s, v, k) => s + Math.abs(v - px.gtIn[i]![k]!), 0) > 20).length;
    expect(changed / px.dtIn.length).toBeGreaterThan(0.8);
    await page.screenshot({ path: join(SHOTS, 'view-real-photos.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
