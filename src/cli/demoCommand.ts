import { isBackendPreference } from '../backends/index.js';
import { runDemo } from '../engine/demo.js';
import { BalmsInputError } from '../util/errors.js';
import type { Command } from './command.js';
import { parseCli } from './cliOptions.js';

const usage = `Usage: balms demo [--quick] [--out DIR] [--backend auto|wasm|cpu|tfjs-node|tfjs-node-gpu] [--set key=value …] [--quiet]

Trains BALMS on the embedded long-tailed dataset (generated on first use, no download) and evaluates it:
  stage 1  the whole detector, plain softmax + repeat factor sampling        (configs/demo.json)
  stage 2  the classifier only, Balanced Softmax + the Meta Reweighter       (configs/demo_stage2.json)
Writes DIR/metrics.json ({"bbox": {…}, "segm": {…}} with the keys of \`balms eval --json\`),
DIR/stage1_metrics.json (the baseline) and DIR/report.html. The final metrics are also printed on stdout.

Options:
  --quick       a smaller dataset and schedule (about 3 minutes on 2 cores) that still learns
  --out DIR     output folder (default runs/demo)
  --backend B   tfjs backend (default auto: tfjs-node-gpu > tfjs-node > wasm > cpu)
  --set k=v     override a config key in both stages (e.g. --set seed=3)
  --quiet       no progress bars`;

export const demoCommand: Command = {
  name: 'demo',
  usage,
  async run(argv) {
    const { values } = parseCli(argv, {
      quick: { type: 'boolean', default: false },
      out: { type: 'string', default: 'runs/demo' },
      backend: { type: 'string' },
      set: { type: 'string', multiple: true, default: [] },
      quiet: { type: 'boolean', default: false },
    });
    if (values.out.trim() === '') throw new BalmsInputError('--out: empty folder name');
    if (values.backend !== undefined && !isBackendPreference(values.backend)) {
      throw new BalmsInputError(`--backend must be auto, wasm, cpu, tfjs-node or tfjs-node-gpu, got '${values.backend}'`);
    }
    const r = await runDemo({
      outDir: values.out!,
      quick: values.quick,
      backend: values.backend as never,
      sets: values.set,
      quiet: values.quiet,
    });
    process.stdout.write(JSON.stringify(r.metrics) + '\n');
    process.stderr.write(`balms demo: ${r.seconds.toFixed(0)} s; wrote ${r.metricsPath} and ${r.reportPath}\n`);
    return 0;
  },
};
