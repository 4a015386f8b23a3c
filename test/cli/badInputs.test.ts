/**
 * The CLI's bad-input contract, case by case: every malformed input or out-of-range knob ends with
 * exit code 2 and one stderr line naming the file / record / key at fault, never an "internal error"
 * (a stack trace) and never a silent success. Runs `runMain` in-process (the same code as the bin)
 * so a few dozen cases stay fast; test/cli/main.test.ts covers the real process.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMain } from '../../src/cli/runMain.js';
import { loadCheckpoint } from '../../src/engine/index.js';
import { tinyTrainOverrides } from '../helpers/tinyTrainConfig.js';

const fixture = fileURLToPath(new URL('../fixtures/coco/tiny_lvis.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'balms-bad-inputs-'));
const p = (name: string) => join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(argv: string[]): Promise<Outcome> {
  const out: string[] = [];
  const err: string[] = [];
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => (err.push(String(s)), true)) as typeof process.stderr.write;
  try {
    const code = await runMain(argv);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
}

function gtVariant(name: string, mutate: (d: any) => void): string {
  const d = JSON.parse(readFileSync(fixture, 'utf8'));
  mutate(d);
  writeFileSync(p(name), JSON.stringify(d, null, 1));
  return p(name);
}

function deep(n: number): string {
  return '['.repeat(n) + ']'.repeat(n);
}

/** argv, and the regexp the one stderr line must match after `balms <cmd>: `. */
type Case = [name: string, argv: () => string[], re: RegExp];

const tiny = () => p('tiny.json');
const trainArgs = (...sets: string[]) => ['train', '--config', tiny(), ...sets.flatMap((s) => ['--set', s])];

const cases: Case[] = [
  // training knobs
  ['stem width 0', () => trainArgs('model.backbone.stemChannels=0'), /model\.backbone\.stemChannels/],
  ['fractional stem width', () => trainArgs('model.backbone.stemChannels=1.5'), /model\.backbone\.stemChannels/],
  ['empty stage list', () => trainArgs('model.backbone.stageChannels=[]'), /model\.backbone\.stageChannels/],
  ['empty anchor sizes', () => trainArgs('model.anchors.sizes=[[]]'), /model\.anchors\.sizes/],
  ['negative aspect ratio', () => trainArgs('model.anchors.aspectRatios=[-1,1]'), /model\.anchors\.aspectRatios/],
  ['positive fraction above 1', () => trainArgs('model.rpn.positiveFraction=2'), /model\.rpn\.positiveFraction/],
  ['pooled size 0', () => trainArgs('model.roiHeads.pooledSize=0'), /model\.roiHeads\.pooledSize/],
  ['IoU threshold 1', () => trainArgs('model.roiHeads.iouThreshold=1'), /model\.roiHeads\.iouThreshold/],
  ['empty FC dims', () => trainArgs('model.roiHeads.boxHead.fcDims=[]'), /model\.roiHeads\.boxHead\.fcDims/],
  ['RPN batch 0', () => trainArgs('model.rpn.batchSizePerImage=0'), /model\.rpn\.batchSizePerImage/],
  ['anchor levels vs pyramid levels', () => trainArgs('model.fpn.enabled=true', 'model.fpn.inStages=[0,1,2]'), /model\.anchors\.sizes/],
  ['momentum 5', () => trainArgs('solver.momentum=5'), /solver\.momentum/],
  ['negative steps', () => trainArgs('solver.steps=[-3]'), /solver\.steps/],
  ['negative warm-up', () => trainArgs('solver.warmupIters=-1'), /solver\.warmupIters/],
  ['negative checkpoint period', () => trainArgs('checkpoint.period=-1'), /checkpoint\.period/],
  ['zero log period', () => trainArgs('log.period=0'), /log\.period/],
  ['negative max size', () => trainArgs('data.maxSize=-1'), /data\.maxSize/],
  ['fractional seed', () => trainArgs('seed=0.5'), /seed/],
  ['huge seed', () => trainArgs('seed=1e300'), /seed/],
  ['synth categories 0', () => trainArgs('data.synth.categories=0'), /data\.synth\.categories/],
  ['synth size 0', () => trainArgs('data.synth.size=0'), /data\.synth\.size/],
  ['a bad --set value is blamed on --set', () => trainArgs('solver.baseLr="x"'), /^--set: solver\.baseLr/],
  ['a --set key into the prototype', () => trainArgs('__proto__.polluted=1'), /^--set: bad key "__proto__\.polluted"/],
  ['a --set key named constructor', () => trainArgs('constructor.x=1'), /^--set: bad key/],
  ['a loss type that is an Object method', () => trainArgs('loss.type=toString'), /^--set: loss\.type: must be one of "softmax"/],
  ['a "__proto__" key in a config file', () => ['train', '--config', p('proto.json')], /proto\.json: __proto__: a "__proto__" key is not allowed/],
  ['--stop-after -1', () => [...trainArgs(), '--stop-after', '-1'], /--stop-after/],
  [
    'a category without training images under Balanced Softmax',
    () => ['train', ...['data.synth.enabled=false', `data.trainAnnotations=${fixture}`, `data.trainImageDir=${dir}`, 'backend=cpu', `outputDir=${p('zc')}`].flatMap((s) => ['--set', s])],
    /^loss\.smoothing: the category at class index 2 \(#3 in id order\) has image_count 0 in .*tiny_lvis\.json/,
  ],
  ['--output is a file', () => [...trainArgs(), '--output', fixture], /tiny_lvis\.json/],
  // config files
  ['config nested 100k deep', () => ['train', '--config', p('deep.json')], /deep\.json.*nest/],
  ['config with a bad token, pretty-printed', () => ['train', '--config', p('badtoken.json')], /badtoken\.json.*line 3/],
  ['config is a symlink loop', () => ['train', '--config', p('loop.json')], /loop\.json/],
  // annotation files
  ['stats on a symlink loop', () => ['stats', '--gt', p('loop.json')], /loop\.json/],
  ['huge polygon coordinates', () => ['stats', '--gt', p('hugepoly.json')], /hugepoly\.json: annotations\[0\]\.segmentation/],
  ['deeply nested extra field', () => ['subset', '--gt', p('deepgt.json'), '--out', p('deep-out.json')], /deepgt\.json/],
  ['subset output is a folder', () => ['subset', '--gt', fixture, '--out', dir], /balms-bad-inputs-/],
  ['subset output under a file', () => ['subset', '--gt', fixture, '--out', join(fixture, 'x.json')], /tiny_lvis\.json/],
  // eval
  ['--max-dets 0', () => ['eval', '--gt', fixture, '--results', p('results.json'), '--iou-type', 'bbox', '--max-dets', '0'], /--max-dets/],
  ['--max-dets -5', () => ['eval', '--gt', fixture, '--results', p('results.json'), '--iou-type', 'bbox', '--max-dets=-5'], /--max-dets/],
  // synth
  ['synth --out under a file', () => ['synth', '--out', join(fixture, 'x'), '--categories', '2', '--train-images', '2', '--val-images', '2', '--size', '32'], /tiny_lvis\.json/],
];

beforeAll(() => {
  writeFileSync(p('tiny.json'), JSON.stringify(tinyTrainOverrides(p('run'), p('cache'))));
  writeFileSync(p('deep.json'), `{"model": ${deep(100_000)}}`);
  writeFileSync(p('proto.json'), '{"__proto__": {"seed": 5}}');
  writeFileSync(p('badtoken.json'), '{\n  "seed": 1,\n  "solver": x\n}\n');
  symlinkSync(p('loop.json'), p('loop.json'));
  gtVariant('hugepoly.json', (d) => {
    d.annotations[0].segmentation = [[0, 0, 1e300, 0, 1e300, 1e300]];
  });
  const gt = JSON.parse(readFileSync(fixture, 'utf8'));
  const text = JSON.stringify(gt).replace('"info":{', `"info":{"deep":${deep(100_000)},`);
  writeFileSync(p('deepgt.json'), text);
  writeFileSync(p('results.json'), JSON.stringify([{ image_id: 10, category_id: 1, bbox: [0, 0, 10, 10], score: 0.9 }]));
});

describe('bad inputs: exit 2, one line naming the culprit', () => {
  it.each(cases)('%s', async (_name, argv, re) => {
    const args = argv();
    const r = await run(args);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const lines = r.stderr.trimEnd().split('\n');
    expect(r.code, r.stderr).toBe(2);
    // the error is the last line; any line before it is the command's own progress log
    expect(lines.every((l) => l.startsWith(`balms ${args[0]}: `)), r.stderr).toBe(true);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(lines[lines.length - 1]!.slice(`balms ${args[0]}: `.length)).toMatch(re);
    expect(r.stdout).toBe('');
  });
});

describe('a diverging run', () => {
  it('stops with exit code 3 and one line: the iteration, what went non-finite, the last good checkpoint', async () => {
    const out = p('diverge');
    writeFileSync(p('diverge.json'), JSON.stringify(tinyTrainOverrides(out, p('cache'), { solver: { baseLr: 1000, warmupIters: 0 }, checkpoint: { period: 1 } })));
    const r = await run(['train', '--config', p('diverge.json'), '--quiet', '--skip-eval']);
    expect(r.code, r.stderr).toBe(3);
    const lines = r.stderr.trimEnd().split('\n');
    const last = lines[lines.length - 1]!;
    expect(last).toMatch(/^balms train: training diverged at iteration \d+: \S+ is (NaN|-?Infinity)/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    // the checkpoint it names is finite and loads
    const named = /last good checkpoint (\S+) /.exec(last);
    if (named) expect(() => loadCheckpoint(named[1]!)).not.toThrow();
  });
});

/**
 * Every value option of every command, given hostile values, with the rest of the command line
 * arranged to fail on an input error anyway (a missing file), so that nothing long ever runs: the
 * answer is always exit 2 and one line, never an internal error.
 */
describe('every option with hostile values: exit 2, never an internal error', () => {
  const missing = () => p('missing.json');
  const HOSTILE = ['', ' ', '-1', '0', '1.5', 'abc', '1e999', 'NaN', '99999999999999999999', '-', '=', '../', '\u0000', 'x'.repeat(5000)];
  // command → [option, the other arguments]
  const options: Array<[string, string, () => string[]]> = [
    ['train', '--config', () => []],
    ['train', '--set', () => ['--config', missing()]],
    ['train', '--output', () => ['--config', missing()]],
    ['train', '--backend', () => ['--config', missing()]],
    ['train', '--stop-after', () => ['--config', missing()]],
    ['predict', '--checkpoint', () => ['--images', dir, '--out', p('pred')]],
    ['predict', '--images', () => ['--checkpoint', missing(), '--out', p('pred')]],
    ['predict', '--out', () => ['--checkpoint', missing(), '--images', dir]],
    ['predict', '--gt', () => ['--checkpoint', missing(), '--images', dir, '--out', p('pred')]],
    ['predict', '--score-thresh', () => ['--checkpoint', missing(), '--images', dir, '--out', p('pred')]],
    ['predict', '--max-dets', () => ['--checkpoint', missing(), '--images', dir, '--out', p('pred')]],
    ['predict', '--overlay-score', () => ['--checkpoint', missing(), '--images', dir, '--out', p('pred')]],
    ['predict', '--backend', () => ['--checkpoint', missing(), '--images', dir, '--out', p('pred')]],
    ['eval', '--gt', () => ['--results', p('results.json'), '--iou-type', 'bbox']],
    ['eval', '--results', () => ['--gt', fixture, '--iou-type', 'bbox']],
    ['eval', '--iou-type', () => ['--gt', missing(), '--results', p('results.json')]],
    ['eval', '--max-dets', () => ['--gt', missing(), '--results', p('results.json'), '--iou-type', 'bbox']],
    ['eval', '--checkpoint', () => ['--gt', fixture, '--images', dir, '--iou-type', 'bbox']],
    ['eval', '--images', () => ['--gt', fixture, '--checkpoint', missing(), '--iou-type', 'bbox']],
    ['eval', '--save-results', () => ['--gt', fixture, '--checkpoint', missing(), '--images', dir, '--iou-type', 'bbox']],
    ['eval', '--backend', () => ['--gt', missing(), '--results', p('results.json'), '--iou-type', 'bbox']],
    ['stats', '--gt', () => []],
    ['stats', '--max-mismatches', () => ['--gt', missing()]],
    ['subset', '--gt', () => ['--out', p('sub.json')]],
    ['subset', '--out', () => ['--gt', missing()]],
    ['subset', '--categories', () => ['--gt', missing(), '--out', p('sub.json')]],
    ['subset', '--per-bucket', () => ['--gt', missing(), '--out', p('sub.json')]],
    ['subset', '--images', () => ['--gt', missing(), '--out', p('sub.json')]],
    ['subset', '--seed', () => ['--gt', missing(), '--out', p('sub.json')]],
    ...['--seed', '--categories', '--train-images', '--val-images', '--size', '--neg-fraction', '--not-exhaustive', '--min-val-images', '--out'].map(
      (o): [string, string, () => string[]] => ['synth', o, () => (o === '--out' ? ['--size', '1'] : ['--out', join(fixture, 'under-a-file')])],
    ),
    ['demo', '--backend', () => ['--set', 'seed=-1']],
    ['demo', '--set', () => ['--set', 'seed=-1']],
    ['demo', '--out', () => ['--set', 'seed=-1']],
  ];
  it.each(options)('%s %s', async (cmd, opt, rest) => {
    const bad: string[] = [];
    for (const v of HOSTILE) {
      for (const argv of [[cmd, ...rest(), opt, v], [cmd, ...rest(), `${opt}=${v}`]]) {
        const r = await run(argv);
        const lines = r.stderr.trimEnd().split('\n');
        const clean = r.code === 2 && lines.length === 1 && lines[0]!.startsWith(`balms ${cmd}: `) && r.stdout === '';
        if (!clean) bad.push(`${JSON.stringify(argv.slice(1)).slice(0, 200)} → exit ${r.code}: ${r.stderr.slice(0, 300)}`);
      }
    }
    expect(bad).toEqual([]);
  });
  it('an unknown option, to every command', async () => {
    for (const cmd of ['train', 'predict', 'eval', 'stats', 'subset', 'synth', 'demo']) {
      const r = await run([cmd, '--no-such-option']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^balms ${cmd}: .*--no-such-option.*\\n$`));
    }
  });
});
