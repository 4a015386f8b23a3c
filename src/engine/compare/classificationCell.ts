/**
 * A classification cell of a compare: trains the (method, seed) run with `trainClassifier`
 * (resuming from its last checkpoint when one is there) and evaluates it on the val split carved
 * from train (where settings are chosen) and on the test split (what is reported), as the
 * CLASSIFICATION_METRICS family `acc`: top-1, many / medium / few / tail, and per class its
 * accuracy with its shot group as the bucket.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { shotGroup } from '../../eval/classificationMetrics.js';
import type { CompareRun, CompareSplitResult } from '../../report/index.js';
import { writeFileAtomic } from '../../util/atomicWrite.js';
import { BalmsInputError, BalmsInternalError } from '../../util/errors.js';
import { evaluateClassifier, type ClassificationEvaluation } from '../classification/classificationEvaluation.js';
import { trainClassifier } from '../classification/trainClassifier.js';
import type { ClassificationTrainConfig } from '../config/classificationConfig.js';
import { RUN_FILES } from '../runFiles.js';
import { cellKey, FINGERPRINT_FILE, writeCellResult, type CompareRunPlan } from './compareCell.js';

const undef = (v: number | null): number => (v === null ? -1 : v);

/** An evaluation as a compare split result (−1 where a group has no class). */
export function classificationSplitResult(ev: ClassificationEvaluation): CompareSplitResult {
  return {
    acc: { top1: ev.top1, many: undef(ev.many), medium: undef(ev.medium), few: undef(ev.few), tail: undef(ev.tail) },
    perCategory: ev.perClass.map((c, k) => ({ id: k, name: c.name, frequency: shotGroup(c.trainCount), trainImages: c.trainCount, acc: undef(c.accuracy) })),
  };
}

export async function trainClassificationCell(
  plan: CompareRunPlan,
  cfg: ClassificationTrainConfig,
  fingerprint: string,
  opts: { quiet?: boolean; log: (line: string) => void },
): Promise<CompareRun> {
  writeFileAtomic(join(plan.dir, FINGERPRINT_FILE), fingerprint + '\n');
  const r = await trainClassifier(cfg, { resume: existsSync(join(plan.dir, RUN_FILES.last)), quiet: opts.quiet, log: opts.log, skipEval: true });
  try {
    if (!r.finished) throw new BalmsInternalError(`compare run ${cellKey(plan)} stopped at iteration ${r.iteration}`);
    const evalOn = (split: 'val' | 'test') => {
      const ev = evaluateClassifier(r.model, r.data, split, cfg, r.iteration);
      return ev ? classificationSplitResult(ev) : null;
    };
    const val = evalOn('val');
    const test = evalOn('test');
    if (!test) throw new BalmsInputError('compare reports on the test split: data.root needs a test/ tree or archive', { path: 'data.root' });
    return writeCellResult(plan, fingerprint, r, val, test);
  } finally {
    r.model.dispose();
  }
}
