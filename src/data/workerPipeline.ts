import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AugmentationPlan } from './augment.js';
import type { ImagePipeline } from './detectionDataset.js';
import { ImageReadError, type ImageReadFailure } from './imageRead.js';
import type { LvisImageFolder } from './imageFolder.js';
import type { ImageJob, ImageJobResult } from './imageWorker.js';
import { BalmsInputError } from '../util/errors.js';

/** The worker script: `imageWorker.js` when built; from sources, a bootstrap that loads `imageWorker.ts` through tsx. */
function workerScript(): string {
  const fromSource = import.meta.url.endsWith('.ts');
  return fileURLToPath(new URL(fromSource ? './imageWorkerFromSource.mjs' : './imageWorker.js', import.meta.url));
}

/**
 * Decodes and transforms images on a pool of worker threads, so image work overlaps with
 * training on the main thread. Jobs go to the least-busy worker; results come back as
 * transferred Float32Arrays. Errors are the same `BalmsInputError`s as the inline pipeline.
 * Call `close()` when done (workers are also unref'd, so they never keep the process alive).
 */
export class WorkerImagePipeline implements ImagePipeline {
  private readonly workers: Worker[] = [];
  private readonly busy: number[] = [];
  private readonly pending = new Map<number, { worker: number; resolve: (d: Float32Array) => void; reject: (e: unknown) => void }>();
  private nextJob = 0;
  private closed = false;

  /** `threads` defaults to one less than the available cores (at least 1). */
  constructor(threads: number = Math.max(1, availableParallelism() - 1)) {
    if (!Number.isInteger(threads) || threads < 1) throw new BalmsInputError(`threads must be a positive integer, got ${threads}`);
    const script = workerScript();
    for (let i = 0; i < threads; i++) {
      const w = new Worker(script);
      w.unref();
      w.on('message', (m: ImageJobResult) => this.settle(m));
      w.on('error', (e) => this.failWorker(i, e));
      this.workers.push(w);
      this.busy.push(0);
    }
  }

  get threads(): number {
    return this.workers.length;
  }

  load(folder: LvisImageFolder, imageId: number, plan: AugmentationPlan): Promise<Float32Array> {
    if (this.closed) return Promise.reject(new BalmsInputError('WorkerImagePipeline is closed'));
    let path: string;
    try {
      path = folder.path(imageId);
    } catch (e) {
      return Promise.reject(e);
    }
    let wi = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.busy[i]! < this.busy[wi]!) wi = i;
    const job = this.nextJob++;
    this.busy[wi]!++;
    return new Promise<Float32Array>((resolve, reject) => {
      this.pending.set(job, {
        worker: wi,
        resolve,
        reject: (e) => reject(e instanceof ImageReadError ? folder.wrapError(imageId, e) : e),
      });
      this.workers[wi]!.postMessage({ job, path, plan } satisfies ImageJob);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new BalmsInputError('WorkerImagePipeline closed'));
    this.pending.clear();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private settle(m: ImageJobResult): void {
    const p = this.pending.get(m.job);
    if (!p) return;
    this.pending.delete(m.job);
    this.busy[p.worker]!--;
    if (m.ok) p.resolve(m.data);
    else p.reject(m.reason ? new ImageReadError(m.reason as ImageReadFailure, m.message) : new BalmsInputError(m.message));
  }

  private failWorker(i: number, e: unknown): void {
    for (const [job, p] of this.pending) {
      if (p.worker !== i) continue;
      this.pending.delete(job);
      p.reject(e);
    }
  }
}
