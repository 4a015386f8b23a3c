/** Runs a balms checkpoint over a ground truth's images in the page (placeholder until the model build lands). */
import type { DetectionResult, LvisDataset } from '../coco/types.js';

export interface RunCheckpointOptions {
  checkpoint: ArrayBuffer;
  checkpointName: string;
  gt: LvisDataset;
  backend: string;
  onProgress?: (done: number, total: number, backend: string) => void;
}

export interface RunCheckpointResult {
  results: DetectionResult[];
  backend: string;
  images: number;
  seconds: number;
}

export async function runCheckpointOnImages(opts: RunCheckpointOptions): Promise<RunCheckpointResult> {
  throw new Error(`${opts.checkpointName}: running a checkpoint in the page is not built yet`);
}
