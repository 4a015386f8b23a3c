import * as tf from '@tensorflow/tfjs';

/** Name of the `aᵀ @ b` kernel balms registers for wasm. */
export const MATMUL_TN = 'BalmsMatMulTN';

/** Rows of a and b per partial product (measured: 1024 ≈ 1.5× faster than one pass at K = 12,544). */
export const MATMUL_TN_CHUNK = 1024;

interface WasmData { id: number; memoryOffset: number; shape: number[]; dtype: string; refCount: number }
interface WasmInternals {
  dataIdMap: { get(d: object): WasmData | undefined; set(d: object, v: WasmData): void; delete(d: object): boolean };
  dataIdNextNumber: number;
  wasm: { tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void } };
  makeOutput(shape: number[], dtype: string): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  disposeData(d: object): boolean;
}

/**
 * `aᵀ @ b` for `a: [M, P]`, `b: [M, Q]` (every weight gradient: xᵀ·dy, patchesᵀ·dy) on wasm.
 * XNNPACK's GEMM does not block the contraction, so one product with K = M in the tens of thousands
 * streams from memory; this kernel sums products over 1024-row chunks read through zero-copy views
 * of the heap (each chunk: explicit Transpose + plain BatchMatMul). Falls back to a single product
 * when the backend internals it relies on (tfjs-backend-wasm 4.22) are not there.
 */
export function makeMatMulTN(): tf.KernelConfig {
  return {
    kernelName: MATMUL_TN,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const { a, b } = inputs as unknown as { a: tf.TensorInfo; b: tf.TensorInfo };
      const be = backend as unknown as WasmInternals;
      const [m, p] = a.shape as [number, number];
      const q = b.shape[1]!;
      const run = (name: string, ins: Record<string, tf.TensorInfo>, attrs: Record<string, unknown>): tf.TensorInfo =>
        tf.getKernel(name, 'wasm')!.kernelFunc({ inputs: ins as tf.NamedTensorInfoMap, attrs: attrs as tf.NamedAttrMap, backend: backend as tf.KernelBackend }) as tf.TensorInfo;
      const product = (x: tf.TensorInfo, y: tf.TensorInfo, rows: number): tf.TensorInfo => {
        const xt = run('Transpose', { x }, { perm: [1, 0] });
        const r = run('BatchMatMul', { a: { ...xt, shape: [1, p, rows] }, b: { ...y, shape: [1, rows, q] } }, { transposeA: false, transposeB: false });
        be.disposeData(xt.dataId);
        return { ...r, shape: [p, q] };
      };
      const hasInternals = typeof be.dataIdNextNumber === 'number' && !!be.dataIdMap && !!be.wasm?.tfjs?.registerTensor;
      if (!hasInternals || m <= MATMUL_TN_CHUNK * 1.5) return product(a, b, m);
      let out: tf.TensorInfo | null = null;
      for (let r0 = 0; r0 < m; r0 += MATMUL_TN_CHUNK) {
        const rows = Math.min(MATMUL_TN_CHUNK, m - r0);
        const va = rowView(be, a, r0, rows, p);
        const vb = rowView(be, b, r0, rows, q);
        try {
          const part = product(va.info, vb.info, rows);
          if (!out) {
            out = part;
          } else {
            const acc = be.typedArrayFromHeap(out);
            const add = be.typedArrayFromHeap(part);
            for (let i = 0; i < acc.length; i++) acc[i] += add[i]!;
            be.disposeData(part.dataId);
          }
        } finally {
          va.release();
          vb.release();
        }
      }
      return out!;
    },
  };
}

/** A zero-copy [rows, cols] view of rows r0… of a row-major wasm tensor, registered under a fresh id. */
function rowView(be: WasmInternals, t: tf.TensorInfo, r0: number, rows: number, cols: number): { info: tf.TensorInfo; release: () => void } {
  const base = be.dataIdMap.get(t.dataId)!;
  const id = be.dataIdNextNumber++;
  const dataId = {};
  const memoryOffset = base.memoryOffset + r0 * cols * 4;
  be.dataIdMap.set(dataId, { id, memoryOffset, shape: [rows, cols], dtype: 'float32', refCount: 1 });
  be.wasm.tfjs.registerTensor(id, rows * cols, memoryOffset);
  return {
    info: { dataId, shape: [rows, cols], dtype: 'float32' },
    release: () => {
      be.wasm.tfjs.disposeData(id); // unregisters the id only; the memory belongs to t
      be.dataIdMap.delete(dataId);
    },
  };
}
