/** Loads a trained detector from a checkpoint file (`last.ckpt`, `model_final.ckpt`). */
import { loadCheckpoint } from './checkpoint.js';
import { detectorFromCheckpoint, type LoadDetectorOptions, type LoadedDetector } from './detectorFromCheckpoint.js';

export type { LoadDetectorOptions, LoadedDetector } from './detectorFromCheckpoint.js';

/**
 * Loads a checkpoint (`last.ckpt`, `model_final.ckpt`) and returns the detector with its weights,
 * ready for `predictDataset`. Call `initBackend` first; the caller disposes the detector.
 * @throws BalmsInputError when the file is not a balms checkpoint, lacks the category metadata, or
 *   its weights do not fit the stored config.
 */
export function loadDetectorFromCheckpoint(path: string, opts: LoadDetectorOptions = {}): LoadedDetector {
  return detectorFromCheckpoint(loadCheckpoint(path), path, opts);
}
