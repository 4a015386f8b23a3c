/**
 * Micro-benchmarks of the mask API (src/coco/mask) against pycocotools on the same inputs.
 *
 *   npx tsx bench/mask-ops.ts [--quick]
 *
 * Python (env BALMS_PYTHON, default python3) is timed in a subprocess when it can import
 * pycocotools; otherwise the comparison is printed as "skipped". Writes bench/results/mask-ops.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  area,
  decode,
  encode,
  frPoly,
  iou,
  merge,
  rleFromString,
  rleToJson,
  rleToString,
  segmentationToRle,
  toBbox,
} from '../src/coco/mask/index.js';
import type { Rle } from '../src/coco/mask/index.js';
import type { LvisDataset, Polygon, RleJson } from '../src/coco/types.js';
import { writeFileAtomic } from '../src/util/atomicWrite.js';
import { Rng } from '../src/util/rng.js';

const quick = process.argv.includes('--quick');
const MIN_MS = quick ? 150 : 600;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lvisPath = join(root, '..', 'shared', 'lvis', 'lvis_val_100.json');

interface Timing {
  min: number;
  median: number;
}

/**
 * Wall time of one call in ms over repeated calls for at least MIN_MS: the minimum (the
 * figure compared, robust on a shared machine) and the median.
 */
function timeIt(fn: () => unknown): Timing {
  fn();
  const times: number[] = [];
  let total = 0;
  while (total < MIN_MS || times.length < 5) {
    const t0 = performance.now();
    fn();
    const dt = performance.now() - t0;
    times.push(dt);
    total += dt;
  }
  times.sort((a, b) => a - b);
  return { min: times[0]!, median: times[times.length >> 1]! };
}

// ------------------------------------------------------------------ inputs
const rng = new Rng(2020);
const H = 480;
const W = 640;

function randomPolygon(cx: number, cy: number, r: number): number[] {
  const n = 8 + Math.floor(rng.next() * 24);
  const ang = Array.from({ length: n }, () => rng.next() * 2 * Math.PI).sort((a, b) => a - b);
  const p: number[] = [];
  for (const a of ang) {
    const rr = r * (0.4 + 0.6 * rng.next());
    p.push(Math.round((cx + rr * Math.cos(a)) * 100) / 100, Math.round((cy + rr * Math.sin(a)) * 100) / 100);
  }
  return p;
}

let polySource: string;
let polys: [Polygon[], number, number][];
if (existsSync(lvisPath)) {
  const data = JSON.parse(readFileSync(lvisPath, 'utf8')) as LvisDataset;
  const ims = new Map(data.images.map((im) => [im.id, im]));
  polys = data.annotations.map((a) => {
    const im = ims.get(a.image_id)!;
    return [a.segmentation as Polygon[], im.height, im.width];
  });
  polySource = `lvis_val_100.json (${polys.length} annotations)`;
} else {
  polys = Array.from({ length: 1000 }, () => {
    const r = 10 + rng.next() * 150;
    return [[randomPolygon(rng.next() * W, rng.next() * H, r)], H, W];
  });
  polySource = 'generated (1000 random star polygons, 480×640)';
}

// 50 ground-truth masks and 300 detections (shifted copies and random shapes) on one image
const gtPolys = Array.from({ length: 50 }, () => randomPolygon(rng.next() * W, rng.next() * H, 20 + rng.next() * 120));
const dtPolys = Array.from({ length: 300 }, (_, i) => {
  if (i % 3 === 2) return randomPolygon(rng.next() * W, rng.next() * H, 20 + rng.next() * 120);
  const g = gtPolys[i % 50]!;
  const dx = (rng.next() - 0.5) * 30;
  const dy = (rng.next() - 0.5) * 30;
  return g.map((v, j) => (j % 2 === 0 ? v + dx : v + dy));
});
const gtRles = gtPolys.map((p) => frPoly(p, H, W));
const dtRles = dtPolys.map((p) => frPoly(p, H, W));
const gtJson = gtRles.map(rleToJson);
const dtJson = dtRles.map(rleToJson);
const crowd = gtRles.map((_, i) => (i % 10 === 0 ? 1 : 0));

const allRles: Rle[] = polys.map(([seg, h, w]) => segmentationToRle(seg, h, w));
const allJson: RleJson[] = allRles.map(rleToJson);
const pairs: [Rle, Rle][] = Array.from({ length: 300 }, (_, i) => [dtRles[i]!, gtRles[i % 50]!]);
const pairJson = pairs.map(([a, b]) => [rleToJson(a), rleToJson(b)]);
const masks = dtRles.slice(0, 50).map(decode); // column-major 480×640

const fromJson = (j: RleJson) => rleFromString(j.counts as string, j.size[0], j.size[1]);

// ------------------------------------------------------------------ TypeScript timings
interface Row {
  op: string;
  what: string;
  ts: Timing;
  pyKey?: string;
}
const rows: Row[] = [
  { op: 'frPoly', what: `ann_to_rle: polygons → merged RLE, ${polySource}`, ts: timeIt(() => polys.map(([s, h, w]) => segmentationToRle(s, h, w))), pyKey: 'frPoly' },
  { op: 'frPoly+string', what: 'same, plus the compressed string (pycocotools always returns strings)', ts: timeIt(() => polys.map(([s, h, w]) => rleToString(segmentationToRle(s, h, w)))), pyKey: 'frPoly' },
  { op: 'string encode', what: `rleToString × ${allRles.length}`, ts: timeIt(() => allRles.map(rleToString)) },
  { op: 'string decode', what: `rleFromString × ${allJson.length}`, ts: timeIt(() => allJson.map(fromJson)) },
  { op: 'area (from strings)', what: `decode + area × ${allJson.length}`, ts: timeIt(() => allJson.map((j) => area(fromJson(j)))), pyKey: 'area' },
  { op: 'toBbox (from strings)', what: `decode + toBbox × ${allJson.length}`, ts: timeIt(() => allJson.map((j) => toBbox(fromJson(j)))), pyKey: 'toBbox' },
  { op: 'area (RLE objects)', what: `area × ${allRles.length}`, ts: timeIt(() => allRles.map(area)) },
  { op: 'toBbox (RLE objects)', what: `toBbox × ${allRles.length}`, ts: timeIt(() => allRles.map(toBbox)) },
  { op: 'merge (strings)', what: '300 unions of 2, strings in and out', ts: timeIt(() => pairJson.map(([a, b]) => rleToString(merge([fromJson(a!), fromJson(b!)])))), pyKey: 'merge' },
  { op: 'merge (RLE objects)', what: '300 unions of 2', ts: timeIt(() => pairs.map((p) => merge(p))) },
  { op: 'iou 300×50 (strings)', what: 'decode + mask IoU matrix, 480×640, 10% crowd', ts: timeIt(() => iou(dtJson.map(fromJson), gtJson.map(fromJson), crowd)), pyKey: 'iou' },
  { op: 'iou 300×50 (RLE objects)', what: 'mask IoU matrix only', ts: timeIt(() => iou(dtRles, gtRles, crowd)), pyKey: 'iou' },
  { op: 'encode 50 masks', what: 'binary 480×640 → string', ts: timeIt(() => masks.map((m) => rleToString(encode(m, H, W)))), pyKey: 'encode' },
  { op: 'decode 50 masks', what: 'string → binary 480×640', ts: timeIt(() => dtJson.slice(0, 50).map((j) => decode(fromJson(j)))), pyKey: 'decode' },
];

// ------------------------------------------------------------------ Python timings
const PY = `
import json, sys, time
import numpy as np
import pycocotools
from pycocotools import mask as M
inp = json.load(open(sys.argv[1]))
MIN = inp['minMs'] / 1000.0
def bench(fn):
    fn()
    ts, total = [], 0.0
    while total < MIN or len(ts) < 5:
        t = time.perf_counter(); fn(); d = time.perf_counter() - t
        ts.append(d); total += d
    ts.sort(); return [ts[0] * 1000.0, ts[len(ts) // 2] * 1000.0]
polys = inp['polys']; rles = inp['rles']; pairs = inp['pairs']
dt, gt, crowd = inp['dt'], inp['gt'], inp['crowd']
H, W = inp['H'], inp['W']
F = np.frombuffer(bytes.fromhex(inp['masksHex']), dtype=np.uint8).reshape((H, W, len(inp['dt'][:50])), order='F')
dec = dt[:50]
out = {
  'frPoly': bench(lambda: [M.merge(M.frPyObjects(s, h, w)) for s, h, w in polys]),
  'area': bench(lambda: M.area(rles)),
  'toBbox': bench(lambda: M.toBbox(rles)),
  'merge': bench(lambda: [M.merge(p) for p in pairs]),
  'iou': bench(lambda: M.iou(dt, gt, crowd)),
  'encode': bench(lambda: M.encode(F)),
  'decode': bench(lambda: M.decode(dec)),
}
try:
    from importlib.metadata import version
    out['version'] = version('pycocotools')
except Exception:
    out['version'] = getattr(pycocotools, '__version__', '?')
out['python'] = sys.version.split()[0]
out['numpy'] = np.__version__
print(json.dumps(out))
`;

const python = process.env.BALMS_PYTHON ?? 'python3';
let py: Record<string, [number, number] | string> | undefined;
let pySkip = '';
const probe = spawnSync(python, ['-c', 'import pycocotools.mask'], { encoding: 'utf8' });
if (probe.status !== 0) {
  pySkip = `skipped: ${python} cannot import pycocotools (set BALMS_PYTHON)`;
} else {
  const dir = mkdtempSync(join(os.tmpdir(), 'balms-mask-bench-'));
  try {
    const input = join(dir, 'input.json');
    const hex = Buffer.concat(masks.map((m) => Buffer.from(m))).toString('hex');
    writeFileSync(
      input,
      JSON.stringify({ minMs: MIN_MS, polys, rles: allJson, pairs: pairJson, dt: dtJson, gt: gtJson, crowd, H, W, masksHex: hex }),
    );
    const r = spawnSync(python, ['-c', PY, input], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) pySkip = `skipped: python failed: ${r.stderr.trim().split('\n').pop()}`;
    else py = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, [number, number] | string>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ report
const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));
console.log(`mask-ops${quick ? ' (quick)' : ''}: node ${process.version}, ${os.cpus()[0]?.model ?? '?'} ×${os.cpus().length}`);
console.log(py ? `pycocotools ${py.version} (python ${py.python}, numpy ${py.numpy})` : `pycocotools: ${pySkip}`);
console.log('times: ms per call, minimum over repeats (medians in the JSON)\n');
const pyMin = (r: Row) => (py && r.pyKey ? (py[r.pyKey] as [number, number])[0] : undefined);
const header = ['op', 'balms ms', 'pycocotools ms', 'speedup', 'what'];
const table = rows.map((r) => {
  const p = pyMin(r);
  return [r.op, fmt(r.ts.min), p !== undefined ? fmt(p) : py ? '—' : 'skipped', p !== undefined ? `${(p / r.ts.min).toFixed(2)}×` : '—', r.what];
});
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(line(header));
for (const t of table) console.log(line(t));

const results = {
  bench: 'mask-ops',
  date: new Date().toISOString(),
  quick,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  node: process.version,
  python: py ? { pycocotools: py.version, python: py.python, numpy: py.numpy } : pySkip,
  inputs: { polygons: polySource, iou: '300 dt × 50 gt on 480×640', minMsPerOp: MIN_MS },
  timing: 'ms per call: min and median over repeats for >= minMsPerOp; speedup = pycocotools min / balms min',
  rows: rows.map((r) => {
    const p = py && r.pyKey ? (py[r.pyKey] as [number, number]) : undefined;
    return {
      op: r.op,
      what: r.what,
      balmsMs: r.ts,
      pycocotoolsMs: p ? { min: p[0], median: p[1] } : null,
      speedup: p ? p[0] / r.ts.min : null,
    };
  }),
};
const outDir = join(root, 'bench', 'results');
mkdirSync(outDir, { recursive: true });
writeFileAtomic(join(outDir, 'mask-ops.json'), JSON.stringify(results, null, 2) + '\n');
console.log(`\nwrote bench/results/mask-ops.json`);
