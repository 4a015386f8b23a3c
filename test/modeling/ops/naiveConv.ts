/**
 * Naive NHWC convolution with explicit padding, and its exact gradients, as loops: an independent
 * reference for conv2dSame and the Conv2DBackpropFilter kernel.
 */
export interface ConvRef {
  y: Float32Array;
  dx: Float32Array;
  dW: Float32Array;
  outShape: [number, number, number, number];
}

export function naiveConv(
  x: Float32Array, xs: [number, number, number, number],
  W: Float32Array, ws: [number, number, number, number],
  stride: number, padTop: number, padLeft: number, outH: number, outW: number,
  dy?: Float32Array,
): ConvRef {
  const [n, h, w, ci] = xs;
  const [kh, kw, , co] = ws;
  const y = new Float32Array(n * outH * outW * co);
  const dx = new Float32Array(x.length);
  const dW = new Float32Array(W.length);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * stride + ky - padTop;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * stride + kx - padLeft;
            if (ix < 0 || ix >= w) continue;
            for (let c = 0; c < ci; c++) {
              const xv = x[((b * h + iy) * w + ix) * ci + c]!;
              for (let o = 0; o < co; o++) {
                const yi = ((b * outH + oy) * outW + ox) * co + o;
                const wi = ((ky * kw + kx) * ci + c) * co + o;
                y[yi] += xv * W[wi]!;
                if (dy) {
                  dx[((b * h + iy) * w + ix) * ci + c] += dy[yi]! * W[wi]!;
                  dW[wi] += dy[yi]! * xv;
                }
              }
            }
          }
        }
      }
    }
  }
  return { y, dx, dW, outShape: [n, outH, outW, co] };
}
