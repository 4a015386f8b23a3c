/**
 * Long-tailed classification metrics from predictions: top-1 overall, the decoupling literature's
 * shot groups by training count — many (> 100), medium (20–100), few (< 20) — and `tail` (≤ 100
 * training images: the groups that exist on CIFAR-10-LT, where no class has < 20), each the mean of
 * its classes' accuracies (the test sets are balanced, as in the official code); per-class
 * accuracy and the confusion matrix (rows: true class, columns: predicted).
 */
import { formatApPercent } from './percent.js';
import { BalmsInputError } from '../util/errors.js';

export interface ClassAccuracy {
  name: string;
  trainCount: number;
  /** Evaluated images of the class. */
  count: number;
  /** null when the class has no evaluated image. */
  accuracy: number | null;
}

export interface ClassificationMetrics {
  /** Correct / evaluated images. */
  top1: number;
  /** Mean class accuracy of each group (null: no class in the group has an evaluated image). */
  many: number | null;
  medium: number | null;
  few: number | null;
  tail: number | null;
  images: number;
  perClass: ClassAccuracy[];
  /** confusion[t][p]: images of true class t predicted as p. */
  confusion: number[][];
}

/** The shot group of a class with `n` training images. */
export function shotGroup(n: number): 'many' | 'medium' | 'few' {
  return n > 100 ? 'many' : n >= 20 ? 'medium' : 'few';
}

/** Metrics of `predicted` against `truth` (class indices), with each class's training count. */
export function classificationMetrics(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  classNames: readonly string[],
  trainCounts: ArrayLike<number>,
): ClassificationMetrics {
  const C = classNames.length;
  if (trainCounts.length !== C) throw new BalmsInputError(`${trainCounts.length} training counts for ${C} classes`);
  if (truth.length !== predicted.length) throw new BalmsInputError(`${predicted.length} predictions for ${truth.length} labels`);
  const confusion = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!, p = predicted[i]!;
    if (!(t >= 0 && t < C && p >= 0 && p < C)) throw new BalmsInputError(`image ${i}: class ${t} / prediction ${p} outside [0, ${C})`);
    confusion[t]![p]!++;
    if (t === p) correct++;
  }
  const perClass = classNames.map((name, c) => {
    const count = confusion[c]!.reduce((a, b) => a + b, 0);
    return { name, trainCount: trainCounts[c]!, count, accuracy: count ? confusion[c]![c]! / count : null };
  });
  const mean = (keep: (n: number) => boolean): number | null => {
    const accs = perClass.filter((p) => keep(p.trainCount) && p.accuracy !== null).map((p) => p.accuracy!);
    return accs.length ? accs.reduce((a, b) => a + b, 0) / accs.length : null;
  };
  return {
    top1: truth.length ? correct / truth.length : 0,
    many: mean((n) => shotGroup(n) === 'many'),
    medium: mean((n) => shotGroup(n) === 'medium'),
    few: mean((n) => shotGroup(n) === 'few'),
    tail: mean((n) => n <= 100),
    images: truth.length,
    perClass,
    confusion,
  };
}

/** "top-1 53.7 (many 80.1, medium 40.2, few n/a, tail 38.0)" */
export function formatClassificationMetrics(m: ClassificationMetrics): string {
  const f = formatApPercent;
  return `top-1 ${f(m.top1)} (many ${f(m.many)}, medium ${f(m.medium)}, few ${f(m.few)}, tail ${f(m.tail)})`;
}
