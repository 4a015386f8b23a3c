/**
 * AutoAugment's CIFAR-10 policy (Cubuk et al. 2019) as the BALMS code uses it (the widely copied
 * PIL implementation of DeepVoltaire/AutoAugment): one of 25 sub-policies drawn uniformly, each two
 * operations applied with their probabilities and fixed magnitudes, on a uint8 RGB HWC image in place.
 * Each operation follows PIL's definition: geometric ones map output pixel centres through PIL's
 * affine matrix (shear: bicubic with PIL's a = −1 kernel and edge clamping; translate, rotate: nearest),
 * fill grey 128; enhancements blend with PIL's degenerate image and truncate; autocontrast and
 * equalize build PIL's per-channel lookup tables. No PIL oracle was at hand, so values may differ
 * from PIL's by rounding in the bicubic and blend operations.
 * Random draws: the sub-policy, then per operation an apply draw and, when applied, a sign draw
 * for the signed operations (shear, translate, color, contrast, sharpness, brightness).
 */
import { BalmsInputError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';

export type AutoAugmentOp =
  | 'shearX' | 'shearY' | 'translateX' | 'translateY' | 'rotate' | 'color' | 'posterize' // prettier-ignore
  | 'solarize' | 'contrast' | 'sharpness' | 'brightness' | 'autocontrast' | 'equalize' | 'invert'; // prettier-ignore

/** `[p1, op1, magnitude index 1, p2, op2, magnitude index 2]`, magnitude indices 0–9. */
export type SubPolicy = readonly [number, AutoAugmentOp, number, number, AutoAugmentOp, number];

export const CIFAR10_AUTOAUGMENT_POLICY: readonly SubPolicy[] = [
  [0.1, 'invert', 7, 0.2, 'contrast', 6], [0.7, 'rotate', 2, 0.3, 'translateX', 9], [0.8, 'sharpness', 1, 0.9, 'sharpness', 3], // prettier-ignore
  [0.5, 'shearY', 8, 0.7, 'translateY', 9], [0.5, 'autocontrast', 8, 0.9, 'equalize', 2], [0.2, 'shearY', 7, 0.3, 'posterize', 7], // prettier-ignore
  [0.4, 'color', 3, 0.6, 'brightness', 7], [0.3, 'sharpness', 9, 0.7, 'brightness', 9], [0.6, 'equalize', 5, 0.5, 'equalize', 1], // prettier-ignore
  [0.6, 'contrast', 7, 0.6, 'sharpness', 5], [0.7, 'color', 7, 0.5, 'translateX', 8], [0.3, 'equalize', 7, 0.4, 'autocontrast', 8], // prettier-ignore
  [0.4, 'translateY', 3, 0.2, 'sharpness', 6], [0.9, 'brightness', 6, 0.2, 'color', 8], [0.5, 'solarize', 2, 0.0, 'invert', 3], // prettier-ignore
  [0.2, 'equalize', 0, 0.6, 'autocontrast', 0], [0.2, 'equalize', 8, 0.6, 'equalize', 4], [0.9, 'color', 9, 0.6, 'equalize', 6], // prettier-ignore
  [0.8, 'autocontrast', 4, 0.2, 'solarize', 8], [0.1, 'brightness', 3, 0.7, 'color', 0], [0.4, 'solarize', 5, 0.9, 'autocontrast', 3], // prettier-ignore
  [0.9, 'translateY', 9, 0.7, 'translateY', 9], [0.9, 'autocontrast', 2, 0.8, 'solarize', 3], [0.8, 'equalize', 8, 0.1, 'invert', 3], // prettier-ignore
  [0.7, 'translateY', 9, 0.9, 'autocontrast', 1], // prettier-ignore
];

/** The magnitude of an operation at index 0–9 (`np.linspace` over the policy's range). */
export function autoAugmentMagnitude(op: AutoAugmentOp, index: number): number {
  const t = index / 9;
  switch (op) {
    case 'shearX': case 'shearY': return 0.3 * t; // prettier-ignore
    case 'translateX': case 'translateY': return (150 / 331) * t; // prettier-ignore
    case 'rotate': return 30 * t; // prettier-ignore
    case 'posterize': return Math.round(8 - 4 * t); // prettier-ignore
    case 'solarize': return 256 - 256 * t; // prettier-ignore
    case 'color': case 'contrast': case 'sharpness': case 'brightness': return 0.9 * t; // prettier-ignore
    default: return 0; // prettier-ignore
  }
}

const SIGNED = new Set<AutoAugmentOp>(['shearX', 'shearY', 'translateX', 'translateY', 'color', 'contrast', 'sharpness', 'brightness']);
const FILL = 128;

/** Applies a random CIFAR-10 sub-policy to `img` (H×W×3 uint8) in place; `tmp` is scratch of the same length. */
export function autoAugmentImage(img: Uint8Array, tmp: Uint8Array, height: number, width: number, rng: Rng, policy: readonly SubPolicy[] = CIFAR10_AUTOAUGMENT_POLICY): void {
  if (img.length !== height * width * 3 || tmp.length !== img.length) throw new BalmsInputError('autoAugmentImage: needs an RGB image and a scratch buffer of its size');
  const [p1, op1, m1, p2, op2, m2] = policy[rng.int(policy.length)]!;
  for (const [p, op, m] of [[p1, op1, m1], [p2, op2, m2]] as const) {
    if (!(rng.next() < p)) continue;
    const sign = SIGNED.has(op) ? (rng.next() < 0.5 ? -1 : 1) : 1;
    applyOp(op, sign * autoAugmentMagnitude(op, m), img, tmp, height, width);
  }
}

/** One operation with a signed magnitude, in place on `img`. */
export function applyOp(op: AutoAugmentOp, magnitude: number, img: Uint8Array, tmp: Uint8Array, H: number, W: number): void {
  switch (op) {
    case 'shearX': return affine(img, tmp, H, W, [1, magnitude, 0, 0, 1, 0], true);
    case 'shearY': return affine(img, tmp, H, W, [1, 0, 0, magnitude, 1, 0], true);
    case 'translateX': return affine(img, tmp, H, W, [1, 0, magnitude * W, 0, 1, 0], false);
    case 'translateY': return affine(img, tmp, H, W, [1, 0, 0, 0, 1, magnitude * H], false);
    case 'rotate': return affine(img, tmp, H, W, rotationMatrix(magnitude, W, H), false);
    case 'color': return blend(img, grey(img, tmp), 1 + magnitude);
    case 'contrast': return blend(img, tmp.fill(meanGrey(img)), 1 + magnitude);
    case 'brightness': return blend(img, tmp.fill(0), 1 + magnitude);
    case 'sharpness': return blend(img, smooth(img, tmp, H, W), 1 + magnitude);
    case 'posterize': return mapValues(img, (v) => v & (0xff << (8 - magnitude)) & 0xff);
    case 'solarize': return mapValues(img, (v) => (v < magnitude ? v : 255 - v));
    case 'invert': return mapValues(img, (v) => 255 - v);
    case 'autocontrast': return perChannelLut(img, autocontrastLut);
    case 'equalize': return perChannelLut(img, equalizeLut);
  }
}

/** PIL's `Image.rotate(deg)` matrix (counter-clockwise about the centre), output → input. */
function rotationMatrix(degrees: number, W: number, H: number): number[] {
  const phi = (-degrees * Math.PI) / 180;
  const r = (v: number) => Math.round(v * 1e15) / 1e15;
  const [a, b, d, e] = [r(Math.cos(phi)), r(Math.sin(phi)), r(-Math.sin(phi)), r(Math.cos(phi))];
  const cx = W / 2, cy = H / 2; // prettier-ignore
  return [a, b, -a * cx - b * cy + cx, d, e, -d * cx - e * cy + cy];
}

/** PIL's affine transform: output pixel centre (x+½, y+½) ↦ input (a·x + b·y + c, d·x + e·y + f); outside → grey 128. */
function affine(img: Uint8Array, tmp: Uint8Array, H: number, W: number, m: number[], bicubic: boolean): void {
  const [a, b, c, d, e, f] = m as [number, number, number, number, number, number];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const xin = a * (x + 0.5) + b * (y + 0.5) + c;
      const yin = d * (x + 0.5) + e * (y + 0.5) + f;
      const o = (y * W + x) * 3;
      if (bicubic) {
        if (xin < 0 || xin >= W || yin < 0 || yin >= H) tmp.fill(FILL, o, o + 3);
        else for (let ch = 0; ch < 3; ch++) tmp[o + ch] = bicubicAt(img, H, W, xin - 0.5, yin - 0.5, ch);
      } else {
        const xi = xin < 0 ? -1 : Math.trunc(xin), yi = yin < 0 ? -1 : Math.trunc(yin); // prettier-ignore
        if (xi < 0 || xi >= W || yi < 0 || yi >= H) tmp.fill(FILL, o, o + 3);
        else tmp.set(img.subarray((yi * W + xi) * 3, (yi * W + xi) * 3 + 3), o);
      }
    }
  }
  img.set(tmp);
}

/** PIL's bicubic sample (a = −1 cubic, neighbours clamped to the image), truncated to uint8. */
function bicubicAt(img: Uint8Array, H: number, W: number, xs: number, ys: number, ch: number): number {
  const x = Math.floor(xs), y = Math.floor(ys); // prettier-ignore
  const dx = xs - x;
  const x0 = clamp(x - 1, W) * 3 + ch, x1 = clamp(x, W) * 3 + ch, x2 = clamp(x + 1, W) * 3 + ch, x3 = clamp(x + 2, W) * 3 + ch; // prettier-ignore
  const row = W * 3;
  const b0 = clamp(y - 1, H) * row, b1 = clamp(y, H) * row, b2 = clamp(y + 1, H) * row, b3 = clamp(y + 2, H) * row; // prettier-ignore
  const r0 = cubic(img[b0 + x0]!, img[b0 + x1]!, img[b0 + x2]!, img[b0 + x3]!, dx);
  const r1 = cubic(img[b1 + x0]!, img[b1 + x1]!, img[b1 + x2]!, img[b1 + x3]!, dx);
  const r2 = cubic(img[b2 + x0]!, img[b2 + x1]!, img[b2 + x2]!, img[b2 + x3]!, dx);
  const r3 = cubic(img[b3 + x0]!, img[b3 + x1]!, img[b3 + x2]!, img[b3 + x3]!, dx);
  const v = cubic(r0, r1, r2, r3, ys - y);
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
}

function clamp(v: number, size: number): number {
  return v < 0 ? 0 : v >= size ? size - 1 : v;
}

function cubic(v1: number, v2: number, v3: number, v4: number, d: number): number {
  return v2 + d * (-v1 + v3 + d * (2 * (v1 - v2) + v3 - v4 + d * (-v1 + v2 - v3 + v4)));
}

/** PIL's `convert('L')` of an RGB pixel. */
function luma(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
}

function grey(img: Uint8Array, out: Uint8Array): Uint8Array {
  for (let i = 0; i < img.length; i += 3) out.fill(luma(img[i]!, img[i + 1]!, img[i + 2]!), i, i + 3);
  return out;
}

/** `int(mean of the L image + 0.5)`, the grey of PIL's contrast degenerate. */
function meanGrey(img: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < img.length; i += 3) sum += luma(img[i]!, img[i + 1]!, img[i + 2]!);
  return Math.trunc(sum / (img.length / 3) + 0.5);
}

/** PIL's `ImageFilter.SMOOTH` (3×3 kernel 1 1 1 / 1 5 1 / 1 1 1 over 13, border pixels kept). */
function smooth(img: Uint8Array, out: Uint8Array, H: number, W: number): Uint8Array {
  out.set(img);
  for (let y = 1; y < H - 1; y++) {
    for (let x = 1; x < W - 1; x++) {
      for (let ch = 0; ch < 3; ch++) {
        let s = 4 * img[(y * W + x) * 3 + ch]!;
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += img[((y + dy) * W + x + dx) * 3 + ch]!;
        out[(y * W + x) * 3 + ch] = Math.min(255, Math.trunc(s / 13 + 0.5));
      }
    }
  }
  return out;
}

/** PIL's `Image.blend(degenerate, img, factor)`: `degenerate + factor·(img − degenerate)`, truncated and clipped. */
function blend(img: Uint8Array, degenerate: Uint8Array, factor: number): void {
  for (let i = 0; i < img.length; i++) {
    const v = degenerate[i]! + factor * (img[i]! - degenerate[i]!);
    img[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
  }
}

function mapValues(img: Uint8Array, f: (v: number) => number): void {
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = f(v);
  for (let i = 0; i < img.length; i++) img[i] = lut[img[i]!]!;
}

function perChannelLut(img: Uint8Array, makeLut: (hist: Int32Array) => Uint8Array): void {
  for (let ch = 0; ch < 3; ch++) {
    const hist = new Int32Array(256);
    for (let i = ch; i < img.length; i += 3) hist[img[i]!]!++;
    const lut = makeLut(hist);
    for (let i = ch; i < img.length; i += 3) img[i] = lut[img[i]!]!;
  }
}

/** PIL's `ImageOps.autocontrast` (cutoff 0) table of one channel: its range stretched to 0…255. */
export function autocontrastLut(hist: Int32Array): Uint8Array {
  const lut = Uint8Array.from({ length: 256 }, (_, v) => v);
  let lo = 0, hi = 255; // prettier-ignore
  while (lo < 256 && hist[lo] === 0) lo++;
  while (hi >= 0 && hist[hi] === 0) hi--;
  if (hi <= lo) return lut;
  const scale = 255 / (hi - lo);
  const offset = -lo * scale;
  for (let v = 0; v < 256; v++) lut[v] = Math.min(255, Math.max(0, Math.trunc(v * scale + offset)));
  return lut;
}

/** PIL's `ImageOps.equalize` table of one channel. */
export function equalizeLut(hist: Int32Array): Uint8Array {
  const lut = Uint8Array.from({ length: 256 }, (_, v) => v);
  const used = Array.from(hist).filter((h) => h > 0);
  if (used.length <= 1) return lut;
  const step = Math.floor((used.reduce((a, b) => a + b, 0) - used[used.length - 1]!) / 255);
  if (step === 0) return lut;
  let n = Math.floor(step / 2);
  for (let v = 0; v < 256; v++) {
    lut[v] = Math.min(255, Math.floor(n / step));
    n += hist[v]!;
  }
  return lut;
}
