/**
 * The per-(image, category) work of an evaluation split over worker threads (Node only; the
 * browser build never imports this file). The pairs are cut into `n` contiguous ranges of about
 * equal work (`splitPairs`); each worker evaluates its ranges' pairs exactly as `evaluatePairs`
 * does, writing its detections' outcome codes into one shared array and its per-category GT counts
 * (integers, so their sum is exact in any order) into a shared slot. The calling thread takes the
 * first range itself, then waits (`Atomics.wait`) for the others: the API stays synchronous, and the
 * result is identical, byte for byte, for any number of threads. A worker that fails has its range
 * redone here, so errors are those of a one-thread run.
 */
import { Worker } from 'node:worker_threads';
import { evaluatePairs, splitPairs, type MatchResult } from './evaluateImage.js';
import { pairIouOf, type PairEvaluator, type PairJob } from './runCore.js';
import type { PreparedEval } from './prepare.js';
import type { PairWorkerData } from './pairWorker.js';
import { BalmsInputError } from '../util/errors.js';

/** Pairs below this much work (IoU cells + detections + GT) stay on one thread: a worker costs ~50 ms to start. */
const MIN_WORK_PER_THREAD = 200_000;
const STARTUP_WAIT_MS = 30_000;

/**
 * A `PairEvaluator` over `threads` threads (the calling one included), one thread per
 * `minWorkPerThread` of work at most (IoU cells + detections + GT; default 200,000).
 */
export function pairThreads(threads: number, minWorkPerThread = MIN_WORK_PER_THREAD): PairEvaluator {
  if (!Number.isSafeInteger(threads) || threads < 1) throw new BalmsInputError(`--threads: must be a positive integer, got ${threads}`);
  return (job) => evaluateInThreads(job, threads, minWorkPerThread);
}

/** The last threaded run: threads used, and ranges a worker could not do (redone on the calling thread). */
export const lastPairThreadsRun = { threads: 0, redone: 0 };

function evaluateInThreads(job: PairJob, threads: number, minWork: number): MatchResult {
  const { prepared: p, params } = job;
  const A = params.areaRanges.length, T = params.iouThrs.length;
  const n = Math.min(threads, Math.max(1, minWork > 0 ? Math.floor(work(p) / minWork) : threads));
  const canShip = job.iouType === 'bbox' || !p.results.objects;
  lastPairThreadsRun.threads = 1;
  lastPairThreadsRun.redone = 0;
  if (n < 2 || !canShip) return evaluatePairs(p, params.iouThrs, params.areaRanges, pairIouOf(p, job.gt, job.iouType, job.dilationRatio));
  const ranges = splitPairs(p, n);
  lastPairThreadsRun.threads = n;
  const K = p.gt.catIds.length;
  const codes = new Uint8Array(new SharedArrayBuffer(p.numDt * A * T));
  // Per worker slot w: flags[4w ..] = done, failed, started; gtCounts[w·K·A ..] its numGt.
  const flags = new Int32Array(new SharedArrayBuffer(16 * n));
  const gtCounts = new Float64Array(new SharedArrayBuffer(8 * K * A * n));
  const shipped = shippable(p, job);
  const workers: Worker[] = [];
  for (let w = 1; w < n; w++) {
    const data: PairWorkerData = { ...shipped, range: ranges[w], codes, flags, gtCounts, slot: w };
    workers.push(startWorker(data));
  }
  try {
    const mine = evaluatePairs(p, params.iouThrs, params.areaRanges, pairIouOf(p, job.gt, job.iouType, job.dilationRatio), ranges[0].q0, ranges[0].q1, codes);
    const numGt = mine.numGt;
    for (let w = 1; w < n; w++) {
      // A worker that has not started in STARTUP_WAIT_MS (it could not load) is redone here; one
      // that runs late writes the same bytes into `codes`.
      const t0 = Date.now();
      while (Atomics.load(flags, 4 * w) === 0) {
        if (Atomics.load(flags, 4 * w + 2) === 0 && Date.now() - t0 > STARTUP_WAIT_MS) break;
        Atomics.wait(flags, 4 * w, 0, 100);
      }
      if (Atomics.load(flags, 4 * w) === 0 || Atomics.load(flags, 4 * w + 1) !== 0) {
        // Redo the range here: its error (or result) is the one-thread run's.
        lastPairThreadsRun.redone++;
        const again = evaluatePairs(p, params.iouThrs, params.areaRanges, pairIouOf(p, job.gt, job.iouType, job.dilationRatio), ranges[w].q0, ranges[w].q1, codes);
        for (let i = 0; i < numGt.length; i++) numGt[i] += again.numGt[i];
      } else {
        const theirs = gtCounts.subarray(w * K * A, (w + 1) * K * A);
        for (let i = 0; i < numGt.length; i++) numGt[i] += theirs[i];
      }
    }
    return { codes, numGt };
  } finally {
    for (const w of workers) void w.terminate();
  }
}

function work(p: PreparedEval): number {
  let s = 0;
  for (let q = 0; q < p.numPairs; q++) {
    const G = p.pairGtStart[q + 1] - p.pairGtStart[q], D = p.pairDtStart[q + 1] - p.pairDtStart[q];
    s += D * G + D + G;
  }
  return s;
}

/** What a worker needs of the job: typed arrays (copied, or shared where they already are) and the pairs' GT segmentations. */
function shippable(p: PreparedEval, job: PairJob): Omit<PairWorkerData, 'range' | 'codes' | 'flags' | 'gtCounts' | 'slot'> {
  const g = p.gt;
  const masks = job.iouType !== 'bbox';
  const anns = job.gt.annotations;
  const r = p.results;
  return {
    iouType: job.iouType,
    dilationRatio: job.dilationRatio,
    iouThrs: job.params.iouThrs,
    areas: job.params.areaRanges,
    numCats: g.catIds.length,
    pairs: {
      numPairs: p.numPairs, pairImg: p.pairImg, pairCat: p.pairCat, pairGtStart: p.pairGtStart, pairDtStart: p.pairDtStart,
      numDt: p.numDt, dtResult: p.dtResult, dtArea: p.dtArea, dtBox: p.dtBox, dtNotExhaustive: p.dtNotExhaustive,
    },
    gt: { n: g.n, area: g.area, id: g.id, ignore: g.ignore, crowd: g.crowd, box: g.box, imgHeight: g.imgHeight, imgWidth: g.imgWidth },
    segmentations: masks ? Array.from(g.ann, (j) => anns[j].segmentation!) : [],
    results: masks
      ? {
        count: r.count, segKind: r.segKind, segH: r.segH, segW: r.segW, rleStart: r.rleStart, rleEnd: r.rleEnd, box: r.box,
        bytes: r.bytes, jsonEscaped: r.jsonEscaped === true,
      }
      : null,
  };
}

function startWorker(data: PairWorkerData): Worker {
  const self = import.meta.url;
  // Built: pairWorker.js beside this file. From source (tests): the .ts file, through tsx's loader
  // (a worker does not inherit it, and `--import tsx` in its execArgv does not reach its entry).
  const w = self.endsWith('.ts')
    ? new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(new URL('./pairWorker.ts', self).href)}); });`, { eval: true, workerData: data })
    : new Worker(new URL('./pairWorker.js', self), { workerData: data });
  w.unref();
  w.on('error', () => {}); // the worker marks its slot failed itself; one that never starts is redone
  return w;
}
