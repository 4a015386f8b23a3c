/**
 * coco-ssd's real graphs (../shared/cocossd-real) made loadable: each `model.json` is copied
 * unchanged and its weight shards are generated from its manifest — every shard but the last
 * synthesised (float32 weights with seeded uniform values in ±0.05, so only shapes and topology are
 * real; int32 graph constants before the last shard set by hand from what the TensorFlow Object
 * Detection API puts there: reshape shapes, stack entries, axes, loop starts), the real last shard
 * kept byte for byte where it exists (ssd_mobilenet_v1 has none: its constants are set by hand too).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../src/util/rng.js';

export const COCO_SSD_REAL = new URL('../../../shared/cocossd-real/', import.meta.url);
export const REAL_BASES = ['ssdlite_mobilenet_v2', 'ssd_mobilenet_v2', 'ssd_mobilenet_v1'] as const;
export type RealBase = (typeof REAL_BASES)[number];

const SHARD = 4 * 1024 * 1024;

/** Int32 constants by node name, as the TF Object Detection API's SSD graphs hold them. */
const INT32_BY_HAND: Record<string, number[]> = {
  'Postprocessor/Reshape_1/shape': [-1, 4],
  // Postprocessor/stack = [batch, anchors, 4]
  'MultipleGridAnchorGenerator/assert_equal/x': [1917],
  'BoxPredictor_0/stack/3': [4],
  'Postprocessor/ExpandDims_1/dim': [2],
  'Preprocessor/map/TensorArrayStack/range/start': [0],
  'MultipleGridAnchorGenerator/Concatenate/concat/axis': [0],
  // ssd_mobilenet_v1: also the step of the preprocessor's range (a deduplicated 1)
  'MultipleGridAnchorGenerator/concat/axis': [1],
  'Preprocessor/map/while/ResizeImage/ExpandDims/dim': [0],
  'Preprocessor/map/while/ResizeImage/size': [300, 300],
  'Preprocessor/map/while/add/y': [1],
  'Postprocessor/Slice/begin': [0, 0, 1],
  'Postprocessor/Slice/size': [-1, -1, -1],
  'BoxPredictor_0/stack_1/2': [91],
  // ssd_mobilenet_v1 (no real shard at all): shape slicing begin / end / stride, transpose permutations
  'Postprocessor/strided_slice/stack': [0],
  'strided_slice_6/stack': [1],
  'strided_slice_6/stack_1': [2],
  'strided_slice_7/stack_1': [3],
  'Postprocessor/Decode/transpose/sub_1': [1, 0],
  'Postprocessor/Decode/get_center_coordinates_and_sizes/transpose/sub_1': [1, 0],
  'Postprocessor/Decode/transpose_1/sub_1': [1, 0],
};

function int32ByHand(name: string, size: number): number[] {
  if (INT32_BY_HAND[name]) return INT32_BY_HAND[name]!;
  if (/^BoxPredictor_\d+\/stack\/1$/.test(name)) return [-1];
  return new Array<number>(size).fill(0);
}

interface Manifest {
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
}

/** Writes `<dir>/<base>/model.json` and its shards; returns the folder, or null when ../shared is absent. */
export function materialiseRealCocoSsd(base: RealBase, dir: string, seed = 0): string | null {
  const src = new URL(`${base}/`, COCO_SSD_REAL);
  const json = new URL('model.json', src);
  if (!existsSync(json)) return null;
  const out = join(dir, base);
  mkdirSync(out, { recursive: true });
  copyFileSync(json, join(out, 'model.json'));
  const m = JSON.parse(readFileSync(json, 'utf8')) as Manifest;
  const rng = new Rng(seed);
  for (const group of m.weightsManifest) {
    let total = 0;
    for (const w of group.weights) total += 4 * w.shape.reduce((a, b) => a * b, 1);
    const bytes = new Uint8Array(total);
    const view = new DataView(bytes.buffer);
    let off = 0;
    for (const w of group.weights) {
      const size = w.shape.reduce((a, b) => a * b, 1);
      if (w.dtype === 'float32') for (let i = 0; i < size; i++) view.setFloat32(off + 4 * i, rng.uniform(-0.05, 0.05), true);
      else if (w.dtype === 'int32') int32ByHand(w.name, size).forEach((v, i) => view.setInt32(off + 4 * i, v, true));
      else throw new Error(`${base}: unexpected dtype ${w.dtype} of ${w.name}`);
      off += 4 * size;
    }
    const last = group.paths.length - 1;
    const lastStart = last * SHARD;
    const real = new URL(group.paths[last]!, src);
    if (existsSync(real)) {
      const r = readFileSync(real);
      if (r.byteLength !== total - lastStart) throw new Error(`${base}: the real last shard has ${r.byteLength} bytes, the manifest needs ${total - lastStart}`);
      bytes.set(r, lastStart);
    }
    group.paths.forEach((p, i) => writeFileSync(join(out, p), bytes.subarray(i * SHARD, Math.min(total, (i + 1) * SHARD))));
  }
  return out;
}
