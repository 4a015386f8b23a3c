import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { area, iou, rleToString, segmentationToRle, toBbox } from '../../../src/coco/mask/index.js';
import type { Rle } from '../../../src/coco/mask/index.js';
import type { LvisDataset, Polygon } from '../../../src/coco/types.js';
import { loadFixture, lvisValPath } from './fixtures.js';

interface LvisFixture {
  annotations: Record<string, [string, number, number[]]>;
  images: { image_id: number; ann_ids: number[]; shifts: [number, number][]; iscrowd: number[]; iou: number[] }[];
}

describe.skipIf(!existsSync(lvisValPath))('real LVIS polygons (lvis_val_100.json) vs pycocotools', () => {
  const data = existsSync(lvisValPath) ? (JSON.parse(readFileSync(lvisValPath, 'utf8')) as LvisDataset) : undefined;
  const fx = loadFixture<LvisFixture>('mask_lvis_val_100.json');
  const images = new Map(data?.images.map((im) => [im.id, im]));
  const anns = new Map(data?.annotations.map((a) => [a.id, a]));

  it('gives every annotation the same merged RLE string, area and box', () => {
    expect(data!.annotations.length).toBe(Object.keys(fx.annotations).length);
    for (const [i, a] of data!.annotations.entries()) {
      const im = images.get(a.image_id)!;
      const r = segmentationToRle(a.segmentation!, im.height, im.width, { path: `annotations[${i}].segmentation` });
      const [s, ar, bb] = fx.annotations[String(a.id)]!;
      expect(rleToString(r)).toBe(s);
      expect(area(r)).toBe(ar);
      expect(toBbox(r)).toEqual(bb);
    }
  });

  it('gives the same IoU matrices for shifted copies against the originals', () => {
    let cells = 0;
    for (const rec of fx.images) {
      const im = images.get(rec.image_id)!;
      const gt: Rle[] = [];
      const dt: Rle[] = [];
      rec.ann_ids.forEach((id, k) => {
        const seg = anns.get(id)!.segmentation as Polygon[];
        const [dx, dy] = rec.shifts[k]!;
        gt.push(segmentationToRle(seg, im.height, im.width));
        const moved = seg.map((p) => p.map((v, j) => (j % 2 === 0 ? v + dx : v + dy)));
        dt.push(segmentationToRle(moved, im.height, im.width));
      });
      expect(Array.from(iou(dt, gt, rec.iscrowd))).toEqual(rec.iou);
      cells += rec.iou.length;
    }
    expect(cells).toBeGreaterThan(5000);
  });
});
