import { Rng } from '../../util/rng.js';
import { SYNTH_COLOURS, type SynthAppearance } from './appearance.js';
import { polygonMask } from './rasterise.js';
import { polygonExtent, shapePolygon, type ShapePose } from './shapes.js';
import { BalmsInternalError } from '../../util/errors.js';

/** One object to place in a synthetic image. */
export interface SynthObjectSpec {
  /** Index into the appearance list (the category's 0-based position). */
  category: number;
  /** False for an instance that is drawn but left unannotated (its category is then "not exhaustive"). */
  annotated: boolean;
}

/** Everything needed to render one image reproducibly. */
export interface SynthImageSpec {
  id: number;
  /** Seed of this image's own generator: an image renders the same alone or in a batch. */
  seed: number;
  objects: SynthObjectSpec[];
}

/** An object as drawn: its polygon, or `null` when no free spot was found for it. */
export interface PlacedObject extends SynthObjectSpec {
  polygon: number[] | null;
}

export interface RenderedSynthImage {
  /** RGBA, row-major, `size×size×4`. */
  rgba: Uint8Array;
  /** Per pixel, the index into `objects` of the object drawn there, or −1 for background. */
  labels: Int32Array;
  objects: PlacedObject[];
}

/** Pixel-noise and layout constants (fractions are of the image side). */
const NOISE_SIGMA = 5;
const MIN_RADIUS = 0.05;
const MAX_RADIUS = 0.2;
const MIN_OBJECT_PIXELS = 12;
const ATTEMPTS = 48;

/**
 * Renders one synthetic image: a tinted gradient background with clutter (lines and irregular
 * blobs that belong to no category), then each object's polygon rasterised and filled with its
 * category's colour and texture (with per-instance colour jitter and shading), then pixel noise.
 * Objects never touch each other (a one-pixel gap), so every annotated polygon is exactly the
 * set of pixels its object covers. Objects that find no free spot are returned with `polygon: null`.
 */
export function renderSynthImage(spec: SynthImageSpec, appearances: readonly SynthAppearance[], size: number): RenderedSynthImage {
  const rng = new Rng(spec.seed);
  const n = size * size;
  const rgb = new Float32Array(n * 3);
  const labels = new Int32Array(n).fill(-1);
  drawBackground(rgb, size, rng);
  drawClutter(rgb, size, rng);

  const objects: PlacedObject[] = spec.objects.map((o) => ({ ...o, polygon: null }));
  // Place the largest first: draw all radii up front, then place in decreasing size.
  const radii = objects.map(() => size * Math.exp(rng.uniform(Math.log(MIN_RADIUS), Math.log(MAX_RADIUS))));
  const order = objects.map((_, i) => i).sort((a, b) => radii[b]! - radii[a]! || a - b);
  for (const i of order) {
    const obj = objects[i]!;
    const app = appearances[obj.category];
    if (!app) throw new BalmsInternalError(`object category ${obj.category} has no appearance`);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const shrink = Math.pow(0.85, Math.floor(attempt / 8));
      const radius = Math.max(MIN_RADIUS * size, radii[i]! * shrink);
      const pose: ShapePose = { cx: 0, cy: 0, radius, angle: rng.uniform(0, 2 * Math.PI), aspect: rng.uniform(0.8, 1.25) };
      const extent = poseExtent(app, pose);
      const lo = [1 - extent[0], 1 - extent[1]];
      const hi = [size - 1 - extent[2], size - 1 - extent[3]];
      if (hi[0]! <= lo[0]! || hi[1]! <= lo[1]!) continue;
      pose.cx = rng.uniform(lo[0]!, hi[0]!);
      pose.cy = rng.uniform(lo[1]!, hi[1]!);
      const polygon = shapePolygon(app.shape, pose);
      const mask = polygonMask(polygon, size, size);
      if (!fits(mask, labels, size)) continue;
      for (let p = 0; p < n; p++) if (mask[p]) labels[p] = i;
      paintObject(rgb, mask, size, app, pose, polygon, rng);
      obj.polygon = polygon;
      break;
    }
  }
  const rgba = new Uint8Array(n * 4);
  const noise = noiseTable();
  for (let p = 0; p < n; p++) {
    const r = rng.nextUint32(); // three 10-bit indices into the Gaussian table
    for (let c = 0; c < 3; c++) {
      const v = rgb[p * 3 + c]! + noise[(r >>> (10 * c)) & 1023]!;
      rgba[p * 4 + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
    }
    rgba[p * 4 + 3] = 255;
  }
  return { rgba, labels, objects };
}

let NOISE: Float32Array | undefined;
/** 1024 fixed N(0, NOISE_SIGMA²) samples (the inverse normal CDF at evenly spaced quantiles). */
function noiseTable(): Float32Array {
  if (NOISE) return NOISE;
  NOISE = new Float32Array(1024);
  for (let i = 0; i < 1024; i++) NOISE[i] = NOISE_SIGMA * inverseNormalCdf((i + 0.5) / 1024);
  return NOISE;
}

/** Φ⁻¹(p) by bisection on erf-free Φ via the Abramowitz–Stegun 26.2.17 approximation (|ε| < 7.5e-8). */
function inverseNormalCdf(p: number): number {
  const phi = (x: number): number => {
    const t = 1 / (1 + 0.2316419 * Math.abs(x));
    const d = 0.3989422804014327 * Math.exp((-x * x) / 2);
    const q = d * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
    return x >= 0 ? 1 - q : q;
  };
  let lo = -8;
  let hi = 8;
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    if (phi(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function poseExtent(app: SynthAppearance, pose: ShapePose): [number, number, number, number] {
  return polygonExtent(shapePolygon(app.shape, pose));
}

/** The mask is big enough and neither it nor its 4-neighbourhood touches a placed object. */
function fits(mask: Uint8Array, labels: Int32Array, size: number): boolean {
  let count = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const p = y * size + x;
      if (!mask[p]) continue;
      count++;
      if (labels[p] !== -1) return false;
      if (x > 0 && labels[p - 1] !== -1) return false;
      if (x + 1 < size && labels[p + 1] !== -1) return false;
      if (y > 0 && labels[p - size] !== -1) return false;
      if (y + 1 < size && labels[p + size] !== -1) return false;
    }
  }
  return count >= MIN_OBJECT_PIXELS;
}

function drawBackground(rgb: Float32Array, size: number, rng: Rng): void {
  const grey = rng.uniform(70, 190);
  const base = [0, 1, 2].map(() => grey + rng.uniform(-28, 28));
  const dir = rng.uniform(0, 2 * Math.PI);
  const gx = Math.cos(dir) / size;
  const gy = Math.sin(dir) / size;
  const amp = rng.uniform(10, 45);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const g = amp * ((x - size / 2) * gx + (y - size / 2) * gy);
      const p = (y * size + x) * 3;
      rgb[p] = base[0]! + g;
      rgb[p + 1] = base[1]! + g;
      rgb[p + 2] = base[2]! + g;
    }
  }
}

/** Lines and irregular blobs in random colours, some close to the category colours. */
function drawClutter(rgb: Float32Array, size: number, rng: Rng): void {
  const colour = (): number[] => {
    if (rng.next() < 0.4) {
      const names = Object.values(SYNTH_COLOURS);
      return names[rng.int(names.length)]!.map((v) => v + rng.uniform(-30, 30));
    }
    return [rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255)];
  };
  const nLines = rng.int(5);
  for (let l = 0; l < nLines; l++) {
    const c = colour();
    const ax = rng.uniform(0, size), ay = rng.uniform(0, size); // prettier-ignore
    const bx = rng.uniform(0, size), by = rng.uniform(0, size); // prettier-ignore
    const half = rng.uniform(0.5, 1.4);
    const dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy || 1; // prettier-ignore
    const xa = Math.max(0, Math.floor(Math.min(ax, bx) - 2)), xb = Math.min(size - 1, Math.ceil(Math.max(ax, bx) + 2)); // prettier-ignore
    const ya = Math.max(0, Math.floor(Math.min(ay, by) - 2)), yb = Math.min(size - 1, Math.ceil(Math.max(ay, by) + 2)); // prettier-ignore
    for (let y = ya; y <= yb; y++) {
      for (let x = xa; x <= xb; x++) {
        const px = x + 0.5 - ax, py = y + 0.5 - ay; // prettier-ignore
        const t = Math.min(1, Math.max(0, (px * dx + py * dy) / len2));
        const ex = px - t * dx, ey = py - t * dy; // prettier-ignore
        if (ex * ex + ey * ey <= half * half) setRgb(rgb, y * size + x, c);
      }
    }
  }
  const nBlobs = rng.int(4);
  for (let b = 0; b < nBlobs; b++) {
    const c = colour();
    const r = rng.uniform(0.03, 0.1) * size;
    const cx = rng.uniform(0, size), cy = rng.uniform(0, size); // prettier-ignore
    const k = 6 + rng.int(6);
    const poly: number[] = [];
    for (let i = 0; i < k; i++) {
      const a = (2 * Math.PI * (i + rng.uniform(-0.3, 0.3))) / k;
      const rr = r * rng.uniform(0.4, 1.3);
      poly.push(cx + rr * Math.cos(a), cy + rr * Math.sin(a));
    }
    const mask = polygonMask(poly, size, size);
    for (let p = 0; p < size * size; p++) if (mask[p]) setRgb(rgb, p, c);
  }
}

function paintObject(rgb: Float32Array, mask: Uint8Array, size: number, app: SynthAppearance, pose: ShapePose, polygon: number[], rng: Rng): void {
  const [ex0, ey0, ex1, ey1] = polygonExtent(polygon);
  const xa = Math.max(0, Math.floor(ex0) - 1), xb = Math.min(size - 1, Math.ceil(ex1) + 1); // prettier-ignore
  const ya = Math.max(0, Math.floor(ey0) - 1), yb = Math.min(size - 1, Math.ceil(ey1) + 1); // prettier-ignore
  const base = SYNTH_COLOURS[app.colour].map((v) => v + rng.uniform(-18, 18));
  const dark = base.map((v) => v * 0.35 + 12);
  const period = rng.uniform(3.5, 6);
  const texAngle = rng.uniform(0, Math.PI);
  const tc = Math.cos(texAngle);
  const ts = Math.sin(texAngle);
  const light = rng.uniform(0, 2 * Math.PI);
  const lc = (Math.cos(light) * 0.18) / pose.radius;
  const ls = (Math.sin(light) * 0.18) / pose.radius;
  const px = [0, 0, 0];
  for (let y = ya; y <= yb; y++) {
    for (let x = xa; x <= xb; x++) {
      const p = y * size + x;
      if (!mask[p]) continue;
      const rx = x + 0.5 - pose.cx;
      const ry = y + 0.5 - pose.cy;
      const u = rx * tc + ry * ts;
      const v = -rx * ts + ry * tc;
      let onTexture = false;
      if (app.texture === 'striped') {
        onTexture = ((Math.floor(u / period) % 2) + 2) % 2 === 1;
      } else if (app.texture === 'dotted') {
        const du = u - period * (Math.round(u / period));
        const dv = v - period * (Math.round(v / period));
        onTexture = du * du + dv * dv <= (period * 0.3) ** 2;
      }
      const shade = 1 + rx * lc + ry * ls;
      const src = onTexture ? dark : base;
      for (let c = 0; c < 3; c++) px[c] = src[c]! * shade;
      setRgb(rgb, p, px);
    }
  }
}

function setRgb(rgb: Float32Array, p: number, c: readonly number[]): void {
  rgb[p * 3] = c[0]!;
  rgb[p * 3 + 1] = c[1]!;
  rgb[p * 3 + 2] = c[2]!;
}
