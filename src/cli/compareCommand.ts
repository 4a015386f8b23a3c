import type { Command } from './command.js';
import { COMPARE_METHODS, COMPARE_PRESETS, runCompare } from '../engine/index.js';
import type { CompareMethodSummary } from '../report/index.js';
import { BACKEND_HELP, backendArg, intArg, parseCli, startBackend } from './cliOptions.js';

const usage = `Usage: balms compare [--methods LIST] [--seeds N] [--preset NAME | --config BASE.json] [--out DIR]
                     [--backend B] [--set key=value …] [--resume] [--quiet] [--json]

Trains each method × seed on the same data, evaluates every run on the val split (where settings
are chosen) and on the held-out test split (what is reported), and writes DIR/compare.json (per
method: runs, mean and standard deviation over seeds, a paired bootstrap interval of the
difference to softmax_rfs on AP and APr) and DIR/compare.html (tables, bars with error bars,
per-category AP against training images, wall time). A stage-2 method reuses the stage-1 run of
its seed. Interrupted? Run the same command with --resume: finished runs are kept, the others
continue from their checkpoints.

Methods (configs/compare/<name>.json, each usable with balms train):
${COMPARE_METHODS.map((m) => `  ${m.name.padEnd(22)}${m.summary}`).join('\n')}

Options:
  --methods LIST    comma-separated method names, run in this order, each over all seeds (default: all)
  --seeds N         seeds 0 … N−1 (default 3)
  --preset NAME     ${Object.values(COMPARE_PRESETS).map((p) => `${p.name}: ${p.summary}`).join('\n                    ')}
  --config FILE     a training config whose data and model sections replace the preset's (your own
                    LVIS-format data: data.trainAnnotations/…, and data.testAnnotations/testImageDir)
  --out DIR         output folder (default runs/compare)
  --backend B       ${BACKEND_HELP}
  --set KEY=VALUE   override a knob in every run (e.g. --set data.synth.seed=3); seed, outputDir and
                    stage2.initCheckpoint are set by compare
  --resume          continue an interrupted compare in DIR
  --quiet           no progress bars
  --json            print compare.json's method means on stdout as one JSON line
`;

function pct(v: number | undefined): string {
  return v === undefined || v < 0 ? '   n/a' : (v * 100).toFixed(1).padStart(6);
}

function table(methods: CompareMethodSummary[]): string {
  const lines = ['method                  runs  mask AP   APr   APc   APf |  box AP   APr   ΔAPr(mask) [95% CI]'];
  for (const m of methods) {
    if (!m.runs.length) continue;
    const s = m.mean.segm, b = m.mean.bbox, d = m.vsBaseline?.['segm.APr'];
    lines.push(
      `${m.name.padEnd(22)}${String(m.runs.length).padStart(5)} ${pct(s?.AP)}${pct(s?.APr)}${pct(s?.APc)}${pct(s?.APf)} | ${pct(b.AP)}${pct(b.APr)}   ${d ? `${(d.difference * 100).toFixed(1)} [${(d.low * 100).toFixed(1)}, ${(d.high * 100).toFixed(1)}]` : ''}`,
    );
  }
  return lines.join('\n') + '\n';
}

export const compareCommand: Command = {
  name: 'compare',
  usage,
  async run(argv) {
    const { values: v } = parseCli(argv, {
      methods: { type: 'string' },
      seeds: { type: 'string' },
      preset: { type: 'string' },
      config: { type: 'string' },
      out: { type: 'string' },
      backend: { type: 'string' },
      set: { type: 'string', multiple: true },
      resume: { type: 'boolean' },
      quiet: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const backend = backendArg(v.backend);
    await startBackend(backend ?? 'auto');
    const r = await runCompare({
      outDir: v.out ?? 'runs/compare',
      methods: v.methods?.split(',').map((s) => s.trim()).filter(Boolean),
      seeds: v.seeds === undefined ? undefined : intArg('--seeds', v.seeds),
      preset: v.preset,
      baseConfig: v.config,
      backend,
      sets: v.set ?? [],
      resume: !!v.resume,
      quiet: !!v.quiet,
    });
    if (v.json) {
      process.stdout.write(JSON.stringify(r.summary.methods.map((m) => ({ name: m.name, runs: m.runs.length, mean: m.mean, std: m.std, vsBaseline: m.vsBaseline }))) + '\n');
    } else {
      process.stdout.write(table(r.summary.methods));
    }
    process.stderr.write(`balms compare: wrote ${r.jsonPath} and ${r.htmlPath}\n`);
    return 0;
  },
};
