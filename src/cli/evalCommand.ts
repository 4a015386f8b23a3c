import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { BalmsInputError } from '../util/errors.js';
import { LvisIndex, loadLvisDataset, loadResults } from '../coco/index.js';
import type { DetectionResult } from '../coco/types.js';
import { evaluateCoco, evaluateLvis, formatCocoStats, formatLvisStats } from '../eval/index.js';
import type { LvisDataset } from '../coco/types.js';
import type { BackendPreference } from '../backends/index.js';
import { loadDetectorFromCheckpoint, predictDataset, ProgressBar, testTransform } from '../engine/index.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { BACKEND_HELP, backendArg, startBackend } from './cliOptions.js';
import { imagesFromGroundTruth } from './imageInputs.js';
import { isCocoSsdCheckpoint } from '../engine/cocoSsd/index.js';
import { cocoSsdDetectionsForEval } from './cocoSsdCli.js';

const usage = `Usage: balms eval --gt GT.json --results RESULTS.json --iou-type bbox|segm [options]
       balms eval --gt GT.json --checkpoint CKPT --images DIR [--iou-type bbox|segm] [options]

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
  --iou-type TYPE      bbox or segm (required)
  --coco               COCOeval semantics (maxDets 1/10/100, iscrowd, no federated rules)
  --max-dets N         LVIS per-image cap (default 300; -1: none)
  --segm-mask-area     segm: area ranges use each mask's pixel count even when results carry a
                       bbox (detectron2's behaviour); default is lvis-api's (box area)
  --json               print one JSON object with lvis-api's (or COCOeval's) metric keys on stdout
                       (with --checkpoint and both IoU types: {"bbox": {…}, "segm": {…}})

Model options (instead of --results):
  --checkpoint FILE    trained checkpoint (last.ckpt / model_final.ckpt)
  --images DIR         folder of the ground truth's images (required with --checkpoint)
  --save-results FILE  also write the model's detections (LVIS results JSON) here
  --backend B          ${BACKEND_HELP} (default auto)
  --quiet              no progress bar
`;

interface EvalArgs {
  gt: string;
  /** A results file, or null with `model`. */
  results: string | null;
  /** Run a checkpoint over the ground truth's images instead of reading results. */
  model: { checkpoint: string; images: string; saveResults: string | null; backend: BackendPreference; quiet: boolean } | null;
  iouTypes: ('bbox' | 'segm')[];
  coco: boolean;
  maxDets: number;
  segmMaskArea: boolean;
  json: boolean;
}

function parseEvalArgs(argv: string[]): EvalArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        gt: { type: 'string' },
        results: { type: 'string' },
        'iou-type': { type: 'string' },
        coco: { type: 'boolean' },
        'max-dets': { type: 'string' },
        'segm-mask-area': { type: 'boolean' },
        json: { type: 'boolean' },
        checkpoint: { type: 'string' },
        images: { type: 'string' },
        'save-results': { type: 'string' },
        backend: { type: 'string' },
        quiet: { type: 'boolean' },
      },
      allowPositionals: false,
    });
  } catch (e) {
    throw new BalmsInputError(e instanceof Error ? e.message : String(e));
  }
  const v = parsed.values;
  if (!v.gt) throw new BalmsInputError('missing --gt FILE (see balms eval --help)');
  let model: EvalArgs['model'] = null;
  if (v.checkpoint !== undefined) {
    if (v.results !== undefined) throw new BalmsInputError('give either --results or --checkpoint, not both');
    if (!v.images) throw new BalmsInputError('--checkpoint needs --images DIR, the folder of the ground truth\'s images');
    if (!existsSync(v.checkpoint)) throw new BalmsInputError('checkpoint not found', { file: v.checkpoint, path: '--checkpoint' });
    if (!existsSync(v.images)) throw new BalmsInputError('image folder not found', { file: v.images, path: '--images' });
    model = { checkpoint: v.checkpoint, images: v.images, saveResults: v['save-results'] ?? null, backend: backendArg(v.backend) ?? 'auto', quiet: !!v.quiet };
  } else {
    if (!v.results) throw new BalmsInputError('missing --results FILE or --checkpoint FILE (see balms eval --help)');
    for (const flag of ['images', 'save-results', 'backend'] as const) {
      if (v[flag] !== undefined) throw new BalmsInputError(`--${flag} applies with --checkpoint only`);
    }
  }
  const iouType = v['iou-type'];
  if (iouType !== 'bbox' && iouType !== 'segm' && !(model && iouType === undefined)) {
    throw new BalmsInputError(iouType === undefined ? 'missing --iou-type bbox|segm' : `--iou-type: expected bbox or segm, got '${iouType}'`);
  }
  const maxDets = v['max-dets'] === undefined ? 300 : Number(v['max-dets']);
  if (!Number.isSafeInteger(maxDets)) throw new BalmsInputError(`--max-dets: expected an integer, got '${v['max-dets']}'`);
  if (v.coco && v['max-dets'] !== undefined) throw new BalmsInputError('--max-dets applies to LVIS evaluation only (COCO uses 1/10/100)');
  const iouTypes: EvalArgs['iouTypes'] = iouType === undefined ? ['bbox', 'segm'] : [iouType];
  return { gt: v.gt, results: v.results ?? null, model, iouTypes, coco: !!v.coco, maxDets, segmMaskArea: !!v['segm-mask-area'], json: !!v.json };
}

/** Where the detections come from: a results file, or a checkpoint run over the ground truth's images. */
async function loadDetections(args: EvalArgs, index: LvisIndex, gt: LvisDataset): Promise<DetectionResult[]> {
  if (!args.model) return loadResults(args.results!, index, { allowUnknownCategories: true });
  const m = args.model;
  if (isCocoSsdCheckpoint(m.checkpoint)) return keepKnown(await cocoSsdDetectionsForEval(m.checkpoint, gt, args.gt, m.images, m.backend, m.quiet), m.saveResults, index);
  const backend = await startBackend(m.backend);
  const loaded = loadDetectorFromCheckpoint(m.checkpoint);
  try {
    const dataset = imagesFromGroundTruth(gt, m.images, loaded.categories, args.gt);
    log(`running the checkpoint (iteration ${loaded.iteration}, ${loaded.categories.length} classes) over ${gt.images.length} images on ${backend}`);
    const bar = new ProgressBar({ label: 'predict', total: dataset.size, quiet: m.quiet });
    const preds = await predictDataset(loaded.detector, dataset, {
      transform: testTransform(loaded.config),
      categoryIds: loaded.categories.map((c) => c.id),
      onProgress: (done) => bar.update(done),
    });
    bar.finish();
    if (m.saveResults) writeFileAtomic(m.saveResults, JSON.stringify(preds.results) + '\n');
    const known = preds.results.filter((r) => index.hasCategory(r.category_id)).length;
    if (known < preds.results.length) log(`${preds.results.length - known} detections of categories not in the ground truth are not evaluated`);
    return preds.results;
  } finally {
    loaded.detector.dispose();
  }
}

function keepKnown(results: DetectionResult[], saveResults: string | null, index: LvisIndex): DetectionResult[] {
  if (saveResults) writeFileAtomic(saveResults, JSON.stringify(results) + '\n');
  const known = results.filter((r) => index.hasCategory(r.category_id)).length;
  if (known < results.length) log(`${results.length - known} detections of categories not in the ground truth are not evaluated`);
  return results;
}

function log(msg: string): void {
  process.stderr.write(`balms eval: ${msg}\n`);
}

export const evalCommand: Command = {
  name: 'eval',
  summary: 'LVIS (lvis-api-exact) or COCO (COCOeval-exact) bbox / segm evaluation of a results file',
  usage,
  async run(argv) {
    const args = parseEvalArgs(argv);
    const t0 = performance.now();
    const gt = await loadLvisDataset(args.gt, { format: args.coco ? 'coco' : 'lvis' });
    const index = new LvisIndex(gt);
    const results = await loadDetections(args, index, gt);
    const t1 = performance.now();
    log(`loaded ${gt.images.length} images, ${gt.categories.length} categories, ${results.length} detections in ${((t1 - t0) / 1000).toFixed(2)} s`);
    if (!results.length) throw new BalmsInputError('the model made no detections on these images: nothing to evaluate');
    // A model without a mask head has no segm results: evaluate what it has when no type was asked for.
    const types = args.model && args.iouTypes.length > 1 && !results.some((r) => r.segmentation) ? args.iouTypes.filter((t) => t === 'bbox') : args.iouTypes;
    const stats: Record<string, unknown> = {};
    for (const iouType of types) {
      const t = performance.now();
      const segmAreaFromBbox = iouType === 'segm' && args.segmMaskArea ? false : undefined;
      let text: string;
      if (args.coco) {
        const r = evaluateCoco(gt, results, { iouType, segmAreaFromBbox });
        stats[iouType] = r.stats;
        text = formatCocoStats(r);
      } else {
        const r = evaluateLvis(gt, results, { iouType, maxDets: args.maxDets, segmAreaFromBbox });
        stats[iouType] = r.stats;
        text = formatLvisStats(r);
      }
      log(`evaluated (${args.coco ? 'COCOeval' : 'lvis-api'} semantics, ${iouType}) in ${((performance.now() - t) / 1000).toFixed(2)} s`);
      if (!args.json) process.stdout.write((types.length > 1 ? `${iouType}:\n` : '') + text);
    }
    if (args.json) process.stdout.write(JSON.stringify(types.length > 1 ? stats : stats[types[0]!]) + '\n');
    return 0;
  },
};
