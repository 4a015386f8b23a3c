import * as tf from '@tensorflow/tfjs';
import { KernelCalls, type Info } from '../kernelCalls.js';
import { IM2COL } from './im2colKernel.js';
import { MATMUL_TN } from './matMulTNKernel.js';
import { BalmsInputError } from '../../util/errors.js';

/**
 * Conv2DBackpropFilter by im2col: patches [M, kh·kw·Cin] (balms' one-pass BalmsIm2Col kernel),
 * then `dW = transpose(patches) @ dy` — one matMul with an explicit transpose. wasm lacks this kernel (tfjs#8474) and cpu's takes minutes at Mask R-CNN sizes.
 * NHWC only (the only layout the wasm backend supports).
 */
export function makeConv2DBackpropFilter(backendName: string): tf.KernelConfig {
  return {
    kernelName: 'Conv2DBackpropFilter',
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x, dy } = inputs as unknown as { x: Info; dy: Info };
      const a = attrs as unknown as {
        strides: number | [number, number];
        pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
        dataFormat: 'NHWC' | 'NCHW';
        dimRoundingMode?: 'floor' | 'round' | 'ceil';
        filterShape: [number, number, number, number];
      };
      if (a.dataFormat === 'NCHW') throw new BalmsInputError('Conv2DBackpropFilter: only NHWC is supported');
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast',
      );
      const calls = new KernelCalls(backendName, backend as tf.KernelBackend);
      try {
        const out = filterGrad(calls, x, dy, info);
        calls.keep(out);
        return out;
      } finally {
        calls.free();
      }
    },
  };
}

function filterGrad(calls: KernelCalls, x: Info, dy: Info, c: tf.backend_util.Conv2DInfo): Info {
  const { batchSize: n, inChannels: cin, outChannels: cout, outHeight: ho, outWidth: wo } = c;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = c;
  const { top, left } = c.padInfo;
  const m = n * ho * wo;
  let patches: Info;
  if (kh === 1 && kw === 1 && sh === 1 && sw === 1 && !top && !left) {
    patches = calls.view(x, [m, cin]);
  } else if (kh === kw && sh === sw) {
    patches = calls.run(IM2COL, { x }, { k: kh, stride: sh, padTop: top, padLeft: left, outH: ho, outW: wo });
  } else {
    patches = slicePatches(calls, x, c);
  }
  // dW = patchesᵀ @ dy with an explicit transpose (wasm's transposed matMul is several times slower)
  const dy2 = calls.view(dy, [m, cout]);
  if (tf.getKernel(MATMUL_TN, calls.backendName)) {
    return calls.view(calls.run(MATMUL_TN, { a: patches, b: dy2 }), [kh, kw, cin, cout]);
  }
  const pt = calls.run('Transpose', { x: patches }, { perm: [1, 0] });
  const prod = calls.run('BatchMatMul', { a: calls.view(pt, [1, kh * kw * cin, m]), b: calls.view(dy2, [1, m, cout]) }, {
    transposeA: false, transposeB: false,
  });
  return calls.view(prod, [kh, kw, cin, cout]);
}

/** Patches for non-square filters or strides: pad, kh·kw strided slices, concat along channels. */
function slicePatches(calls: KernelCalls, x: Info, c: tf.backend_util.Conv2DInfo): Info {
  const { batchSize: n, inChannels: cin, outHeight: ho, outWidth: wo } = c;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = c;
  const { top, bottom, left, right } = c.padInfo;
  const xp = top || bottom || left || right
    ? calls.run('PadV2', { x }, { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 })
    : x;
  const cols: Info[] = [];
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      cols.push(calls.run('StridedSlice', { x: xp }, {
        begin: [0, ky, kx, 0], end: [n, ky + (ho - 1) * sh + 1, kx + (wo - 1) * sw + 1, cin], strides: [1, sh, sw, 1],
        beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
      }));
    }
  }
  const cat = cols.length === 1 ? cols[0]! : calls.run('Concat', cols, { axis: 3 });
  return calls.view(cat, [n * ho * wo, kh * kw * cin]);
}
