/**
 * `balms demo`: BALMS end to end on the embedded long-tailed dataset. Stage 1 trains the whole
 * detector with plain softmax + repeat factor sampling; stage 2 (decoupled) retrains the classifier
 * with Balanced Softmax and the Meta Reweighter. Both are evaluated on the val split; the final
 * metrics go to `metrics.json`, the stage-1 baseline to `stage1_metrics.json`, and `report.html`
 * shows the comparison, AP by bucket and against training frequency, the loss curves and val images.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { writeJsonFileAtomic } from '../util/writeJsonAtomic.js';
import { cpus } from 'node:os';
import type { LvisStats } from '../eval/index.js';
import { resolveTrainConfig } from './config/resolveTrainConfig.js';
import type { TrainConfig } from './config/trainConfig.js';
import type { JsonObject } from './config/configSchema.js';
import { renderRunReport } from './runReport.js';
import { RUN_FILES } from './runFiles.js';
import { train } from './trainer.js';
import { BalmsInternalError } from '../util/errors.js';

/** The folder of the shipped configs (next to `src/` and `dist/`). */
export const CONFIG_DIR = fileURLToPath(new URL('../../configs/', import.meta.url));

/**
 * The configs of the two stages: `demo.json` / `demo_stage2.json`, and with `--quick` (a smaller
 * dataset and schedule that still learns, ≤ 3 minutes on 2 cores) `demo_quick.json` /
 * `demo_quick_stage2.json`, all under configs/.
 */
export const DEMO_CONFIGS = {
  full: { stage1: 'demo.json', stage2: 'demo_stage2.json' },
  quick: { stage1: 'demo_quick.json', stage2: 'demo_quick_stage2.json' },
} as const;

/** Which BALMS variant the demo's stage 2 runs (shown in the report; the measured comparison is in docs/compare.md). */
export const DEMO_VARIANT_NOTE =
  'Stage 2 is BALMS with Balanced Softmax and the Meta Reweighter on a softmax + RFS stage 1 (configs/demo_stage2.json). ' +
  'How it compares with the other variants on the balms compare presets (val split for the choice, test for the report): docs/compare.md.';

export interface DemoOptions {
  outDir: string;
  quick?: boolean;
  backend?: TrainConfig['backend'];
  /** Extra `key=value` overrides applied to both stages. */
  sets?: string[];
  quiet?: boolean;
  log?: (line: string) => void;
}

export interface DemoResult {
  metrics: { bbox: LvisStats; segm: LvisStats | null };
  baseline: { bbox: LvisStats; segm: LvisStats | null };
  reportPath: string;
  metricsPath: string;
  seconds: number;
}

export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const t0 = performance.now();
  const outDir = resolve(opts.outDir);
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const common: JsonObject = { ...(opts.backend ? { backend: opts.backend } : {}) };
  const files = opts.quick ? DEMO_CONFIGS.quick : DEMO_CONFIGS.full;
  const stage1 = resolveTrainConfig({
    file: join(CONFIG_DIR, files.stage1),
    overrides: { ...common, outputDir: join(outDir, 'stage1') },
    sets: opts.sets,
  });
  log(`balms demo${opts.quick ? ' --quick' : ''}: stage 1 — ${stage1.loss.type} + ${stage1.sampler.type}, ${stage1.solver.maxIter} iterations`);
  const r1 = await train(stage1, { quiet: opts.quiet, log, keepPredictions: 0 });
  r1.detector.dispose();
  if (!r1.evaluation) throw new BalmsInternalError('demo: the stage-1 run has no val evaluation');

  const stage2 = resolveTrainConfig({
    file: join(CONFIG_DIR, files.stage2),
    overrides: {
      ...common,
      outputDir: join(outDir, 'stage2'),
      stage2: { initCheckpoint: r1.checkpoint },
    },
    sets: opts.sets,
  });
  log(`balms demo: stage 2 — ${stage2.loss.type} + ${stage2.meta.type}, classifier only, ${stage2.solver.maxIter} iterations`);
  const r2 = await train(stage2, { quiet: opts.quiet, log, keepPredictions: 6 });
  r2.detector.dispose();
  const ev = r2.evaluation;
  if (!ev) throw new BalmsInternalError('demo: the stage-2 run has no val evaluation');

  const metrics = { bbox: ev.bbox, segm: ev.segm };
  const baseline = { bbox: r1.evaluation.bbox, segm: r1.evaluation.segm };
  const metricsPath = join(outDir, 'metrics.json');
  writeJsonFileAtomic(metricsPath, metrics, { indent: 2 });
  writeJsonFileAtomic(join(outDir, 'stage1_metrics.json'), baseline, { indent: 2 });
  const seconds = (performance.now() - t0) / 1000;
  const html = await renderRunReport({
    title: `balms demo${opts.quick ? ' (quick)' : ''}: BALMS on the embedded long-tailed dataset`,
    evaluation: ev,
    data: r2.data,
    metricsLogs: [join(r1.outputDir, RUN_FILES.metrics), join(r2.outputDir, RUN_FILES.metrics)],
    comparison: [
      { name: `stage 1: ${stage1.loss.type} + RFS`, metrics: { bbox: baseline.bbox as never, segm: (baseline.segm ?? undefined) as never } },
      { name: `BALMS: + stage 2 ${stage2.loss.type} + ${stage2.meta.type}`, metrics: { bbox: metrics.bbox as never, segm: (metrics.segm ?? undefined) as never } },
    ],
    environment: {
      backend: r2.backend,
      node: process.version,
      cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
      'training images': r2.data.train.size,
      'val images evaluated': ev.imagesEvaluated,
      classes: r2.data.categories.length,
      'stage 1 (s)': r1.seconds.toFixed(1),
      'stage 2 (s)': r2.seconds.toFixed(1),
      'total (s)': seconds.toFixed(1),
    },
    config: { stage1, stage2 },
    notes: [DEMO_VARIANT_NOTE],
  });
  const reportPath = join(outDir, 'report.html');
  writeFileAtomic(reportPath, html);
  return { metrics, baseline, reportPath, metricsPath, seconds };
}
