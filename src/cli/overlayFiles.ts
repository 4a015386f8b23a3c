/** PNG overlays of detections: each image with its detections (mask fill + outline + box) above a score. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeRowMajor, rleFromJson, type DetectionResult } from '../coco/index.js';
import { encodePngRgb, type DetectionDataset } from '../data/index.js';
import { drawOverlay, type OverlayInstance } from '../report/index.js';
import { writeFileAtomic } from '../util/atomicWrite.js';

/** `a/b/c.jpg` → `a_b_c.png` (one flat folder of overlays). */
export function overlayFileName(fileName: string): string {
  return fileName.replace(/[\\/]/g, '_').replace(/\.[^.]*$/, '') + '.png';
}

/**
 * Writes `<dir>/<image file name>.png` for every image of `dataset`: the original image with the
 * detections scoring at least `minScore` (highest score drawn last, i.e. on top). Returns the paths.
 */
export async function writeOverlays(dataset: DetectionDataset, results: readonly DetectionResult[], dir: string, minScore: number): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const byImage = new Map<number, DetectionResult[]>();
  for (const r of results) {
    if (r.score < minScore) continue;
    const list = byImage.get(r.image_id);
    if (list) list.push(r);
    else byImage.set(r.image_id, [r]);
  }
  const written: string[] = [];
  for (const id of dataset.imageIds) {
    const img = await dataset.images.read(id);
    const dets = (byImage.get(id) ?? []).slice().sort((a, b) => a.score - b.score);
    const instances: OverlayInstance[] = dets.map((d) => ({
      bbox: d.bbox ?? [0, 0, 0, 0],
      mask: d.segmentation ? decodeRowMajor(rleFromJson(d.segmentation)) : undefined,
      colorIndex: dataset.categories.indexOrMinus1(d.category_id),
    }));
    const rgba = drawOverlay(img.data, img.height, img.width, instances);
    const path = join(dir, overlayFileName(dataset.images.fileName(id)));
    writeFileAtomic(path, encodePngRgb(rgba, img.width, img.height));
    written.push(path);
  }
  return written;
}
