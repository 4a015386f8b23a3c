import type { Command } from './command.js';
import { resolveAnyTrainConfig, train, type TrainResult } from '../engine/index.js';
import { trainClassifierCli } from './classificationCli.js';
import { formatApPercent, type LvisStats } from '../eval/index.js';
import { BalmsInputError } from '../util/errors.js';
import { BACKEND_HELP, backendArg, intArg, parseCli, startBackend } from './cliOptions.js';

const usage = `Usage: balms train [--config FILE] [--set key=value …] [options]

Trains a detector (or, with "task": "classification" in the config, an image classifier:
configs/classification/*.json, --set data.root=DIR) per a JSON config (configs/*.json; '_base_' inheritance) with every knob of
configs/base.json; '--set key.path=value' overrides any knob (value read as JSON when it parses,
e.g. --set solver.maxIter=2000 --set loss.type=softmax --set 'solver.steps=[600,800]').
Without --config the defaults (configs/base.json) are used.

Writes to the output folder: config.json (the resolved config), last.ckpt (every
checkpoint.period iterations and at the end), model_final.ckpt (when solver.maxIter is reached),
metrics.jsonl (losses every log.period iterations, evaluations). Progress goes to stderr; the
final summary (AP, APr/c/f for boxes and masks on the val set) to stdout.

Options:
  --config FILE       training config (JSON)
  --set KEY=VALUE     override one knob (repeatable)
  --output DIR        output folder (same as --set outputDir=DIR)
  --backend B         ${BACKEND_HELP} (same as --set backend=B)
  --resume            continue from DIR/last.ckpt when it exists (same weights as an uninterrupted run)
  --stop-after N      stop after N iterations in total, leaving DIR/last.ckpt (continue with --resume)
  --skip-eval         no evaluation at the end
  --quiet             no progress bar
  --json              print the summary as one JSON line
`;

function pct(v: number): string {
  return formatApPercent(v, 6);
}

function summaryTable(r: TrainResult): string {
  const lines = [
    `output:     ${r.outputDir}`,
    `iteration:  ${r.iteration}${r.finished ? ' (finished)' : ' (stopped; continue with --resume)'}`,
    `checkpoint: ${r.checkpoint}`,
    `backend:    ${r.backend}, ${r.seconds.toFixed(1)} s`,
  ];
  const ev = r.evaluation;
  if (ev) {
    lines.push('', `evaluation on ${ev.imagesEvaluated} val images:`, '         AP   AP50   AP75    APr    APc    APf  AR@300');
    const row = (name: string, s: LvisStats) => `${name.padEnd(5)}${pct(s.AP)} ${pct(s.AP50)} ${pct(s.AP75)} ${pct(s.APr)} ${pct(s.APc)} ${pct(s.APf)} ${pct(s['AR@300'] ?? -1)}`;
    lines.push(row('bbox', ev.bbox));
    if (ev.segm) lines.push(row('segm', ev.segm));
  }
  return lines.join('\n') + '\n';
}

export const trainCommand: Command = {
  name: 'train',
  usage,
  async run(argv) {
    const { values: v } = parseCli(argv, {
      config: { type: 'string' },
      set: { type: 'string', multiple: true },
      output: { type: 'string' },
      backend: { type: 'string' },
      resume: { type: 'boolean' },
      'stop-after': { type: 'string' },
      'skip-eval': { type: 'boolean' },
      quiet: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const backend = backendArg(v.backend);
    if (v.output !== undefined && v.output.trim() === '') throw new BalmsInputError('--output: empty folder name');
    if (v.config !== undefined && v.config.trim() === '') throw new BalmsInputError('--config: empty file name (leave --config out for the defaults)');
    const stopAfter = v['stop-after'] === undefined ? undefined : intArg('--stop-after', v['stop-after']);
    const overrides = { ...(v.output !== undefined ? { outputDir: v.output } : {}), ...(backend ? { backend } : {}) };
    const cfg = resolveAnyTrainConfig({ file: v.config, sets: v.set ?? [], overrides });
    await startBackend(cfg.backend);
    if (cfg.task === 'classification') return trainClassifierCli(cfg, { resume: !!v.resume, quiet: !!v.quiet, stopAfter, skipEval: !!v['skip-eval'], json: !!v.json });
    const result = await train(cfg, { resume: !!v.resume, quiet: !!v.quiet, stopAfter, skipEval: !!v['skip-eval'], keepPredictions: 0 });
    result.detector.dispose();
    if (v.json) {
      const ev = result.evaluation;
      process.stdout.write(
        JSON.stringify({
          outputDir: result.outputDir,
          iteration: result.iteration,
          finished: result.finished,
          checkpoint: result.checkpoint,
          backend: result.backend,
          seconds: result.seconds,
          evaluation: ev ? { images: ev.imagesEvaluated, bbox: ev.bbox, segm: ev.segm } : null,
        }) + '\n',
      );
    } else {
      process.stdout.write(summaryTable(result));
    }
    return 0;
  },
};
