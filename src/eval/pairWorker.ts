/**
 * A worker thread of src/eval/pairThreads.ts: evaluates one range of pairs exactly as
 * `evaluatePairs` does, into the shared outcome codes, and leaves its per-category GT counts in its
 * slot. Flags (per slot, Int32): done, failed, started.
 */
import { workerData } from 'node:worker_threads';
import type { ResultColumns } from '../coco/resultColumns.js';
import type { LvisDataset, Segmentation } from '../coco/types.js';
import type { GtTable } from './gtTable.js';
import { evaluatePairs, type PairRange } from './evaluateImage.js';
import type { AreaRange } from './params.js';
import type { PreparedEval } from './prepare.js';
import { pairIouOf, type IouType } from './runCore.js';

export interface PairWorkerData {
  iouType: IouType;
  dilationRatio: number | undefined;
  iouThrs: Float64Array;
  areas: AreaRange[];
  numCats: number;
  pairs: Pick<PreparedEval, 'numPairs' | 'pairImg' | 'pairCat' | 'pairGtStart' | 'pairDtStart' | 'numDt' | 'dtResult' | 'dtArea' | 'dtBox' | 'dtNotExhaustive'>;
  gt: Pick<GtTable, 'n' | 'area' | 'id' | 'ignore' | 'crowd' | 'box' | 'imgHeight' | 'imgWidth'>;
  /** Masks: the kept GT's segmentations, in pair order. */
  segmentations: Segmentation[];
  results: (Pick<ResultColumns, 'count' | 'segKind' | 'segH' | 'segW' | 'rleStart' | 'rleEnd' | 'box' | 'bytes'> & { jsonEscaped: boolean }) | null;
  range: PairRange;
  codes: Uint8Array;
  flags: Int32Array;
  gtCounts: Float64Array;
  slot: number;
}

const d = workerData as PairWorkerData;
const base = 4 * d.slot;
Atomics.store(d.flags, base + 2, 1);
try {
  const gt = { ...d.gt, catIds: { length: d.numCats }, ann: Uint32Array.from({ length: d.gt.n }, (_, i) => i) } as unknown as GtTable;
  const results = (d.results ?? { count: 0 }) as ResultColumns;
  const p = { ...d.pairs, gt, results, dtRle: [] } as unknown as PreparedEval;
  const dataset = { annotations: d.segmentations.map((segmentation) => ({ segmentation })) } as unknown as LvisDataset;
  const m = evaluatePairs(p, d.iouThrs, d.areas, pairIouOf(p, dataset, d.iouType, d.dilationRatio), d.range.q0, d.range.q1, d.codes);
  d.gtCounts.set(m.numGt, d.slot * m.numGt.length);
} catch {
  Atomics.store(d.flags, base + 1, 1);
} finally {
  Atomics.store(d.flags, base, 1);
  Atomics.notify(d.flags, base);
}
