/**
 * Loading a tfjs model (coco-ssd's `model.json` + weight shards) from a local folder in Node,
 * with no download and with or without tfjs-node: `registerFileLoadRouter()` makes every
 * `file://…/model.json` URL loadable by `tf.loadGraphModel` — and so by coco-ssd's
 * `load({ modelUrl })` — reading the files with `fs`. tfjs-node has its own `file://` handler;
 * when one is registered already, this one stays out of the way.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { BalmsInputError } from '../../util/errors.js';

/** An IO handler that reads `model.json` and its weight shards from disk. */
export function fileModelHandler(modelJsonPath: string): tf.io.IOHandler {
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      let json: tf.io.ModelJSON;
      try {
        json = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as tf.io.ModelJSON;
      } catch (e) {
        throw new BalmsInputError(`cannot read the model file: ${(e as Error).message}`, { file: modelJsonPath });
      }
      if (!json || typeof json !== 'object' || !json.modelTopology || !Array.isArray(json.weightsManifest)) {
        throw new BalmsInputError('not a tfjs model.json (needs modelTopology and weightsManifest)', { file: modelJsonPath });
      }
      const dir = dirname(modelJsonPath);
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const parts: Uint8Array[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const p of group.paths) {
            const file = join(dir, p);
            try {
              parts.push(readFileSync(file));
            } catch (e) {
              throw new BalmsInputError(`cannot read a weight shard named in ${modelJsonPath}: ${(e as Error).message}`, { file });
            }
          }
        }
        let size = 0;
        for (const b of parts) size += b.byteLength;
        const data = new Uint8Array(size);
        let o = 0;
        for (const b of parts) {
          data.set(b, o);
          o += b.byteLength;
        }
        return [specs, data.buffer];
      });
    },
  };
}

let registered = false;

/** Makes `file://…/model.json` URLs loadable (once; skipped when another handler, e.g. tfjs-node's, exists). */
export function registerFileLoadRouter(): void {
  if (registered) return;
  registered = true;
  if (tf.io.getLoadHandlers('file:///probe/model.json').length > 0) return;
  // tfjs routers answer null for URLs they do not handle (its IORouter type omits the null).
  tf.io.registerLoadRouter(((url: string | string[]) =>
    typeof url === 'string' && url.startsWith('file://') ? fileModelHandler(fileURLToPath(url)) : null) as unknown as Parameters<typeof tf.io.registerLoadRouter>[0]);
}

/** The `file://` URL of a model given as a folder or a `model.json` path (relative to the working directory). */
export function localModelUrl(pathOrUrl: string): string {
  if (pathOrUrl.startsWith('file://')) return pathOrUrl;
  if (/^[a-z]+:\/\//i.test(pathOrUrl)) {
    throw new BalmsInputError(`model location ${pathOrUrl}: only local files are read (nothing is downloaded); give a folder or a model.json path`);
  }
  const p = pathOrUrl.endsWith('.json') ? pathOrUrl : join(pathOrUrl, 'model.json');
  return pathToFileURL(p).href;
}
