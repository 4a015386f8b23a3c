import * as tf from '@tensorflow/tfjs';

/** Name of the im2col kernel balms registers for cpu and wasm. */
export const IM2COL = 'BalmsIm2Col';

/** Attributes of {@link IM2COL}. */
export interface Im2ColAttrs {
  k: number;
  stride: number;
  padTop: number;
  padLeft: number;
  outH: number;
  outW: number;
}

interface HeapBackend {
  makeOutput(shape: number[], dtype: string): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

/**
 * im2col as one pass over typed arrays: `x: [N, H, W, C]` → patches `[N·outH·outW, k·k·C]`, row
 * `(n, oy, ox)`, column `(ky, kx, c)` = `x[n, oy·s + ky − padTop, ox·s + kx − padLeft, c]` (0 outside).
 * The stock route (pad, k² slices, concat along channels) is slow on wasm, whose Slice copies the
 * whole input per call and whose Concat copies row by row in JS. On wasm it reads and writes the
 * heap in place; on cpu the backend's own arrays.
 */
export function makeIm2Col(backendName: string): tf.KernelConfig {
  return {
    kernelName: IM2COL,
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const x = (inputs as unknown as { x: tf.TensorInfo }).x;
      const a = attrs as unknown as Im2ColAttrs;
      const [n, h, w, c] = x.shape as [number, number, number, number];
      const rows = n * a.outH * a.outW;
      const cols = a.k * a.k * c;
      const shape = [rows, cols];
      if (backendName === 'wasm') {
        const be = backend as unknown as HeapBackend;
        const out = be.makeOutput(shape, 'float32'); // allocate first: heap growth detaches older views
        fill(be.typedArrayFromHeap(x), be.typedArrayFromHeap(out), n, h, w, c, a);
        return out;
      }
      const kb = backend as tf.KernelBackend;
      const outVals = new Float32Array(rows * cols);
      fill(kb.readSync(x.dataId) as Float32Array, outVals, n, h, w, c, a);
      return { dataId: kb.write(outVals, shape, 'float32'), shape, dtype: 'float32' };
    },
  };
}

function fill(src: Float32Array, dst: Float32Array, n: number, h: number, w: number, c: number, a: Im2ColAttrs): void {
  const { k, stride, padTop, padLeft, outH, outW } = a;
  const cols = k * k * c;
  let row = 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++, row++) {
        let dst0 = row * cols;
        for (let ky = 0; ky < k; ky++) {
          const iy = oy * stride + ky - padTop;
          for (let kx = 0; kx < k; kx++, dst0 += c) {
            const ix = ox * stride + kx - padLeft;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
              dst.fill(0, dst0, dst0 + c);
              continue;
            }
            const s0 = ((b * h + iy) * w + ix) * c;
            if (c >= 16) {
              dst.set(src.subarray(s0, s0 + c), dst0);
            } else {
              for (let i = 0; i < c; i++) dst[dst0 + i] = src[s0 + i]!;
            }
          }
        }
      }
    }
  }
}

