/** Loads a trained detector from a checkpoint file (`last.ckpt`, `model_final.ckpt`). */
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint } from './checkpoint.js';
import { checkpointConfig, detectorFromCheckpoint, type LoadDetectorOptions, type LoadedDetector } from './detectorFromCheckpoint.js';
import { loadConfigBackbone } from './loadConfigBackbone.js';

export type { LoadDetectorOptions, LoadedDetector } from './detectorFromCheckpoint.js';

/**
 * Loads a checkpoint (`last.ckpt`, `model_final.ckpt`) of the built-in detector and returns it with
 * its weights, ready for `predictDataset`. Call `initBackend` first; the caller disposes the detector.
 * A model on a frozen graph needs its graph read: `loadModelFromCheckpoint`.
 * @throws BalmsInputError when the file is not a balms checkpoint, lacks the category metadata, or
 *   its weights do not fit the stored config.
 */
export function loadDetectorFromCheckpoint(path: string, opts: LoadDetectorOptions = {}): LoadedDetector {
  return detectorFromCheckpoint(loadCheckpoint(path), path, opts);
}

/** `loadDetectorFromCheckpoint` for any model type: a `model.type: "graph"` checkpoint reads its frozen graph from the stored `model.modelUrl`. */
export async function loadModelFromCheckpoint(path: string, opts: LoadDetectorOptions = {}): Promise<LoadedDetector> {
  const ck = loadCheckpoint(path);
  let backbone;
  try {
    backbone = await loadConfigBackbone(checkpointConfig(ck, path));
  } catch (e) {
    tf.dispose([...ck.tensors.values()]);
    throw e;
  }
  return detectorFromCheckpoint(ck, path, { ...opts, backbone });
}
