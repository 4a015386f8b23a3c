import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { BalmsInputError } from '../util/errors.js';
import { LvisIndex, loadLvisDataset, loadResults } from '../coco/index.js';
import type { DetectionResult } from '../coco/types.js';
import { evaluateCoco, evaluateLvis, formatCocoStats, formatLvisStats } from '../eval/index.js';

const usage = `Usage: balms eval --gt GT.json --results RESULTS.json --iou-type bbox|segm [options]

Evaluates detections against an LVIS annotation file with lvis-api's exact semantics (per-image
top-300, federated negatives / not-exhaustive categories, AP, AP50, AP75, APs/m/l, APr/c/f, AR@300),
or with pycocotools COCOeval's semantics under --coco.

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
`;

interface EvalArgs {
  gt: string;
  results: string;
  iouType: 'bbox' | 'segm';
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
      },
      allowPositionals: false,
    });
  } catch (e) {
    throw new BalmsInputError(e instanceof Error ? e.message : String(e));
  }
  const v = parsed.values;
  if (!v.gt) throw new BalmsInputError('missing --gt FILE (see balms eval --help)');
  if (!v.results) throw new BalmsInputError('missing --results FILE (see balms eval --help)');
  const iouType = v['iou-type'];
  if (iouType !== 'bbox' && iouType !== 'segm') {
    throw new BalmsInputError(iouType === undefined ? 'missing --iou-type bbox|segm' : `--iou-type: expected bbox or segm, got '${iouType}'`);
  }
  const maxDets = v['max-dets'] === undefined ? 300 : Number(v['max-dets']);
  if (!Number.isSafeInteger(maxDets)) throw new BalmsInputError(`--max-dets: expected an integer, got '${v['max-dets']}'`);
  if (v.coco && v['max-dets'] !== undefined) throw new BalmsInputError('--max-dets applies to LVIS evaluation only (COCO uses 1/10/100)');
  return { gt: v.gt, results: v.results, iouType, coco: !!v.coco, maxDets, segmMaskArea: !!v['segm-mask-area'], json: !!v.json };
}

/** Where the detections come from (a results file today). */
async function loadDetections(args: EvalArgs, index: LvisIndex): Promise<DetectionResult[]> {
  return loadResults(args.results, index, { allowUnknownCategories: true });
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
    const results = await loadDetections(args, index);
    const t1 = performance.now();
    log(`loaded ${gt.images.length} images, ${gt.categories.length} categories, ${results.length} detections in ${((t1 - t0) / 1000).toFixed(2)} s`);
    const segmAreaFromBbox = args.iouType === 'segm' && args.segmMaskArea ? false : undefined;
    if (args.coco) {
      const r = evaluateCoco(gt, results, { iouType: args.iouType, segmAreaFromBbox });
      log(`evaluated (COCOeval semantics, ${args.iouType}) in ${((performance.now() - t1) / 1000).toFixed(2)} s`);
      process.stdout.write(args.json ? JSON.stringify(r.stats) + '\n' : formatCocoStats(r));
    } else {
      const r = evaluateLvis(gt, results, { iouType: args.iouType, maxDets: args.maxDets, segmAreaFromBbox });
      log(`evaluated (lvis-api semantics, ${args.iouType}) in ${((performance.now() - t1) / 1000).toFixed(2)} s`);
      process.stdout.write(args.json ? JSON.stringify(r.stats) + '\n' : formatLvisStats(r));
    }
    return 0;
  },
};
