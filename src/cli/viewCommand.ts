import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from './command.js';
import { parseCli } from './parseCli.js';
import { BalmsInputError } from '../util/errors.js';
import { startViewServer, type ViewServerOptions } from './viewServer.js';

const usage = `Usage: balms view [--gt GT.json] [--results RESULTS.json] [--images DIR] [--checkpoint CKPT] [--port P]

Serves a local page (on 127.0.0.1 only; nothing beyond this machine) that evaluates a results file
against an LVIS ground truth in the browser, with lvis-api's exact semantics: the metrics table,
APr/APc/APf, per-category AP against frequency, a sortable per-category table, and the images with
ground-truth and predicted masks side by side. Files not given here can be dropped on the page.
With --checkpoint (and --images) the page runs the trained model itself (webgl, webgpu, wasm or cpu)
and evaluates its detections.

Options:
  --gt FILE            ground-truth annotations (LVIS JSON)
  --results FILE       detections (LVIS results JSON: bbox and/or segmentation)
  --images DIR         folder of the ground truth's images (file_name, or the last part of coco_url)
  --checkpoint FILE    a 'balms train' checkpoint to run in the page (needs --images)
  --port P             port on 127.0.0.1 (default 8765; 0: any free port)
`;

const ASSETS = fileURLToPath(new URL('../view/', import.meta.url));

function parseViewArgs(argv: string[]): ViewServerOptions {
  const parsed = parseCli(argv, {
    gt: { type: 'string' },
    results: { type: 'string' },
    images: { type: 'string' },
    checkpoint: { type: 'string' },
    port: { type: 'string' },
  });
  const v = parsed.values;
  for (const flag of ['gt', 'results', 'checkpoint'] as const) {
    const p = v[flag];
    if (p !== undefined && !(existsSync(p) && statSync(p).isFile())) throw new BalmsInputError('no such file', { file: p, path: `--${flag}` });
  }
  if (v.images !== undefined && !(existsSync(v.images) && statSync(v.images).isDirectory())) {
    throw new BalmsInputError('image folder not found', { file: v.images, path: '--images' });
  }
  if (v.checkpoint !== undefined && v.images === undefined) throw new BalmsInputError("--checkpoint needs --images DIR, the folder of the ground truth's images");
  const port = v.port === undefined ? 8765 : Number(v.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new BalmsInputError(`--port: expected an integer from 0 to 65535, got '${v.port}'`);
  return { gt: v.gt, results: v.results, images: v.images, checkpoint: v.checkpoint, port, assetsDir: ASSETS };
}

export const viewCommand: Command = {
  name: 'view',
  usage,
  async run(argv) {
    const server = await startViewServer(parseViewArgs(argv));
    process.stdout.write(`balms view: serving ${server.url} (loopback only; Ctrl-C to stop)\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    return 0;
  },
};
