/**
 * Peak memory of `balms predict` on one big photo: a 4000×3000 JPEG (q90, a noisy gradient, made
 * here at run time) run through a tiny checkpoint whose test size is LVIS's (short side 800, max
 * 1333), so the image path — decode, orientation, resize to the test size — dominates. Peak RSS is
 * the child's `process.resourceUsage().maxRSS` as reported by /usr/bin/time (`%M`, KiB), one run.
 * Two more children only decode and transform the image (no model) to show the image path's share:
 * as made, and turned as a phone stores a portrait shot (EXIF orientation 6).
 * Temp files are deleted at the end. Writes bench/results/predict-memory.json.
 *
 *   npx tsx bench/predict-memory.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jpeg from 'jpeg-js';
import { writeFileAtomic } from '../src/util/atomicWrite.js';
import { tinyTrainOverrides } from '../test/helpers/tinyTrainConfig.js';
import { withOrientation } from '../test/helpers/exifJpeg.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'src/cli/main.ts');
const tmp = mkdtempSync(join(tmpdir(), 'balms-predict-mem-'));

function run(args: string[], timed = false): { stdout: string; stderr: string; maxRssMb: number | null } {
  const cmd = timed ? '/usr/bin/time' : process.execPath;
  const argv = timed ? ['-f', 'MAXRSS_KB %M', process.execPath, ...args] : args;
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}\n${r.stderr}`);
  const m = /MAXRSS_KB (\d+)/.exec(r.stderr);
  return { stdout: r.stdout, stderr: r.stderr, maxRssMb: m ? Number(m[1]) / 1024 : null };
}

function bigJpeg(path: string, width: number, height: number): void {
  const data = Buffer.alloc(width * height * 4);
  let s = 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const i = (y * width + x) * 4;
      const n = (s >>> 24) & 31;
      data[i] = ((x * 255) / width + n) & 255;
      data[i + 1] = ((y * 255) / height + n) & 255;
      data[i + 2] = ((x + y) >> 4) & 255;
      data[i + 3] = 255;
    }
  }
  writeFileSync(path, jpeg.encode({ data, width, height }, 90).data);
}

try {
  const data = join(tmp, 'synth');
  run(['--import', 'tsx', cli, 'synth', '--out', data, '--categories', '4', '--train-images', '4', '--val-images', '1', '--size', '64', '--json']);
  // The tests' tiny detector, trained one step on a tiny synthetic set, with LVIS's test size.
  const config = tinyTrainOverrides('unused', '', {
    data: { synth: { enabled: false }, trainAnnotations: join(data, 'lvis_synth_train.json'), trainImageDir: join(data, 'train'), minSizeTest: 800, maxSize: 1333 },
    solver: { maxIter: 1, warmupIters: 1, steps: [1] },
  });
  writeFileSync(join(tmp, 'tiny.json'), JSON.stringify(config));
  const out = join(tmp, 'run');
  const train = JSON.parse(run(['--import', 'tsx', cli, 'train', '--config', join(tmp, 'tiny.json'), '--output', out, '--backend', 'cpu', '--quiet', '--json']).stdout.trim()) as { checkpoint: string };
  const photo = join(tmp, 'big.jpg');
  bigJpeg(photo, 4000, 3000);

  const t0 = performance.now();
  const predict = run(['--import', 'tsx', cli, 'predict', '--checkpoint', train.checkpoint, '--images', photo, '--out', join(tmp, 'pred'), '--backend', 'cpu', '--quiet'], true);
  const predictSeconds = (performance.now() - t0) / 1000;
  // The same photo as a phone stores a portrait shot: the frame turned, EXIF orientation 6.
  const turned = join(tmp, 'big-exif6.jpg');
  writeFileSync(turned, withOrientation(readFileSync(photo), 6));
  const decodeOnly = (file: string, height: number, width: number) =>
    run(
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const d = await import(${JSON.stringify(join(root, 'src/data/index.ts'))});
         const ds = new d.DetectionDataset({ images: [{ id: 1, height: ${height}, width: ${width}, file_name: ${JSON.stringify(file)} }], annotations: [], categories: [{ id: 1, name: 'a' }] }, ${JSON.stringify(tmp)});
         const ex = await ds.example(1, { shortSide: 800, maxSize: 1333, flipProbability: 0 }, new (await import(${JSON.stringify(join(root, 'src/util/rng.ts'))})).Rng(1));
         console.log(ex.width, ex.height);`,
      ],
      true,
    ).maxRssMb;
  const result = {
    image: '4000×3000 JPEG q90 (synthetic noisy gradient), test size 800/1333 (→ 1067×800)',
    node: process.version,
    predictPeakRssMb: predict.maxRssMb,
    predictSeconds,
    decodeAndTransformPeakRssMb: decodeOnly('big.jpg', 3000, 4000),
    decodeAndTransformExif6PeakRssMb: decodeOnly('big-exif6.jpg', 4000, 3000),
    note: 'peak RSS from /usr/bin/time %M of one child run each; includes node + tsx with src/data (95 MB) and, for predict, tfjs (cpu backend) and the model',
  };
  console.log(JSON.stringify(result, null, 1));
  writeFileAtomic(join(root, 'bench/results/predict-memory.json'), JSON.stringify(result, null, 1) + '\n');
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
