/**
 * Runs a balms checkpoint over a ground truth's images in the page: the same test transform and the
 * same prediction step (`predictImages`) as `balms eval --checkpoint`, on webgl, wasm or cpu, with every tensor read
 * asynchronous (`Detector.predictAsync`). Loaded on demand by the view page (it carries tfjs).
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { DetectionResult, LvisDataset, LvisImage } from '../coco/types.js';
import { planAugmentation, transformImage } from '../data/augment.js';
import { decodeCheckpoint } from '../engine/checkpointFormat.js';
import { detectorFromCheckpoint } from '../engine/detectorFromCheckpoint.js';
import { testTransform } from '../engine/exampleTransforms.js';
import { predictImages } from '../engine/predictImages.js';
import { BalmsInputError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { imageFileName } from './viewImages.js';

/** Backends a page can ask for; webgpu needs @tensorflow/tfjs-backend-webgpu, not bundled. */
export const PAGE_BACKENDS = ['webgl', 'wasm', 'cpu'] as const;

export interface RunCheckpointOptions {
  checkpoint: ArrayBuffer;
  checkpointName: string;
  gt: LvisDataset;
  backend: string;
  /** Where the images are served (default `/images/`) and the wasm binaries (default `/wasm/`). */
  imageBase?: string;
  wasmBase?: string;
  /** Only the first N images (0: all). */
  maxImages?: number;
  onProgress?: (done: number, total: number, backend: string) => void;
}

export interface RunCheckpointResult {
  results: DetectionResult[];
  backend: string;
  images: number;
  seconds: number;
}

/** Switches to `name` (wasm binaries from `wasmBase`); returns the backend now active. */
export async function useBackend(name: string, wasmBase = '/wasm/'): Promise<string> {
  if (!(PAGE_BACKENDS as readonly string[]).includes(name)) throw new BalmsInputError(`backend '${name}' is not available in this page (${PAGE_BACKENDS.join(', ')})`);
  if (name === 'wasm') setWasmPaths(wasmBase);
  if (!(await tf.setBackend(name))) throw new BalmsInputError(`backend '${name}' failed to start in this browser`);
  await tf.ready();
  return tf.getBackend();
}

/** Decodes an image URL to row-major RGB bytes of its natural size. */
async function readRgb(url: string, im: LvisImage): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new BalmsInputError(`image ${im.id}: ${url} could not be read (${res.status})`);
  const bitmap = await createImageBitmap(await res.blob(), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  if (bitmap.width !== im.width || bitmap.height !== im.height) {
    throw new BalmsInputError(`image ${im.id}: the file is ${bitmap.width}×${bitmap.height}, the ground truth says ${im.width}×${im.height}`);
  }
  const canvas = new OffscreenCanvas(im.width, im.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, im.width, im.height, { colorSpace: 'srgb' }).data;
  const rgb = new Uint8Array(im.width * im.height * 3);
  for (let p = 0, q = 0; p < im.width * im.height; p++, q += 3) {
    rgb[q] = rgba[4 * p]!;
    rgb[q + 1] = rgba[4 * p + 1]!;
    rgb[q + 2] = rgba[4 * p + 2]!;
  }
  return rgb;
}

export async function runCheckpointOnImages(opts: RunCheckpointOptions): Promise<RunCheckpointResult> {
  const t0 = performance.now();
  const backend = await useBackend(opts.backend, opts.wasmBase);
  const loaded = detectorFromCheckpoint(decodeCheckpoint(new Uint8Array(opts.checkpoint), opts.checkpointName), opts.checkpointName);
  const { detector, config, categories } = loaded;
  try {
    const transform = testTransform(config);
    const categoryIds = categories.map((c) => c.id);
    const images = opts.maxImages ? opts.gt.images.slice(0, opts.maxImages) : opts.gt.images;
    const results: DetectionResult[] = [];
    for (let i = 0; i < images.length; i++) {
      const im = images[i]!;
      const rgb = await readRgb(`${opts.imageBase ?? '/images/'}${encodeURIComponent(imageFileName(im))}`, im);
      const plan = planAugmentation(im.height, im.width, transform, new Rng(0));
      const example = { imageId: im.id, image: transformImage({ data: rgb, height: im.height, width: im.width }, plan), height: plan.height, width: plan.width, origHeight: im.height, origWidth: im.width, scale: plan.scale };
      for (const r of (await predictImages(detector, [example], categoryIds)).results[0]!) results.push(r);
      opts.onProgress?.(i + 1, images.length, backend);
    }
    return { results, backend, images: images.length, seconds: (performance.now() - t0) / 1000 };
  } finally {
    detector.dispose();
  }
}
