import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Command } from './command.js';
import { parseCli } from './parseCli.js';
import { BalmsInputError } from '../util/errors.js';
import { LvisIndex, loadLvisDataset, loadResultColumns, columnsFromObjects, type ResultColumns } from '../coco/index.js';
import type { DetectionResult, LvisDataset } from '../coco/types.js';
import { evaluateCoco, evaluateLvis, segmAreaFromBbox, formatCocoStats, formatFixedApStats, formatLvisStats, formatPooledApStats, type CategoryEval, type CocoCategoryEval, type IouType } from '../eval/index.js';
import type { BackendPreference } from '../backends/index.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { writeJsonFileAtomic } from '../util/writeJsonAtomic.js';
import { pairThreads } from '../eval/pairThreads.js';

// The model path (--checkpoint) imports the engine, tfjs and the backends only when it runs: `eval`
// of a results file never loads them. BACKENDS must list cliOptions' BACKEND_HELP (a test checks).
const BACKENDS = 'auto|tfjs-node-gpu|tfjs-node|wasm|cpu';

const usage = `Usage: balms eval --gt GT.json --results RESULTS.json --iou-type bbox|segm|boundary [options]
       balms eval --gt GT.json --checkpoint CKPT --images DIR [--iou-type TYPE] [options]

Evaluates detections against an LVIS annotation file with lvis-api's exact semantics (per-image
top-300, federated negatives / not-exhaustive categories, AP, AP50, AP75, APs/m/l, APr/c/f, AR@300),
or with pycocotools COCOeval's semantics under --coco.

With --checkpoint the detections come from running a trained model (a 'balms train' checkpoint)
over the ground truth's images, read from --images DIR (file_name, or the last part of coco_url);
without --iou-type both bbox and segm (when the model has a mask head) are evaluated.

Options:
  --gt FILE            ground-truth annotations, LVIS (or COCO with --coco) JSON (required)
  --results FILE       detections: a JSON list of {image_id, category_id, score, bbox | segmentation}
                       (required; segmentation as compressed RLE)
  --iou-type TYPE      bbox, segm, or boundary: masks matched by min(mask IoU, boundary IoU), the
                       Boundary AP of Cheng et al. 2021 (boundary-iou-api) (required)
  --dilation-ratio R   boundary: boundary width = R × image diagonal (default 0.02)
  --metric M           standard (default); fixed: Fixed AP (Dave et al. 2021: the top K detections
                       of each category over the dataset, no per-image cap; AP keys only);
                       pooled: Pooled AP of the same paper (AP-pooled-all/r/c/f, same top K)
  --dets-per-category K  fixed / pooled: K (default 10000)
  --cat-ids IDS        evaluate these categories only (comma-separated ids; lvis-api params.cat_ids)
  --img-ids IDS        evaluate these images only (comma-separated ids; lvis-api params.img_ids)
  --per-category FILE  also write per-category AP / AP50 / AP75 / AR, GT and detection counts
                       (CSV when FILE ends in .csv, else JSON)
  --coco               COCOeval semantics (maxDets 1/10/100, iscrowd, no federated rules)
  --max-dets N         LVIS per-image cap (default 300; -1: none)
  --segm-mask-area     segm / boundary: area ranges (APs/m/l) use each mask's pixel count even when
                       results carry a bbox (detectron2's behaviour); default is lvis-api's (box
                       area). With --checkpoint the mask's pixel count is always used, as in training
  --threads N          threads for the per-(image, category) work (default: the machine's cores);
                       the metrics are identical for any N
  --json               print one JSON object with lvis-api's (or COCOeval's) metric keys on stdout
                       (with --checkpoint and several IoU types: {"bbox": {…}, "segm": {…}})

Classification (no --gt): balms eval --checkpoint CKPT [--split val|test] [--set data.root=DIR …]
  [--output DIR] [--json] [--backend B] evaluates an image classifier's checkpoint on a split of its
  run's data: top-1, many / medium / few / tail, per-class accuracy and the confusion matrix, written
  as metrics.json and report.html to --output (default: the checkpoint's folder).

Model options (instead of --results):
  --checkpoint FILE    trained checkpoint (last.ckpt / model_final.ckpt)
  --images DIR         folder of the ground truth's images (required with --checkpoint)
  --save-results FILE  also write the model's detections (LVIS results JSON) here
  --backend B          ${BACKENDS} (default auto)
  --quiet              no progress bar
`;

type Metric = 'standard' | 'fixed' | 'pooled';

interface EvalArgs {
  gt: string;
  /** A results file, or null with `model`. */
  results: string | null;
  /** Run a checkpoint over the ground truth's images instead of reading results. */
  model: { checkpoint: string; images: string; saveResults: string | null; backend: string | undefined; quiet: boolean } | null;
  iouTypes: IouType[];
  coco: boolean;
  maxDets: number | undefined;
  segmMaskArea: boolean;
  json: boolean;
  metric: Metric;
  detsPerCategory: number | undefined;
  dilationRatio: number | undefined;
  catIds: number[] | undefined;
  imgIds: number[] | undefined;
  perCategory: string | null;
  threads: number;
}

const IOU_TYPES: IouType[] = ['bbox', 'segm', 'boundary'];

function idList(flag: string, v: string | undefined): number[] | undefined {
  if (v === undefined) return undefined;
  const parts = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (!parts.length) throw new BalmsInputError(`${flag}: expected comma-separated ids, got '${v}'`);
  return parts.map((s) => {
    const x = Number(s);
    if (!Number.isSafeInteger(x)) throw new BalmsInputError(`${flag}: expected integer ids, got '${s}'`);
    return x;
  });
}

function parseEvalArgs(argv: string[]): EvalArgs {
  const parsed = parseCli(argv, {
    gt: { type: 'string' },
    results: { type: 'string' },
    'iou-type': { type: 'string' },
    'dilation-ratio': { type: 'string' },
    metric: { type: 'string' },
    'dets-per-category': { type: 'string' },
    'cat-ids': { type: 'string' },
    'img-ids': { type: 'string' },
    'per-category': { type: 'string' },
    coco: { type: 'boolean' },
    'max-dets': { type: 'string' },
    'segm-mask-area': { type: 'boolean' },
    json: { type: 'boolean' },
    threads: { type: 'string' },
    checkpoint: { type: 'string' },
    images: { type: 'string' },
    'save-results': { type: 'string' },
    backend: { type: 'string' },
    quiet: { type: 'boolean' },
  });
  const v = parsed.values;
  if (!v.gt) throw new BalmsInputError('missing --gt FILE (see balms eval --help)');
  let model: EvalArgs['model'] = null;
  if (v.checkpoint !== undefined) {
    if (v.results !== undefined) throw new BalmsInputError('give either --results or --checkpoint, not both');
    if (!v.images) throw new BalmsInputError('--checkpoint needs --images DIR, the folder of the ground truth\'s images');
    if (!existsSync(v.checkpoint)) throw new BalmsInputError('checkpoint not found', { file: v.checkpoint, path: '--checkpoint' });
    if (!existsSync(v.images)) throw new BalmsInputError('image folder not found', { file: v.images, path: '--images' });
    model = { checkpoint: v.checkpoint, images: v.images, saveResults: v['save-results'] ?? null, backend: v.backend, quiet: !!v.quiet };
  } else {
    if (!v.results) throw new BalmsInputError('missing --results FILE or --checkpoint FILE (see balms eval --help)');
    for (const flag of ['images', 'save-results', 'backend'] as const) {
      if (v[flag] !== undefined) throw new BalmsInputError(`--${flag} applies with --checkpoint only`);
    }
  }
  const iouType = v['iou-type'];
  if (!IOU_TYPES.includes(iouType as IouType) && !(model && iouType === undefined)) {
    throw new BalmsInputError(iouType === undefined ? 'missing --iou-type bbox|segm|boundary' : `--iou-type: expected bbox, segm or boundary, got '${iouType}'`);
  }
  const metric = (v.metric ?? 'standard') as Metric;
  if (!['standard', 'fixed', 'pooled'].includes(metric)) throw new BalmsInputError(`--metric: expected standard, fixed or pooled, got '${v.metric}'`);
  if (metric !== 'standard' && v.coco) throw new BalmsInputError(`--metric ${metric} is an LVIS metric: not with --coco`);
  if (metric !== 'standard' && v['max-dets'] !== undefined) throw new BalmsInputError(`--metric ${metric} has no per-image cap (it keeps the top K per category): --max-dets does not apply`);
  let detsPerCategory: number | undefined;
  if (v['dets-per-category'] !== undefined) {
    if (metric === 'standard') throw new BalmsInputError('--dets-per-category applies with --metric fixed or pooled only');
    detsPerCategory = Number(v['dets-per-category']);
    if (!/^\d+$/.test(v['dets-per-category'].trim()) || !Number.isSafeInteger(detsPerCategory) || detsPerCategory < 1) {
      throw new BalmsInputError(`--dets-per-category: expected a positive integer, got '${v['dets-per-category']}'`);
    }
  } else if (metric !== 'standard') detsPerCategory = 10000;
  let dilationRatio: number | undefined;
  if (v['dilation-ratio'] !== undefined) {
    if (iouType !== 'boundary') throw new BalmsInputError('--dilation-ratio applies with --iou-type boundary only');
    dilationRatio = Number(v['dilation-ratio']);
    if (v['dilation-ratio'].trim() === '' || !(dilationRatio > 0) || !Number.isFinite(dilationRatio)) {
      throw new BalmsInputError(`--dilation-ratio: expected a number > 0, got '${v['dilation-ratio']}'`);
    }
  }
  let maxDets: number | undefined;
  if (v['max-dets'] !== undefined) {
    maxDets = Number(v['max-dets']);
    if (!Number.isSafeInteger(maxDets) || (maxDets < 1 && maxDets !== -1)) throw new BalmsInputError(`--max-dets: expected a positive integer or -1 (no cap), got '${v['max-dets']}'`);
    if (v.coco) throw new BalmsInputError('--max-dets applies to LVIS evaluation only (COCO uses 1/10/100)');
  }
  let threads = availableParallelism();
  if (v.threads !== undefined) {
    threads = Number(v.threads);
    if (!/^\d+$/.test(v.threads.trim()) || !Number.isSafeInteger(threads) || threads < 1) throw new BalmsInputError(`--threads: expected a positive integer, got '${v.threads}'`);
  }
  const iouTypes: IouType[] = iouType === undefined ? ['bbox', 'segm'] : [iouType as IouType];
  return {
    gt: v.gt, results: v.results ?? null, model, iouTypes, coco: !!v.coco, maxDets, segmMaskArea: !!v['segm-mask-area'], json: !!v.json,
    metric, detsPerCategory, dilationRatio, catIds: idList('--cat-ids', v['cat-ids']), imgIds: idList('--img-ids', v['img-ids']),
    perCategory: v['per-category'] ?? null, threads,
  };
}

/** Where the detections come from: a results file, or a checkpoint run over the ground truth's images. */
async function loadDetections(args: EvalArgs, index: LvisIndex, gt: LvisDataset): Promise<ResultColumns> {
  if (!args.model) return loadResultColumns(args.results!, index, { allowUnknownCategories: true });
  const m = args.model;
  const { backendArg, startBackend } = await import('./cliOptions.js');
  const preference = backendArg(m.backend) ?? ('auto' as BackendPreference);
  const { loadModelFromCheckpoint, predictDataset, predictionOptionsOf, ProgressBar } = await import('../engine/index.js');
  const { imagesFromGroundTruth } = await import('./imageInputs.js');
  const backend = await startBackend(preference);
  const loaded = await loadModelFromCheckpoint(m.checkpoint);
  try {
    const dataset = imagesFromGroundTruth(gt, m.images, loaded.categories, args.gt);
    log(`running the checkpoint (iteration ${loaded.iteration}, ${loaded.categories.length} classes) over ${gt.images.length} images on ${backend}`);
    const bar = new ProgressBar({ label: 'predict', total: dataset.size, quiet: m.quiet });
    const preds = await predictDataset(loaded.detector, dataset, {
      ...predictionOptionsOf(loaded.config, loaded.categories),
      onProgress: (done) => bar.update(done),
    });
    bar.finish();
    return columnsFromObjects(keepKnown(preds.results, m.saveResults, index));
  } finally {
    loaded.detector.dispose();
  }
}

function keepKnown(results: DetectionResult[], saveResults: string | null, index: LvisIndex): DetectionResult[] {
  if (saveResults) writeJsonFileAtomic(saveResults, results);
  const known = results.filter((r) => index.hasCategory(r.category_id)).length;
  if (known < results.length) log(`${results.length - known} detections of categories not in the ground truth are not evaluated`);
  return results;
}

function log(msg: string): void {
  process.stderr.write(`balms eval: ${msg}\n`);
}

/** One IoU type evaluated: the `--json` object, the text lines, the per-category rows. */
interface Evaluated {
  stats: Record<string, number>;
  text: string;
  perCategory: (CategoryEval | CocoCategoryEval)[];
}

function evaluateOne(args: EvalArgs, gt: LvisDataset, results: ResultColumns, iouType: IouType): Evaluated {
  const pairEvaluator = args.threads > 1 ? pairThreads(args.threads) : undefined;
  // detections of a checkpoint are a model's, a results file's are scored as lvis-api would (src/eval/segmAreaConvention.ts)
  const common = { iouType, segmAreaFromBbox: segmAreaFromBbox(iouType, args.model ? 'model' : 'file', args.segmMaskArea), dilationRatio: args.dilationRatio, catIds: args.catIds, imgIds: args.imgIds, pairEvaluator };
  if (args.coco) {
    const r = evaluateCoco(gt, results, common);
    return { stats: { ...r.stats }, text: formatCocoStats(r), perCategory: r.perCategory };
  }
  const r = evaluateLvis(gt, results, { ...common, maxDets: args.maxDets, detsPerCategory: args.detsPerCategory, pooled: args.metric === 'pooled' });
  if (r.categoriesBelowK?.length) {
    log(`${r.categoriesBelowK.length} of ${r.params.catIds.length} categories have fewer than ${args.detsPerCategory} detections in the results: ` +
      `${args.metric === 'fixed' ? 'Fixed' : 'Pooled'} AP counts them short (a per-image cap upstream? Dave et al. 2021 output the top K per category)`);
  }
  if (args.metric === 'pooled') {
    const p = r.pooled!;
    return { stats: { ...p }, text: formatPooledApStats(p, args.detsPerCategory!), perCategory: r.perCategory };
  }
  if (args.metric === 'fixed') {
    const stats = Object.fromEntries(Object.entries(r.stats).filter(([k]) => k.startsWith('AP')));
    return { stats, text: formatFixedApStats(r, args.detsPerCategory!), perCategory: r.perCategory };
  }
  return { stats: { ...r.stats }, text: formatLvisStats(r), perCategory: r.perCategory };
}

const CSV_COLUMNS = ['iouType', 'id', 'name', 'frequency', 'AP', 'AP50', 'AP75', 'AR', 'numGt', 'numDt'] as const;

function csvCell(v: unknown): string {
  const s = v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** `--per-category FILE`: CSV (one row per IoU type and category) or JSON ({iouType: rows}). */
function writePerCategory(file: string, rows: Record<string, (CategoryEval | CocoCategoryEval)[]>): void {
  if (file.toLowerCase().endsWith('.csv')) {
    const lines = [CSV_COLUMNS.join(',')];
    for (const [iouType, list] of Object.entries(rows)) {
      for (const c of list) {
        const rec = { iouType, ...c } as Record<string, unknown>;
        lines.push(CSV_COLUMNS.map((k) => csvCell(rec[k])).join(','));
      }
    }
    writeFileAtomic(file, lines.join('\n') + '\n');
  } else {
    writeJsonFileAtomic(file, rows, { indent: 1 });
  }
}

export const evalCommand: Command = {
  name: 'eval',
  usage,
  async run(argv) {
    if (!argv.some((a) => a === '--gt' || a.startsWith('--gt=')) && argv.some((a) => a === '--checkpoint' || a.startsWith('--checkpoint='))) return evalClassificationCheckpoint(argv);
    const args = parseEvalArgs(argv);
    if (args.model) (await import('./cliOptions.js')).backendArg(args.model.backend); // reject a bad --backend before loading anything
    const t0 = performance.now();
    const gt = await loadLvisDataset(args.gt, { format: args.coco ? 'coco' : 'lvis' });
    const index = new LvisIndex(gt);
    for (const id of args.catIds ?? []) if (!index.hasCategory(id)) throw new BalmsInputError(`category id ${id} is not in the ground truth`, { path: '--cat-ids' });
    for (const id of args.imgIds ?? []) if (!index.imageSize(id)) throw new BalmsInputError(`image id ${id} is not in the ground truth`, { path: '--img-ids' });
    const results = await loadDetections(args, index, gt);
    const t1 = performance.now();
    log(`loaded ${gt.images.length} images, ${gt.categories.length} categories, ${results.count} detections in ${((t1 - t0) / 1000).toFixed(2)} s`);
    if (!results.count) throw new BalmsInputError('the model made no detections on these images: nothing to evaluate');
    // A model without a mask head has no segm results: evaluate what it has when no type was asked for.
    const types = args.model && args.iouTypes.length > 1 && !results.segKind.subarray(0, results.count).some((k) => k !== 0) ? args.iouTypes.filter((t) => t === 'bbox') : args.iouTypes;
    const stats: Record<string, unknown> = {};
    const perCategory: Record<string, (CategoryEval | CocoCategoryEval)[]> = {};
    for (const iouType of types) {
      const t = performance.now();
      const e = evaluateOne(args, gt, results, iouType);
      stats[iouType] = e.stats;
      perCategory[iouType] = e.perCategory;
      const what = args.metric === 'standard' ? `${args.coco ? 'COCOeval' : 'lvis-api'} semantics` : `${args.metric === 'fixed' ? 'Fixed' : 'Pooled'} AP`;
      log(`evaluated (${what}, ${iouType}) in ${((performance.now() - t) / 1000).toFixed(2)} s`);
      if (!args.json) process.stdout.write((types.length > 1 ? `${iouType}:\n` : '') + e.text);
    }
    if (args.perCategory) writePerCategory(args.perCategory, perCategory);
    if (args.json) process.stdout.write(JSON.stringify(types.length > 1 ? stats : stats[types[0]!]) + '\n');
    return 0;
  },
};

/** `balms eval --checkpoint CKPT` without `--gt`: a classification checkpoint (see the usage). */
async function evalClassificationCheckpoint(argv: string[]): Promise<number> {
  const { values: v } = parseCli(argv, { checkpoint: { type: 'string' }, split: { type: 'string' }, set: { type: 'string', multiple: true }, output: { type: 'string' }, json: { type: 'boolean' }, backend: { type: 'string' } });
  const split = v.split ?? 'test';
  if (split !== 'val' && split !== 'test') throw new BalmsInputError(`--split must be val or test, got '${split}'`);
  if (!v.checkpoint || !existsSync(v.checkpoint)) throw new BalmsInputError('checkpoint not found', { file: v.checkpoint ?? '', path: '--checkpoint' });
  const { backendArg, startBackend } = await import('./cliOptions.js');
  await startBackend(backendArg(v.backend) ?? 'auto');
  const { evalClassifierCli } = await import('./classificationCli.js');
  return evalClassifierCli({ checkpoint: v.checkpoint, split, sets: v.set ?? [], ...(v.output ? { outDir: v.output } : {}), json: !!v.json });
}
