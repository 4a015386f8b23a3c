/**
 * Page side of the browser tests of the evaluator and the mask API: bundled from the package's
 * subpath entries (`balms/eval`, `balms/mask`), exactly what a page built from the package holds.
 * Everything crosses back to Node as JSON numbers/strings or base64 of the raw float64 bytes.
 */
import * as evaluation from '../../../src/entries/eval.js';
import * as mask from '../../../src/entries/mask.js';
import type { DetectionResult, LvisDataset } from '../../../src/entries/coco.js';

function b64(a: Float64Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromB64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function json<T>(url: string): Promise<T> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return (await r.json()) as T;
}

export interface EvalCase {
  gtUrl: string;
  resultsUrl: string;
  mode: 'lvis' | 'coco';
  iouType: 'bbox' | 'segm';
  segmAreaFromBbox?: boolean;
}

async function runEval(c: EvalCase) {
  const gt = await json<LvisDataset>(c.gtUrl);
  const results = await json<DetectionResult[]>(c.resultsUrl);
  const t0 = performance.now();
  const r =
    c.mode === 'lvis'
      ? evaluation.evaluateLvis(gt, results, { iouType: c.iouType, segmAreaFromBbox: c.segmAreaFromBbox })
      : evaluation.evaluateCoco(gt, results, { iouType: c.iouType, segmAreaFromBbox: c.segmAreaFromBbox });
  const ms = performance.now() - t0;
  const perCategoryAP = Float64Array.from(r.perCategory.map((p) => p.AP));
  return { stats: r.stats as unknown as Record<string, number>, precision: b64(r.precision.data), recall: b64(r.recall.data), perCategoryAP: b64(perCategoryAP), ms };
}

type J = { size: [number, number]; counts: string };

/** Runs every pycocotools golden case through the bundled mask API; returns what it computed. */
async function runMask(base: string) {
  const enc = await json<{ cases: { h: number; w: number; mask: string }[] }>(`${base}/mask_encode.json`);
  const polys = await json<{ cases: { h: number; w: number; polys: number[][] }[] }>(`${base}/mask_polygons.json`);
  const boxes = await json<{ cases: { h: number; w: number; bbox_in: number[] }[] }>(`${base}/mask_boxes.json`);
  const merges = await json<{ cases: { rles: J[] }[] }>(`${base}/mask_merge.json`);
  const ious = await json<{ cases: { dt: J[]; gt: J[]; iscrowd: number[] }[]; bboxCases: { dt: number[][]; gt: number[][]; iscrowd: number[] }[] }>(`${base}/mask_iou.json`);
  const strings = await json<{ cases: { h: number; w: number; counts: number[] }[] }>(`${base}/mask_strings.json`);
  const summary = (r: mask.Rle) => ({ counts: mask.rleToString(r), area: mask.area(r), bbox: mask.toBbox(r) });
  return {
    encode: enc.cases.map((c) => summary(mask.encode(fromB64(c.mask), c.h, c.w))),
    polygons: polys.cases.map((c) => {
      const rles = c.polys.map((p) => mask.frPoly(p, c.h, c.w));
      return { parts: rles.map(mask.rleToString), ...summary(mask.merge(rles)) };
    }),
    boxes: boxes.cases.map((c) => summary(mask.frBbox(c.bbox_in, c.h, c.w))),
    merge: merges.cases.map((c) => {
      const rles = c.rles.map((j) => mask.rleFromJson(j));
      const u = mask.merge(rles);
      const i = mask.merge(rles, true);
      return { areas: rles.map(mask.area), bboxes: rles.map(mask.toBbox), union: { size: [u.h, u.w], counts: mask.rleToString(u) }, intersection: { size: [i.h, i.w], counts: mask.rleToString(i) } };
    }),
    iou: ious.cases.map((c) => Array.from(mask.iou(c.dt.map((j) => mask.rleFromJson(j)), c.gt.map((j) => mask.rleFromJson(j)), c.iscrowd))),
    bboxIou: ious.bboxCases.map((c) => Array.from(mask.bboxIou(c.dt.flat(), c.gt.flat(), c.iscrowd))),
    strings: strings.cases.map((c) => mask.rleToString({ h: c.h, w: c.w, counts: Uint32Array.from(c.counts) })),
  };
}

declare global {
  interface Window {
    balmsHarness: { runEval: typeof runEval; runMask: typeof runMask };
  }
}

window.balmsHarness = { runEval, runMask };
document.body.dataset['ready'] = '1';
