import * as tf from '@tensorflow/tfjs';
import type { RoiClassifierLoss } from '../../src/modeling/roiClassifierLoss.js';

/** Plain softmax cross-entropy with a background column: an independent test double of `ClassifierLoss`. */
export const softmaxClassifier: RoiClassifierLoss = {
  outputs: (k) => k + 1,
  /** Σ wᵢℓᵢ / N (weights default to 1), as `src/losses` reduces. */
  loss: (logits, labels, weights) =>
    tf.tidy(() => {
      const lse = tf.logSumExp(logits, 1);
      const picked = tf.sum(tf.mul(logits, tf.oneHot(labels, logits.shape[1]).toFloat()), 1);
      const rows = tf.sub(lse, picked);
      return tf.mean(weights ? tf.mul(rows, weights) : rows) as tf.Scalar;
    }),
  probabilities: (logits) => tf.softmax(logits),
};

/** A synthetic image `[h, w, 3]` with filled polygons of given colours on a dark background. */
export interface Shape {
  polygon: number[];
  cls: number;
  color: [number, number, number];
}

export function renderShapes(h: number, w: number, shapes: Shape[]): Float32Array {
  const img = new Float32Array(h * w * 3).fill(20);
  for (const s of shapes) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (pointInPolygon(x + 0.5, y + 0.5, s.polygon)) img.set(s.color, (y * w + x) * 3);
      }
    }
  }
  return img;
}

export function pointInPolygon(px: number, py: number, poly: number[]): boolean {
  let inside = false;
  const n = poly.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = poly[2 * i]!, yi = poly[2 * i + 1]!, xj = poly[2 * j]!, yj = poly[2 * j + 1]!;
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function polygonBox(poly: number[]): [number, number, number, number] {
  let x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
  for (let i = 0; i < poly.length; i += 2) {
    x1 = Math.min(x1, poly[i]!); x2 = Math.max(x2, poly[i]!);
    y1 = Math.min(y1, poly[i + 1]!); y2 = Math.max(y2, poly[i + 1]!);
  }
  return [x1, y1, x2, y2];
}
