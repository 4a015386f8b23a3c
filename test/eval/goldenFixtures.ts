import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { DetectionResult, LvisDataset } from '../../src/coco/types.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/eval/', import.meta.url));
export const SHARED_GT = fileURLToPath(new URL('../../../shared/lvis/lvis_val_100.json', import.meta.url));
export const HAVE_SHARED = existsSync(SHARED_GT);

export interface Golden {
  name: string;
  mode: 'lvis' | 'coco';
  gt: 'synth' | 'synth_cli' | 'synth_coco' | 'shared';
  results: string;
  iouType: 'bbox' | 'segm';
  arrays: 'full' | 'reduced';
  segmAreaFromBbox: boolean | null;
  stats?: Record<string, number>;
  statsArray?: number[];
  precisionShape: number[];
  recallShape: number[];
}

export function listGoldens(): Golden[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.golden.json'))
    .sort()
    .map((f) => ({ name: f.replace('.golden.json', ''), ...(JSON.parse(readFileSync(FIXTURES + f, 'utf8')) as Omit<Golden, 'name'>) }));
}

const cache = new Map<string, unknown>();
function readJson<T>(path: string): T {
  if (!cache.has(path)) cache.set(path, JSON.parse(readFileSync(path, 'utf8')));
  return cache.get(path) as T;
}

/** A fresh parse each call for results (the evaluator must not depend on sharing), cached GT. */
export function loadGt(label: Golden['gt']): LvisDataset {
  if (label === 'shared') return readJson<LvisDataset>(SHARED_GT);
  return readJson<LvisDataset>(FIXTURES + `${label}_gt.json`);
}

export function loadResults(file: string): DetectionResult[] {
  return JSON.parse(readFileSync(FIXTURES + file, 'utf8')) as DetectionResult[];
}

/** The golden arrays: [precision, recall] (full) or [precisionSumOverR, precision t=0 area=all, recall] (reduced). */
export function loadArrays(name: string): Float64Array {
  const buf = gunzipSync(readFileSync(FIXTURES + name + '.arrays.bin.gz'));
  const out = new Float64Array(buf.length / 8);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = dv.getFloat64(8 * i, true);
  return out;
}

/** Largest |a−b| over two equal-length arrays; Infinity if −1 (undefined) disagrees or lengths differ. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    if ((a[i] === -1) !== (b[i] === -1)) return Infinity;
    m = Math.max(m, Math.abs(a[i] - b[i]));
  }
  return m;
}
