/**
 * Worker-thread entry of `WorkerImagePipeline`: reads, decodes and transforms one image per
 * message and sends the Float32 pixels back (transferred, not copied).
 */
import { parentPort } from 'node:worker_threads';
import { transformImage, type AugmentationPlan } from './augment.js';
import { ImageReadError, readImageChecked } from './imageRead.js';

export interface ImageJob {
  job: number;
  path: string;
  plan: AugmentationPlan;
}

export type ImageJobResult =
  | { job: number; ok: true; data: Float32Array }
  | { job: number; ok: false; reason: string | null; message: string };

if (parentPort) {
  const port = parentPort;
  port.on('message', (msg: ImageJob) => {
    readImageChecked(msg.path, msg.plan.origHeight, msg.plan.origWidth)
      .then((img) => {
        const data = transformImage(img, msg.plan);
        port.postMessage({ job: msg.job, ok: true, data } satisfies ImageJobResult, [data.buffer as ArrayBuffer]);
      })
      .catch((e: unknown) => {
        const reason = e instanceof ImageReadError ? e.reason : null;
        port.postMessage({ job: msg.job, ok: false, reason, message: e instanceof Error ? e.message : String(e) } satisfies ImageJobResult);
      });
  });
}
