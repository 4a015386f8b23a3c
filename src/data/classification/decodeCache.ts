/**
 * A disk cache of decoded image sets, so a split of JPEGs is decoded once: one binary file per split,
 * named by a hash of a key that covers the source files' paths, sizes and mtimes (a changed source
 * gives a new key, hence a rebuild), written atomically.
 *
 * File layout: `BALMSCL1`, uint32 LE header length, the JSON header (key, class names, H, W, C, N,
 * sources), zero padding to a multiple of 4, the N·H·W·C pixels, then N int32 LE labels.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomicWrite.js';
import { checkImageSet, type ImageClassificationSet } from './imageSet.js';

/** Options of the readers that decode images. */
export interface DecodeCacheOptions {
  /** Where decoded splits are cached (default `.cache/balms/classification/`, relative to the working folder). */
  readonly cacheDir?: string;
  /** Progress and timing lines. */
  readonly log?: (line: string) => void;
}

export const DEFAULT_CLASSIFICATION_CACHE_DIR = join('.cache', 'balms', 'classification');
const MAGIC = 'BALMSCL1';
const FORMAT = 1;

interface CacheHeader {
  key: string;
  classNames: string[];
  height: number;
  width: number;
  channels: 1 | 3;
  count: number;
  sources: string[];
}

/** The cache file of `key`: `<cacheDir>/<name>-<16 hex of sha256(key)>.bin`. */
export function decodeCachePath(cacheDir: string, name: string, key: string): string {
  const hash = createHash('sha256').update(`${FORMAT}\n${key}`).digest('hex').slice(0, 16);
  return join(cacheDir, `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}-${hash}.bin`);
}

/**
 * The set cached under `key`, or else `build()`'s result, written to the cache. An unreadable or
 * mismatching cache file is rebuilt (and said so in the log), never an error.
 */
export async function cachedImageSet(
  name: string,
  key: string,
  opts: DecodeCacheOptions,
  build: () => Promise<ImageClassificationSet>,
): Promise<ImageClassificationSet> {
  const path = decodeCachePath(opts.cacheDir ?? DEFAULT_CLASSIFICATION_CACHE_DIR, name, key);
  const t0 = performance.now();
  const hit = await readCache(path, key);
  if (hit) {
    opts.log?.(`loaded ${hit.labels.length} decoded images from the cache ${path} in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
    return hit;
  }
  if (existsSync(path)) opts.log?.(`the cache file ${path} is damaged or stale: decoding again`);
  const set = await build();
  const t1 = performance.now();
  opts.log?.(`decoded ${set.labels.length} images in ${((t1 - t0) / 1000).toFixed(1)} s`);
  writeFileAtomic(path, encodeCache(set, key));
  opts.log?.(`cached them in ${path} (${(set.pixels.length / 2 ** 20).toFixed(1)} MiB)`);
  return set;
}

export function encodeCache(set: ImageClassificationSet, key: string): Uint8Array {
  const header: CacheHeader = {
    key,
    classNames: set.classNames,
    height: set.height,
    width: set.width,
    channels: set.channels,
    count: set.labels.length,
    sources: set.sources,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const pixelStart = align4(MAGIC.length + 4 + json.length);
  const out = new Uint8Array(pixelStart + set.pixels.length + set.labels.length * 4);
  out.set(Buffer.from(MAGIC, 'latin1'), 0);
  const view = new DataView(out.buffer);
  view.setUint32(MAGIC.length, json.length, true);
  out.set(json, MAGIC.length + 4);
  out.set(set.pixels, pixelStart);
  const labelStart = pixelStart + set.pixels.length;
  for (let i = 0; i < set.labels.length; i++) view.setInt32(labelStart + i * 4, set.labels[i]!, true);
  return out;
}

/** The set in a cache file when it is whole and was written for `key`; else undefined. */
export async function readCache(path: string, key: string): Promise<ImageClassificationSet | undefined> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch {
    return undefined;
  }
  try {
    if (buf.toString('latin1', 0, MAGIC.length) !== MAGIC) return undefined;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const jsonLength = view.getUint32(MAGIC.length, true);
    const h = JSON.parse(buf.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + jsonLength)) as CacheHeader;
    if (h.key !== key) return undefined;
    const pixelStart = align4(MAGIC.length + 4 + jsonLength);
    const pixelLength = h.count * h.height * h.width * h.channels;
    const labelStart = pixelStart + pixelLength;
    if (buf.length !== labelStart + h.count * 4) return undefined;
    const labels = new Int32Array(h.count);
    for (let i = 0; i < h.count; i++) labels[i] = view.getInt32(labelStart + i * 4, true);
    const pixels = new Uint8Array(buf.buffer, buf.byteOffset + pixelStart, pixelLength);
    const set: ImageClassificationSet = { classNames: h.classNames, height: h.height, width: h.width, channels: h.channels, pixels, labels, sources: h.sources };
    checkImageSet(set, path);
    return set;
  } catch {
    return undefined;
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
