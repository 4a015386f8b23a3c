import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DetectionResult } from '../../src/coco/index.js';
import { decodeImageFile } from '../../src/data/index.js';
import { RUN_FILES, readMetricsLog } from '../../src/engine/index.js';
import { evalCommand } from '../../src/cli/evalCommand.js';
import { imagesFromFiles } from '../../src/cli/imageInputs.js';
import { predictCommand } from '../../src/cli/predictCommand.js';
import { statsCommand } from '../../src/cli/statsCommand.js';
import { subsetCommand } from '../../src/cli/subsetCommand.js';
import { trainCommand } from '../../src/cli/trainCommand.js';
import { runCli, runInProcess, type CliResult } from '../helpers/runCli.js';
import { tinyTrainOverrides } from '../helpers/tinyTrainConfig.js';
import { withOrientation } from '../helpers/exifJpeg.js';
import { expectCliInputError as expectInputError, inputErrorOfAsync as inputError } from '../helpers/inputErrors.js';

const root = mkdtempSync(join(tmpdir(), 'balms-cli-model-'));
const data = join(root, 'synth');
const trainJson = join(data, 'lvis_synth_train.json');
const valJson = join(data, 'lvis_synth_val.json');
const valDir = join(data, 'val');
const out = join(root, 'run');
const ckpt = join(out, RUN_FILES.final);
const configFile = join(root, 'tiny.json');

function ok(r: CliResult): CliResult {
  if (r.code !== 0) throw new Error(`exit ${r.code}\n${r.stderr}`);
  return r;
}

function byImage(results: DetectionResult[]): Map<number, DetectionResult[]> {
  const m = new Map<number, DetectionResult[]>();
  for (const r of results) m.set(r.image_id, [...(m.get(r.image_id) ?? []), r]);
  return m;
}

beforeAll(() => {
  ok(runCli(['synth', '--out', data, '--categories', '4', '--train-images', '16', '--val-images', '6', '--size', '64', '--json']));
  const cfg = tinyTrainOverrides('unused', '', {
    data: { synth: { enabled: false }, trainAnnotations: trainJson, trainImageDir: join(data, 'train'), valAnnotations: valJson, valImageDir: valDir },
    solver: { maxIter: 2, warmupIters: 1, steps: [1] },
  });
  writeFileSync(configFile, JSON.stringify(cfg));
});

describe('balms train / predict / eval --checkpoint on the tiny synthetic dataset', () => {
  let metricsEval: { bbox: Record<string, number>; segm: Record<string, number> };

  it('train writes the run and prints a JSON summary with the val evaluation', () => {
    const r = ok(runCli(['train', '--config', configFile, '--output', out, '--backend', 'cpu', '--quiet', '--json', '--set', 'log.period=1']));
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const s = JSON.parse(lines[0]!);
    expect(s).toMatchObject({ iteration: 2, finished: true, checkpoint: ckpt, backend: 'cpu' });
    expect(s.evaluation.images).toBe(6);
    for (const f of Object.values(RUN_FILES)) expect(existsSync(join(out, f)), f).toBe(true);
    expect(JSON.parse(readFileSync(join(out, RUN_FILES.config), 'utf8')).outputDir).toBe(out);
    const recs = readMetricsLog(join(out, RUN_FILES.metrics));
    expect(recs.filter((x) => typeof x['total_loss'] === 'number').map((x) => x['iteration'])).toEqual([1, 2]);
    metricsEval = recs.find((x) => x['eval'])!['eval'] as typeof metricsEval;
    expect(s.evaluation.bbox).toEqual(metricsEval.bbox);
    expect(r.stderr).toContain('balms train: backend cpu');
  });

  it('predict writes LVIS results with the ground truth\'s image ids, and PNG overlays', async () => {
    const pred = join(root, 'pred');
    const r = ok(runCli(['predict', '--checkpoint', ckpt, '--images', valDir, '--gt', valJson, '--out', pred, '--overlays', '--overlay-score', '0', '--backend', 'cpu', '--quiet']));
    const summary = JSON.parse(r.stdout.trim());
    const results = JSON.parse(readFileSync(join(pred, 'results.json'), 'utf8')) as DetectionResult[];
    expect(summary.detections).toBe(results.length);
    expect(results.length).toBeGreaterThan(0);
    const gt = JSON.parse(readFileSync(valJson, 'utf8')) as { images: { id: number }[]; categories: { id: number }[] };
    const gtIds = new Set(gt.images.map((im) => im.id));
    expect(results.every((d) => gtIds.has(d.image_id) && d.category_id >= 1 && d.category_id <= 4 && d.segmentation?.size.join() === '64,64')).toBe(true);
    const overlays = readdirSync(join(pred, 'overlays'));
    expect(overlays).toHaveLength(6);
    const images = JSON.parse(readFileSync(join(pred, 'images.json'), 'utf8')) as { id: number; file: string }[];
    const first = images.find((im) => results.some((d) => d.image_id === im.id))!;
    const drawn = await decodeImageFile(join(pred, 'overlays', first.file.split('/').pop()!));
    const orig = await decodeImageFile(first.file);
    expect([drawn.height, drawn.width]).toEqual([64, 64]);
    expect(Buffer.from(drawn.data).equals(Buffer.from(orig.data))).toBe(false);

    // the same detections through `balms eval` on the results file
    const e = await runInProcess(evalCommand, ['--gt', valJson, '--results', join(pred, 'results.json'), '--iou-type', 'bbox', '--json']);
    expect(e.code).toBe(0);
    expect(JSON.parse(e.stdout)).toEqual(metricsEval.bbox);
  });

  it('predict stops on a truncated JPEG, or on a --gt image whose EXIF orientation turns it off its record, with exit 2 and one line naming the file', () => {
    const bad = join(root, 'bad-images');
    mkdirSync(bad, { recursive: true });
    const jpg = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'data', 'images', 'baseline.jpg'));
    writeFileSync(join(bad, 'cut.jpg'), jpg.subarray(0, jpg.length >> 1));
    // After the backend starts, tfjs's own "install the node backend" banner may precede balms's line.
    const oneLine = (r: CliResult, re: RegExp) => {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      const ours = r.stderr.trimEnd().split('\n').filter((l) => l.startsWith('balms '));
      expect(ours).toHaveLength(1);
      expect(ours[0]).toMatch(re);
    };
    oneLine(runCli(['predict', '--checkpoint', ckpt, '--images', join(bad, 'cut.jpg'), '--out', join(root, 'pred-bad'), '--backend', 'cpu', '--quiet']), /^balms predict: .*cut\.jpg: cannot decode image: truncated JPEG/);
    // baseline.jpg is 48×32 stored; tagged orientation 6 it is 32×48 upright, but this ground truth says 48×32
    writeFileSync(join(bad, 'turned.jpg'), withOrientation(jpg, 6));
    const gtFile = join(bad, 'gt.json');
    writeFileSync(gtFile, JSON.stringify({ images: [{ id: 7, file_name: 'turned.jpg', width: 48, height: 32 }], annotations: [], categories: [{ id: 1, name: 'a' }] }));
    oneLine(
      runCli(['predict', '--checkpoint', ckpt, '--images', join(bad, 'turned.jpg'), '--gt', gtFile, '--out', join(root, 'pred-bad'), '--backend', 'cpu', '--quiet']),
      /^balms predict: .*turned\.jpg.*EXIF orientation 6 .*annotations must be in the upright frame/,
    );
  });

  it('eval --checkpoint --images runs the model over the ground truth and reproduces the training-time evaluation', async () => {
    const saved = join(root, 'eval-results.json');
    const r = await runInProcess(evalCommand, ['--gt', valJson, '--checkpoint', ckpt, '--images', valDir, '--json', '--backend', 'cpu', '--quiet', '--save-results', saved]);
    expect(r.code).toBe(0);
    const stats = JSON.parse(r.stdout);
    expect(stats).toEqual({ bbox: metricsEval.bbox, segm: metricsEval.segm });
    const predicted = JSON.parse(readFileSync(join(root, 'pred', 'results.json'), 'utf8')) as DetectionResult[];
    expect(byImage(JSON.parse(readFileSync(saved, 'utf8')))).toEqual(byImage(predicted));
  });

  it('bad input exits 2 with one line', () => {
    expectInputError(runCli(['train', '--config', configFile, '--set', 'solver.maxIterr=3']), 'train', /solver\.maxIterr: unknown key/);
    // an inconsistent model: caught with the config, named by its key
    expectInputError(runCli(['train', '--set', 'model.fpn.enabled=false']), 'train', /--set: model\.anchors\.sizes: has 4 level(\(s\)|s), the feature pyramid has 1/);
  });

  it('bad input is an input error naming the option (in process)', async () => {
    expect((await inputError(trainCommand.run(['--backend', 'tpu']))).message).toMatch(/--backend: expected one of auto, tfjs-node-gpu/);
    expect((await inputError(trainCommand.run(['--config', join(root, 'missing.json')]))).message).toMatch(/missing\.json.*cannot read config/);
    expect((await inputError(trainCommand.run(['--set', 'loss.type=softmx']))).path).toBe('loss.type');
    expect((await inputError(trainCommand.run(['--stop-after', 'x']))).message).toMatch(/--stop-after/);
    expect((await inputError(trainCommand.run(['--bogus']))).message).toMatch(/bogus/);
    expect((await inputError(predictCommand.run(['--images', valDir, '--out', root]))).message).toMatch(/missing --checkpoint/);
    expect((await inputError(predictCommand.run(['--checkpoint', ckpt, '--out', root]))).message).toMatch(/missing --images/);
    expect((await inputError(predictCommand.run(['--checkpoint', ckpt, '--images', join(root, 'none'), '--out', root]))).message).toMatch(/none.*no such file/);
    expect((await inputError(predictCommand.run(['--checkpoint', ckpt, '--images', valDir, '--out', root, '--score-thresh', '2']))).message).toMatch(/--score-thresh: must be ≤ 1/);
    expect((await inputError(predictCommand.run(['--checkpoint', ckpt, '--images', valDir, '--out', root, '--backend', 'gpu']))).message).toMatch(/--backend/);
    expect((await inputError(predictCommand.run(['--checkpoint', configFile, '--images', valDir, '--out', root]))).message).toMatch(/not a balms checkpoint/);
    expect((await inputError(evalCommand.run(['--gt', valJson, '--checkpoint', ckpt, '--images', valDir, '--results', 'r.json']))).message).toMatch(/either --results or --checkpoint/);
    expect((await inputError(evalCommand.run(['--gt', valJson, '--results', 'r.json', '--iou-type', 'bbox', '--images', valDir]))).message).toMatch(/--images applies with --checkpoint only/);
    expect((await inputError(evalCommand.run(['--gt', valJson, '--checkpoint', ckpt, '--images', valDir, '--iou-type', 'keypoints']))).message).toMatch(/--iou-type/);
    expect((await inputError(evalCommand.run(['--gt', valJson, '--checkpoint', ckpt]))).message).toMatch(/--checkpoint needs --images/);
    expect((await inputError(evalCommand.run(['--gt', valJson, '--checkpoint', join(root, 'nope.ckpt'), '--images', valDir]))).message).toMatch(/nope\.ckpt.*checkpoint not found/);
  });

  it('images not in --gt get sequential ids after the largest ground-truth id', async () => {
    const files = readdirSync(valDir).sort().map((f) => join(valDir, f));
    const cats = [{ id: 1, name: 'a' }];
    const alone = await imagesFromFiles(files.slice(0, 2), cats);
    expect(alone.images.map((im) => [im.id, im.height, im.width, im.fromGt])).toEqual([[1, 64, 64, false], [2, 64, 64, false]]);
    const gt = JSON.parse(readFileSync(valJson, 'utf8'));
    const sub = { ...gt, images: gt.images.slice(1), annotations: [] };
    const maxId = Math.max(...sub.images.map((im: { id: number }) => im.id));
    const mixed = await imagesFromFiles(files, cats, sub);
    const byFile = new Map(gt.images.map((im: { id: number; file_name: string }) => [im.file_name, im.id]));
    expect(mixed.images[0]).toMatchObject({ id: maxId + 1, fromGt: false });
    for (const im of mixed.images.slice(1)) expect(im.id).toBe(byFile.get(im.file.split('/').pop()!));
    expect(mixed.dataset.categories.ids).toEqual(Int32Array.from([1]));
  });

  it('--help of each new command lists its options', () => {
    for (const [cmd, opts] of [[predictCommand, ['--checkpoint', '--images', '--gt', '--out', '--score-thresh', '--overlays', '--backend']], [evalCommand, ['--checkpoint', '--images', '--backend']], [trainCommand, ['--config', '--set', '--output', '--backend', '--quiet']]] as const) {
      for (const o of opts) expect(cmd.usage).toContain(o);
    }
  });
});

describe('the other commands on the tiny synthetic dataset', () => {
  it('stats and subset run on the generated LVIS files', async () => {
    const s = await runInProcess(statsCommand, ['--gt', trainJson, '--json']);
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout)).toBeTypeOf('object');
    const sub = join(root, 'sub.json');
    expect((await runInProcess(subsetCommand, ['--gt', trainJson, '--out', sub, '--images', '5'])).code).toBe(0);
    expect(JSON.parse(readFileSync(sub, 'utf8')).images).toHaveLength(5);
  });
});
