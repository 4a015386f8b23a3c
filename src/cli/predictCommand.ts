import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from './command.js';
import { loadLvisDataset } from '../coco/index.js';
import { loadModelFromCheckpoint, predictDataset, predictionOptionsOf, ProgressBar } from '../engine/index.js';
import { writeJsonFileAtomic } from '../util/writeJsonAtomic.js';
import { BalmsInputError } from '../util/errors.js';
import { BACKEND_HELP, backendArg, numberArg, parseCli, startBackend } from './cliOptions.js';
import { collectImageFiles, imagesFromFiles } from './imageInputs.js';
import { writeOverlays } from './overlayFiles.js';

const usage = `Usage: balms predict --checkpoint CKPT --images DIR|FILE [--images …] --out DIR [options]

Runs a trained detector (a checkpoint written by 'balms train': last.ckpt or model_final.ckpt,
which holds the model config and the training categories) over images and writes
DIR/results.json: LVIS/COCO results records {image_id, category_id, score, bbox [x,y,w,h],
segmentation (compressed RLE)} in the original image frame, ready for 'balms eval --results'.
DIR/images.json lists {id, file, height, width} of every image.

Image ids: an image whose file name matches an image of --gt takes that image's id (and its size
is checked against it); every other image gets a sequential id after the largest --gt image id
(1, 2, 3, … without --gt), in the order given (a folder's files sorted by name).

Options:
  --checkpoint FILE    checkpoint to load (required)
  --images PATH        an image file, or a folder whose image files (${'png jpg jpeg bmp gif tif'}) are
                       used (repeatable; further image paths may follow as arguments)
  --out DIR            output folder (required)
  --gt FILE            LVIS/COCO annotations whose image ids and sizes the images take
  --score-thresh S     keep detections scoring at least S (default: the checkpoint's
                       model.roiHeads.scoreThreshold, 1e-4 for LVIS evaluation)
  --max-dets N         detections kept per image (default: the checkpoint's, 300)
  --overlays           also write DIR/overlays/<image>.png: masks, outlines and boxes drawn
  --overlay-score S    overlays draw detections scoring at least S (default 0.5)
  --backend B          ${BACKEND_HELP} (default auto)
  --quiet              no progress bar
`;

export const predictCommand: Command = {
  name: 'predict',
  usage,
  async run(argv) {
    const { values: v, positionals } = parseCli(
      argv,
      {
        checkpoint: { type: 'string' },
        images: { type: 'string', multiple: true },
        out: { type: 'string' },
        gt: { type: 'string' },
        'score-thresh': { type: 'string' },
        'max-dets': { type: 'string' },
        overlays: { type: 'boolean' },
        'overlay-score': { type: 'string' },
        backend: { type: 'string' },
        quiet: { type: 'boolean' },
      },
      true,
    );
    if (!v.checkpoint) throw new BalmsInputError('missing --checkpoint FILE (see balms predict --help)');
    if (!v.out) throw new BalmsInputError('missing --out DIR (see balms predict --help)');
    const imageArgs = [...(v.images ?? []), ...positionals];
    if (!imageArgs.length) throw new BalmsInputError('missing --images DIR|FILE (see balms predict --help)');
    const scoreThreshold = v['score-thresh'] === undefined ? undefined : numberArg('--score-thresh', v['score-thresh'], { min: 0, max: 1 });
    const maxDets = v['max-dets'] === undefined ? undefined : numberArg('--max-dets', v['max-dets'], { min: 1 });
    if (maxDets !== undefined && !Number.isInteger(maxDets)) throw new BalmsInputError(`--max-dets: expected a positive integer, got '${v['max-dets']}'`);
    const overlayScore = v['overlay-score'] === undefined ? 0.5 : numberArg('--overlay-score', v['overlay-score'], { min: 0, max: 1 });
    const backend = backendArg(v.backend) ?? 'auto';
    if (!existsSync(v.checkpoint)) throw new BalmsInputError('checkpoint not found', { file: v.checkpoint, path: '--checkpoint' });
    const files = collectImageFiles(imageArgs);
    const gt = v.gt ? await loadLvisDataset(v.gt) : undefined;
    const chosen = await startBackend(backend);
    const loaded = await loadModelFromCheckpoint(v.checkpoint, { scoreThreshold, detectionsPerImage: maxDets });
    const log = (s: string) => process.stderr.write(`balms predict: ${s}\n`);
    try {
      const inputs = await imagesFromFiles(files, loaded.categories, gt);
      const fromGt = inputs.images.filter((im) => im.fromGt).length;
      log(`backend ${chosen}, checkpoint at iteration ${loaded.iteration}, ${loaded.categories.length} classes, ${files.length} images` + (gt ? ` (${fromGt} matched in --gt)` : ''));
      const bar = new ProgressBar({ label: 'predict', total: files.length, quiet: !!v.quiet });
      const preds = await predictDataset(loaded.detector, inputs.dataset, {
        ...predictionOptionsOf(loaded.config, loaded.categories),
        onProgress: (done) => bar.update(done),
      });
      bar.finish();
      const out = resolve(v.out);
      const resultsPath = join(out, 'results.json');
      writeJsonFileAtomic(resultsPath, preds.results);
      writeJsonFileAtomic(join(out, 'images.json'), inputs.images.map(({ id, file, height, width }) => ({ id, file, height, width })), { indent: 1 });
      let overlays = 0;
      if (v.overlays) overlays = (await writeOverlays(inputs.dataset, preds.results, join(out, 'overlays'), overlayScore)).length;
      process.stdout.write(
        JSON.stringify({ images: files.length, detections: preds.results.length, results: resultsPath, overlays: v.overlays ? join(out, 'overlays') : null, overlayImages: overlays, seconds: preds.seconds }) + '\n',
      );
      return 0;
    } finally {
      loaded.detector.dispose();
    }
  },
};
