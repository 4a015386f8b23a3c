/**
 * The check a freshly built tfjs-node must pass before `balms setup native` swaps it in, run in a
 * child process (a broken addon may crash it): `node nativeCheckChild.js <package folder>`. It loads
 * the package, checks that it registered its 'tensorflow' backend with balms's own tfjs instance, and
 * compares a matMul, a conv2d gradient and a RoIAlign forward + gradient with the cpu backend.
 * Prints one JSON line ({@link NativeCheckReport}) on stdout and exits 0 when everything agrees.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backends/index.js';
import type { NativeCheckReport } from '../backends/native/nativeCheck.js';
import { roiAlign } from '../modeling/ops/roiAlign.js';
import { Rng } from '../util/rng.js';

const TOLERANCE = 1e-4;

function randn(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

/** The named computations, each returning the flat values to compare. */
function computations(rng: Rng): Record<string, () => Float32Array> {
  const a = randn(rng, 64 * 96);
  const b = randn(rng, 96 * 48);
  const x = randn(rng, 2 * 12 * 12 * 8);
  const w = randn(rng, 3 * 3 * 8 * 16);
  const feat = randn(rng, 1 * 16 * 16 * 8);
  const boxes = new Float32Array([1, 2, 40, 50, 10.5, 3, 30, 22, 0, 0, 63, 63]);
  const batch = new Int32Array(3);
  return {
    matMul: () => tf.tidy(() => tf.matMul(tf.tensor2d(a, [64, 96]), tf.tensor2d(b, [96, 48])).dataSync() as Float32Array),
    conv2dGradient: () => tf.tidy(() => {
      const f = (xs: tf.Tensor, ws: tf.Tensor) => tf.sum(tf.square(tf.conv2d(xs as tf.Tensor4D, ws as tf.Tensor4D, 1, 'same')));
      const [gx, gw] = tf.grads(f)([tf.tensor4d(x, [2, 12, 12, 8]), tf.tensor4d(w, [3, 3, 8, 16])]);
      return Float32Array.from([...gx!.dataSync(), ...gw!.dataSync()]);
    }),
    roiAlign: () => tf.tidy(() => {
      const f = (fs: tf.Tensor) => tf.sum(tf.square(roiAlign(fs as tf.Tensor4D, boxes, batch, { outputSize: 4, spatialScale: 0.25, samplingRatio: 0 })));
      const { value, grad } = tf.valueAndGrad(f)(tf.tensor4d(feat, [1, 16, 16, 8]));
      return Float32Array.from([...value.dataSync(), ...grad.dataSync()]);
    }),
  };
}

function maxRelDiff(ref: Float32Array, got: Float32Array): number {
  if (ref.length !== got.length) return Infinity;
  let scale = 1;
  for (const v of ref) scale = Math.max(scale, Math.abs(v));
  let d = 0;
  for (let i = 0; i < ref.length; i++) d = Math.max(d, Math.abs(ref[i]! - got[i]!));
  return Number.isFinite(d) ? d / scale : Infinity;
}

async function main(pkgDir: string): Promise<NativeCheckReport> {
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  const req = createRequire(join(pkgDir, 'package.json'));
  const pkg = req(pkgDir) as { version?: Record<string, string> };
  if (!tf.findBackendFactory('tensorflow')) {
    return { ok: false, problem: `${pkgDir} loaded but registered no 'tensorflow' backend with balms's @tensorflow/tfjs (two tfjs instances)`, checks: [] };
  }
  await tf.setBackend('tensorflow');
  const binding = (tf.backend() as unknown as { binding?: { TF_Version?: string }; isUsingGpuDevice?: boolean });
  const report: NativeCheckReport = {
    ok: true,
    tfjsNode: pkg.version?.['tfjs-node'] ?? '?',
    tensorflow: binding.binding?.TF_Version ?? '?',
    gpu: binding.isUsingGpuDevice === true,
    checks: [],
  };
  const onNative: Record<string, Float32Array> = {};
  for (const [name, run] of Object.entries(computations(new Rng(7)))) onNative[name] = run();
  await initBackend('cpu');
  for (const [name, run] of Object.entries(computations(new Rng(7)))) {
    const d = maxRelDiff(run(), onNative[name]!);
    report.checks.push({ name, maxRelDiff: d });
    if (!(d <= TOLERANCE)) {
      report.ok = false;
      report.problem = `${name} differs from the cpu backend by ${d.toExponential(2)} (relative; tolerance ${TOLERANCE})`;
    }
  }
  return report;
}

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: nativeCheckChild <tfjs-node package folder>\n');
  process.exitCode = 2;
} else {
  main(dir).then(
    (r) => {
      process.stdout.write(JSON.stringify(r) + '\n');
      process.exitCode = r.ok ? 0 : 1;
    },
    (e: unknown) => {
      const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
      process.stdout.write(JSON.stringify({ ok: false, problem: `loading failed: ${msg}`, checks: [] } satisfies NativeCheckReport) + '\n');
      process.exitCode = 1;
    },
  );
}
