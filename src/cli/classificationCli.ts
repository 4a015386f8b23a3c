/**
 * The classification side of `balms train` (a config with `task: "classification"`) and of
 * `balms eval --checkpoint CKPT` without `--gt` (a classification checkpoint on its val or test split).
 */
import { dirname } from 'node:path';
import {
  classificationDataOf,
  evaluateClassifier,
  loadClassificationData,
  loadClassifierWeights,
  buildImageClassifier,
  writeClassificationEvaluation,
  type ClassificationEvaluation,
  type ClassificationRunState,
  type ClassificationTrainConfig,
} from '../engine/index.js';
import { trainClassifier } from '../engine/classification/trainClassifier.js';
import { loadCheckpoint } from '../engine/checkpoint.js';
import { anyTrainConfigFromJson } from '../engine/config/taskConfig.js';
import { parseSetOverrides } from '../engine/config/setOverrides.js';
import { deepMerge } from '../util/deepMerge.js';
import type { JsonObject } from '../engine/config/configSchema.js';
import { formatClassificationMetrics } from '../eval/classificationMetrics.js';
import { formatApPercent } from '../eval/percent.js';
import { BalmsInputError } from '../util/errors.js';
import * as tf from '@tensorflow/tfjs';

function summary(ev: ClassificationEvaluation | null): string {
  if (!ev) return 'evaluation: none\n';
  const lines = [`evaluation on ${ev.images} ${ev.split} images: ${formatClassificationMetrics(ev)}`, 'class            train   acc'];
  for (const p of ev.perClass) lines.push(`${p.name.slice(0, 16).padEnd(16)} ${String(p.trainCount).padStart(5)} ${formatApPercent(p.accuracy, 5)}`);
  return lines.join('\n') + '\n';
}

/** Trains per a resolved classification config and prints the summary. */
export async function trainClassifierCli(
  cfg: ClassificationTrainConfig,
  opts: { resume: boolean; quiet: boolean; stopAfter: number | undefined; skipEval: boolean; json: boolean },
): Promise<number> {
  const r = await trainClassifier(cfg, { resume: opts.resume, quiet: opts.quiet, stopAfter: opts.stopAfter, skipEval: opts.skipEval });
  r.model.dispose();
  if (opts.json) {
    const { perClass: _p, confusion: _c, ...ev } = r.evaluation ?? ({} as ClassificationEvaluation);
    process.stdout.write(JSON.stringify({ task: 'classification', outputDir: r.outputDir, iteration: r.iteration, finished: r.finished, checkpoint: r.checkpoint, backend: r.backend, seconds: r.seconds, evaluation: r.evaluation ? ev : null }) + '\n');
  } else {
    process.stdout.write(
      [`output:     ${r.outputDir}`, `iteration:  ${r.iteration}${r.finished ? ' (finished)' : ' (stopped; continue with --resume)'}`, `checkpoint: ${r.checkpoint}`, `backend:    ${r.backend}, ${r.seconds.toFixed(1)} s`, ''].join('\n') + summary(r.evaluation),
    );
  }
  return 0;
}

/**
 * Evaluates a classification checkpoint on `split` of its config's data (`sets` override the stored
 * config, e.g. data.root); writes metrics.json and report.html to `outDir` (default: the
 * checkpoint's folder).
 */
export async function evalClassifierCli(opts: { checkpoint: string; split: 'val' | 'test'; sets: readonly string[]; outDir?: string; json: boolean }): Promise<number> {
  const ck = loadCheckpoint(opts.checkpoint);
  try {
    const st = ck.meta as unknown as ClassificationRunState;
    if (st.task !== 'classification') throw new BalmsInputError('is not a classification checkpoint: give --gt for a detector', { file: opts.checkpoint });
    const raw = deepMerge(st.config as unknown as JsonObject, parseSetOverrides([...opts.sets, `eval.split=${opts.split}`]));
    const cfg = anyTrainConfigFromJson(raw, '--set') as ClassificationTrainConfig;
    const outDir = opts.outDir ?? dirname(opts.checkpoint);
    const loaded = await loadClassificationData(cfg, outDir, (l) => process.stderr.write(l + '\n'));
    // the shot groups follow the training counts the checkpoint was trained on
    const data = { ...classificationDataOf(loaded.train, loaded.val, loaded.test), trainCounts: Int32Array.from(st.trainCounts) };
    const model = buildImageClassifier(cfg, data.classNames.length, st.channels);
    try {
      loadClassifierWeights(model, ck.tensors, opts.checkpoint);
      const ev = evaluateClassifier(model, data, opts.split, cfg, st.iteration);
      if (!ev) throw new BalmsInputError(`the config has no ${opts.split} split (val needs data.valPerClass > 0)`, { file: opts.checkpoint });
      writeClassificationEvaluation(outDir, ev, `balms eval: ${opts.checkpoint}`);
      process.stdout.write(opts.json ? JSON.stringify(ev) + '\n' : summary(ev));
      return 0;
    } finally {
      model.dispose();
    }
  } finally {
    tf.dispose([...ck.tensors.values()]);
  }
}
