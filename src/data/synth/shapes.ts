/**
 * The shapes of the synthetic dataset, each generated directly as ONE flat polygon
 * `[x0, y0, x1, y1, …]`. The polygon is the ground truth and the thing that is rasterised, so
 * annotation and pixels can never disagree. Shapes with a hole (ring) are a single "keyhole"
 * polygon: outer contour, a zero-width seam, inner contour in reverse; even–odd filling (which
 * pycocotools uses within one polygon) leaves the hole empty.
 */
export const SHAPE_KINDS = [
  'circle',
  'square',
  'triangle',
  'star',
  'ring',
  'cross',
  'hexagon',
  'diamond',
  'crescent',
] as const;
export type ShapeKind = (typeof SHAPE_KINDS)[number];

/** Where and how big a shape is drawn. `radius` is the circumradius in pixels; `aspect` stretches x. */
export interface ShapePose {
  cx: number;
  cy: number;
  radius: number;
  /** Rotation in radians. */
  angle: number;
  /** x-scale relative to y (1 = undistorted). */
  aspect: number;
}

/** Points of a unit-radius shape, centred at the origin, before pose. */
function unitShape(kind: ShapeKind): number[] {
  const pts: number[] = [];
  const polar = (r: number, a: number) => pts.push(r * Math.cos(a), r * Math.sin(a));
  switch (kind) {
    case 'circle':
      for (let i = 0; i < 28; i++) polar(1, (2 * Math.PI * i) / 28);
      break;
    case 'square':
      for (let i = 0; i < 4; i++) polar(1, Math.PI / 4 + (Math.PI / 2) * i);
      break;
    case 'triangle':
      for (let i = 0; i < 3; i++) polar(1, -Math.PI / 2 + ((2 * Math.PI) / 3) * i);
      break;
    case 'star':
      for (let i = 0; i < 10; i++) polar(i % 2 === 0 ? 1 : 0.45, -Math.PI / 2 + (Math.PI / 5) * i);
      break;
    case 'hexagon':
      for (let i = 0; i < 6; i++) polar(1, (Math.PI / 3) * i);
      break;
    case 'diamond':
      pts.push(0, -1, 0.6, 0, 0, 1, -0.6, 0);
      break;
    case 'cross': {
      const a = 0.32;
      pts.push(-a, -1, a, -1, a, -a, 1, -a, 1, a, a, a, a, 1, -a, 1, -a, a, -1, a, -1, -a, -a, -a);
      break;
    }
    case 'ring': {
      const n = 24;
      const inner = 0.55;
      for (let i = 0; i <= n; i++) polar(1, (2 * Math.PI * i) / n); // outer, closed back to angle 0
      for (let i = n; i >= 0; i--) polar(inner, (2 * Math.PI * i) / n); // inner, reversed
      break;
    }
    case 'crescent': {
      // Outer arc of the unit circle from -150° to +150° through 0°, then back along the arc of a
      // circle centred on the x axis through both end points and (0.25, 0).
      const n = 20;
      const a = (5 * Math.PI) / 6;
      for (let i = 0; i <= n; i++) polar(1, -a + (2 * a * i) / n);
      const ex = Math.cos(a);
      const ey = Math.sin(a);
      const tip = 0.25;
      const c = (tip * tip - ex * ex - ey * ey) / (2 * (tip - ex));
      const r = tip - c;
      const b = Math.atan2(ey, ex - c);
      for (let i = 1; i < n; i++) {
        const t = b - (2 * b * i) / n;
        pts.push(c + r * Math.cos(t), r * Math.sin(t));
      }
      break;
    }
  }
  return pts;
}

const UNIT_CACHE = new Map<ShapeKind, number[]>();

/**
 * The polygon of `kind` at `pose`, with coordinates rounded to 1/100 px so that writing them to
 * JSON and reading them back gives the very same doubles that were rasterised.
 */
export function shapePolygon(kind: ShapeKind, pose: ShapePose): number[] {
  let unit = UNIT_CACHE.get(kind);
  if (!unit) {
    unit = unitShape(kind);
    UNIT_CACHE.set(kind, unit);
  }
  const cos = Math.cos(pose.angle);
  const sin = Math.sin(pose.angle);
  const out = new Array<number>(unit.length);
  for (let i = 0; i < unit.length; i += 2) {
    const ux = unit[i]! * pose.radius * pose.aspect;
    const uy = unit[i + 1]! * pose.radius;
    out[i] = round2(pose.cx + ux * cos - uy * sin);
    out[i + 1] = round2(pose.cy + ux * sin + uy * cos);
  }
  return out;
}

/** Rounds to 1/100 (a value whose decimal form survives a JSON round trip unchanged). */
export function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

/** Polygon area by the shoelace formula (absolute value; even–odd for self-touching seams). */
export function polygonArea(poly: readonly number[]): number {
  let s = 0;
  const n = poly.length;
  for (let i = 0; i < n; i += 2) {
    const j = (i + 2) % n;
    s += poly[i]! * poly[j + 1]! - poly[j]! * poly[i + 1]!;
  }
  return Math.abs(s) / 2;
}

/** `[xmin, ymin, xmax, ymax]` of a flat polygon. */
export function polygonExtent(poly: readonly number[]): [number, number, number, number] {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < poly.length; i += 2) {
    const x = poly[i]!;
    const y = poly[i + 1]!;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return [x0, y0, x1, y1];
}
