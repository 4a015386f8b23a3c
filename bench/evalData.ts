/**
 * The generated LVIS-scale evaluation case for bench/eval.ts: a long-tailed LVIS-style GT with
 * polygons (1,203 categories in v1's r/c/f proportions, ~12 instances per image, negative and
 * not-exhaustive lists) and 300 detections per image with boxes and compressed-RLE masks
 * (jittered copies of the GT plus false positives). Deterministic for a seed.
 */
import type { DetectionResult, LvisAnnotation, LvisCategory, LvisDataset, LvisImage } from '../src/coco/types.js';
import { frPoly, rleToString } from '../src/coco/mask/index.js';
import { Rng } from '../src/util/rng.js';

export interface EvalCase {
  gt: LvisDataset;
  results: DetectionResult[];
}

function round(v: number, d: number): number {
  const f = 10 ** d;
  return Math.round(v * f) / f;
}

function polygon(rng: Rng, cx: number, cy: number, r: number, nv: number): number[] {
  const ang: number[] = [];
  for (let i = 0; i < nv; i++) ang.push(rng.next() * 2 * Math.PI);
  ang.sort((a, b) => a - b);
  const out: number[] = [];
  for (const a of ang) {
    const rr = r * (0.6 + 0.4 * rng.next());
    out.push(round(cx + rr * Math.cos(a), 2), round(cy + rr * Math.sin(a), 2));
  }
  return out;
}

function shoelace(p: number[]): number {
  let s = 0;
  const n = p.length / 2;
  for (let i = 0; i < n; i++) {
    const j = (i + n - 1) % n;
    s += p[2 * j] * p[2 * i + 1] - p[2 * i] * p[2 * j + 1];
  }
  return Math.abs(s) / 2;
}

function polyBox(p: number[]): [number, number, number, number] {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < p.length; i += 2) {
    x0 = Math.min(x0, p[i]); x1 = Math.max(x1, p[i]);
    y0 = Math.min(y0, p[i + 1]); y1 = Math.max(y1, p[i + 1]);
  }
  return [round(x0, 2), round(y0, 2), round(x1 - x0, 2), round(y1 - y0, 2)];
}

/** Builds the case: `numImages` images, `numCats` categories, `detsPerImage` detections each. */
export function makeEvalCase(seed: number, numImages: number, numCats: number, detsPerImage: number): EvalCase {
  const rng = new Rng(seed);
  // v1 proportions: 337 r, 461 c, 405 f of 1203.
  const nr = Math.round((numCats * 337) / 1203), nc = Math.round((numCats * 461) / 1203);
  const categories: LvisCategory[] = [];
  const weight = new Float64Array(numCats);
  for (let k = 0; k < numCats; k++) {
    const frequency = k < nr ? 'r' : k < nr + nc ? 'c' : 'f';
    categories.push({ id: k + 1, name: `cat_${k + 1}`, synset: `cat_${k + 1}.n.01`, synonyms: [], def: '', frequency, image_count: 0, instance_count: 0 });
    weight[k] = frequency === 'r' ? 0.05 + 0.1 * rng.next() : frequency === 'c' ? 0.3 + rng.next() : 2 + 20 * rng.next() ** 2;
  }
  const cum = new Float64Array(numCats);
  let tot = 0;
  for (let k = 0; k < numCats; k++) cum[k] = tot += weight[k];
  const sampleCat = (): number => {
    const u = rng.next() * tot;
    let lo = 0, hi = numCats - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const images: LvisImage[] = [];
  const annotations: LvisAnnotation[] = [];
  const results: DetectionResult[] = [];
  let annId = 1;
  for (let i = 0; i < numImages; i++) {
    const h = 400 + Math.floor(rng.next() * 241), w = 400 + Math.floor(rng.next() * 241);
    const id = 1000 + 3 * i;
    const nInst = 2 + Math.floor(rng.next() * 21);
    const present = new Set<number>();
    const gtPolys: { cat: number; poly: number[] }[] = [];
    for (let j = 0; j < nInst; j++) {
      const k = sampleCat();
      const r = Math.min(Math.exp(Math.log(6) + rng.next() * (Math.log(150) - Math.log(6))), Math.min(h, w) / 2 - 2);
      const cx = r + rng.next() * (w - 2 * r), cy = r + rng.next() * (h - 2 * r);
      const poly = polygon(rng, cx, cy, r, 6 + Math.floor(rng.next() * 11));
      annotations.push({ id: annId++, image_id: id, category_id: k + 1, segmentation: [poly], bbox: polyBox(poly), area: round(shoelace(poly), 2) });
      present.add(k);
      gtPolys.push({ cat: k, poly });
    }
    const neg: number[] = [];
    while (neg.length < 8) {
      const k = sampleCat();
      if (!present.has(k) && !neg.includes(k + 1)) neg.push(k + 1);
    }
    const presentList = [...present];
    const notEx = rng.next() < 0.3 ? [presentList[0] + 1] : [];
    images.push({ id, height: h, width: w, coco_url: '', flickr_url: '', license: 1, date_captured: '', neg_category_ids: neg, not_exhaustive_category_ids: notEx });

    // Detections: jittered GT copies (with some category confusion), then false positives.
    const emit = (cat: number, poly: number[], score: number): void => {
      const rle = frPoly(poly, h, w);
      results.push({ image_id: id, category_id: cat + 1, score, bbox: polyBox(poly), segmentation: { size: [h, w], counts: rleToString(rle) } });
    };
    let n = 0;
    for (const g of gtPolys) {
      const copies = 1 + Math.floor(rng.next() * 3);
      for (let c = 0; c < copies && n < detsPerImage; c++, n++) {
        const sig = 0.5 + rng.next() * 4;
        const p = g.poly.map((v, q) => round(Math.min(Math.max(v + (rng.next() - 0.5) * 2 * sig, 0), q % 2 ? h - 1 : w - 1), 2));
        const cat = rng.next() < 0.85 ? g.cat : sampleCat();
        emit(cat, p, round(0.3 + 0.7 * rng.next(), 4));
      }
    }
    for (; n < detsPerImage; n++) {
      const u = rng.next();
      const cat = u < 0.3 ? presentList[Math.floor(rng.next() * presentList.length)] : u < 0.45 ? neg[Math.floor(rng.next() * neg.length)] - 1 : sampleCat();
      const r = 4 + rng.next() * 60;
      const cx = r + rng.next() * (w - 2 * r), cy = r + rng.next() * (h - 2 * r);
      emit(cat, polygon(rng, cx, cy, r, 4 + Math.floor(rng.next() * 5)), round(0.3 * rng.next(), 4));
    }
  }
  return { gt: { info: { description: 'balms bench: generated LVIS-scale case' }, licenses: [], images, annotations, categories }, results };
}
