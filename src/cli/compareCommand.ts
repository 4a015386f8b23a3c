import type { Command } from './command.js';
import { CLASSIFICATION_COMPARE_METHODS, COMPARE_METHODS, COMPARE_PRESETS, parseShard, runCompare } from '../engine/index.js';
import { formatApPercent, formatPercentPoints } from '../eval/index.js';
import { familyOf, type CompareSummary } from '../report/index.js';
import { BACKEND_HELP, backendArg, intArg, parseCli, startBackend } from './cliOptions.js';

const usage = `Usage: balms compare [--methods LIST] [--seeds N] [--preset NAME | --config BASE.json] [--out DIR]
                     [--backend B] [--set key=value …] [--resume] [--quiet] [--json]
                     [--shard I/N | --merge]

Trains each method × seed on the same data, evaluates every run on the val split (where settings
are chosen) and on the held-out test split (what is reported), and writes DIR/compare.json (per
method: runs, mean and standard deviation over seeds, a paired bootstrap interval of the
difference to the baseline — detection: softmax_rfs on AP and APr; classification: softmax on top-1
and tail accuracy) and DIR/compare.html (tables, bars with error bars, per-category values against
training images, wall time). A stage-2 method reuses the stage-1 run of
its seed. Interrupted? Run the same command with --resume: finished runs are kept, the others
continue from their checkpoints.

Several machines: run shard I of N (0-based) in each, all with the same options and the same DIR
on a shared file system (--shard implies --resume); every shard rewrites compare.json from the runs
finished so far, and --merge (same options) rebuilds it without training. See docs/compare.md.

Detection methods (configs/compare/<name>.json, each usable with balms train):
${COMPARE_METHODS.map((m) => `  ${m.name.padEnd(22)}${m.summary}`).join('\n')}

Classification methods (configs/classification/<name>.json; presets cifar10-lt-*, or --config with
task "classification"; the data folder by --set data.root=DIR, e.g. ../shared/real/cifar10):
${CLASSIFICATION_COMPARE_METHODS.map((m) => `  ${m.name.padEnd(28)}${m.summary}`).join('\n')}

Options:
  --methods LIST    comma-separated method names, run in this order, each over all seeds (default: all)
  --seeds N         seeds 0 … N−1 (default 3)
  --preset NAME     ${Object.values(COMPARE_PRESETS).map((p) => `${p.name}: ${p.summary}`).join('\n                    ')}
  --config FILE     a training config whose data and model sections replace the preset's (your own
                    LVIS-format data: data.trainAnnotations/…, and data.testAnnotations/testImageDir;
                    a model.type "graph" detector; or a task "classification" config: its methods)
  --out DIR         output folder (default runs/compare)
  --backend B       ${BACKEND_HELP}
  --set KEY=VALUE   override a knob in every run (e.g. --set data.synth.seed=3); seed, outputDir and
                    stage2.initCheckpoint are set by compare
  --resume          continue an interrupted compare in DIR
  --shard I/N       run shard I (0 ≤ I < N) of the (method, seed) runs, as JOB_COMPLETION_INDEX or
                    SLURM_ARRAY_TASK_ID (--array=0-(N-1)) give it; balanced by iterations
  --merge           train nothing: write compare.json / compare.html from the finished runs in DIR
  --quiet           no progress bars
  --json            print compare.json's method means on stdout as one JSON line
`;

function pct(v: number | undefined): string {
  return formatApPercent(v, 6);
}

/** The table of the task's first two families (detection: mask, box) and the focus bucket's interval. */
export function compareTable(s: CompareSummary): string {
  const set = s.metrics;
  const [first, second] = set.families;
  const cols = [set.headline, ...set.buckets.map((b) => b.key)], cols2 = cols.slice(0, 2);
  const width = (n: number) => 6 * n;
  const lines = [
    `${''.padEnd(28)}${first!.label.padStart(6).padEnd(width(cols.length))}${second ? ` | ${second.label.padStart(6).padEnd(width(cols2.length))}` : ''}`.trimEnd(),
    `${'method'.padEnd(22)}${'runs'.padStart(5)} ${cols.map((k) => k.padStart(6)).join('')}${second ? ` | ${cols2.map((k) => k.padStart(6)).join('')}` : ''}   Δ${set.focus}(${first!.label.toLowerCase()}) [95% CI]`,
  ];
  for (const m of s.methods) {
    if (!m.runs.length) continue;
    const a = familyOf(m.mean, first!.key), b = second ? familyOf(m.mean, second.key) : null, d = m.vsBaseline?.[`${first!.key}.${set.focus}`];
    lines.push(
      `${m.name.padEnd(22)}${String(m.runs.length).padStart(5)} ${cols.map((k) => pct(a?.[k])).join('')}${second ? ` | ${cols2.map((k) => pct(b?.[k])).join('')}` : ''}   ${d ? `${formatPercentPoints(d.difference)} [${formatPercentPoints(d.low)}, ${formatPercentPoints(d.high)}]` : ''}`.trimEnd(),
    );
  }
  return lines.join('\n') + '\n';
}

export const COMPARE_CLI_OPTIONS = {
  methods: { type: 'string' },
  seeds: { type: 'string' },
  preset: { type: 'string' },
  config: { type: 'string' },
  out: { type: 'string' },
  backend: { type: 'string' },
  set: { type: 'string', multiple: true },
  resume: { type: 'boolean' },
  shard: { type: 'string' },
  merge: { type: 'boolean' },
  quiet: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export const compareCommand: Command = {
  name: 'compare',
  usage,
  async run(argv) {
    const { values: v } = parseCli(argv, COMPARE_CLI_OPTIONS);
    const backend = backendArg(v.backend);
    const shard = v.shard === undefined ? undefined : parseShard(v.shard);
    if (!v.merge) await startBackend(backend ?? 'auto');
    const r = await runCompare({
      outDir: v.out ?? 'runs/compare',
      methods: v.methods?.split(',').map((s) => s.trim()).filter(Boolean),
      seeds: v.seeds === undefined ? undefined : intArg('--seeds', v.seeds),
      preset: v.preset,
      baseConfig: v.config,
      backend,
      sets: v.set ?? [],
      resume: !!v.resume,
      shard,
      merge: !!v.merge,
      quiet: !!v.quiet,
    });
    if (v.json) {
      process.stdout.write(JSON.stringify(r.summary.methods.map((m) => ({ name: m.name, runs: m.runs.length, mean: m.mean, std: m.std, vsBaseline: m.vsBaseline }))) + '\n');
    } else {
      process.stdout.write(compareTable(r.summary));
    }
    process.stderr.write(`balms compare: wrote ${r.jsonPath} and ${r.htmlPath}${r.complete ? '' : ' (incomplete: some runs have not finished)'}\n`);
    return 0;
  },
};
