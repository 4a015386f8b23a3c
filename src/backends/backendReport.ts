/**
 * What `balms doctor` reports for each backend: installed or not, usable or why not, versions,
 * threads, and the measured matMul throughput (GFLOP/s) of a square float32 product.
 */
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { BACKEND_ORDER, initBackend, type BackendChoice } from './initBackend.js';

/** One backend's line of the report. */
export interface BackendStatus {
  backend: BackendChoice;
  usable: boolean;
  /** Why it is not usable (not installed, failed to load …). */
  problem?: string;
  /** Versions (tfjs, and TensorFlow for the native backends). */
  version?: string;
  threads?: number;
  /** matMul of two n×n float32 matrices: 2n³ / seconds / 1e9. */
  gflops?: number;
  /** The n used for {@link gflops}. */
  n?: number;
}

/** Times `n×n @ n×n` on the active backend (after one warm-up) for at least `minSeconds`; GFLOP/s. */
export function measureMatMulGflops(n: number, minSeconds = 0.3): number {
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  try {
    const once = () => tf.tidy(() => tf.matMul(a, b).dataSync());
    once();
    let reps = 0;
    const t0 = performance.now();
    let dt = 0;
    while (dt < minSeconds * 1000 || reps < 2) {
      once();
      reps++;
      dt = performance.now() - t0;
    }
    return (2 * n ** 3 * reps) / (dt / 1000) / 1e9;
  } finally {
    a.dispose();
    b.dispose();
  }
}

function nativeDetail(): { version: string; threads: number } {
  const be = tf.backend() as unknown as { binding?: { TF_Version?: string }; isUsingGpuDevice?: boolean };
  const tfVersion = be.binding?.TF_Version ?? '?';
  const intra = Number(process.env.TF_NUM_INTRAOP_THREADS);
  return {
    version: `tfjs ${tf.version_core}, TensorFlow ${tfVersion}${be.isUsingGpuDevice ? ' (GPU)' : ''}`,
    threads: Number.isInteger(intra) && intra > 0 ? intra : availableParallelism(),
  };
}

async function wasmThreads(): Promise<number> {
  const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as { getThreadsCount?: () => number };
  return wasm.getThreadsCount?.() ?? 1;
}

/**
 * Starts each backend in turn (tfjs-node-gpu, tfjs-node, wasm, cpu) and measures it. Leaves the last
 * usable one active; call initBackend afterwards to choose. `sizes` sets n per backend.
 */
export async function probeBackends(sizes: Partial<Record<BackendChoice, number>> = {}, minSeconds = 0.3): Promise<BackendStatus[]> {
  const n: Record<BackendChoice, number> = { 'tfjs-node-gpu': 1024, 'tfjs-node': 1024, wasm: 512, cpu: 256, ...sizes };
  const out: BackendStatus[] = [];
  for (const backend of BACKEND_ORDER) {
    try {
      await initBackend(backend);
    } catch (e) {
      out.push({ backend, usable: false, problem: (e as Error).message });
      continue;
    }
    const detail = backend === 'wasm'
      ? { version: `tfjs ${tf.version_core}`, threads: await wasmThreads() }
      : backend === 'cpu' ? { version: `tfjs ${tf.version_core}`, threads: 1 } : nativeDetail();
    out.push({ backend, usable: true, ...detail, n: n[backend], gflops: measureMatMulGflops(n[backend], minSeconds) });
  }
  return out;
}
