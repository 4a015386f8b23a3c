/**
 * A frozen GraphModel backbone's forward pass per photo (the part of a step on frozen features
 * that does not train): CenterNet (../shared/real/models/centernet, input 512×512) on real photos
 * of ../shared/real/lvis_val_64, to its three preset feature maps and its detections, one photo at
 * a time, as `GraphDetector.prepare` runs it. Median and mean wall time over `--photos` after one
 * warm-up; the backend is named in the output.
 *
 *   npx tsx bench/graph-forward.ts [--backend tfjs-node|wasm|cpu] [--photos N]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendPreference } from '../src/backends/index.js';
import { decodeImage } from '../src/data/image.js';
import { graphPresetSpec, loadGraphBackbone } from '../src/modeling/graph/index.js';

const { values: args } = parseArgs({ options: { backend: { type: 'string', default: 'auto' }, photos: { type: 'string', default: '8' } } });
const shared = fileURLToPath(new URL('../../shared/real/', import.meta.url));
const backend = await initBackend(args.backend as BackendPreference);
const t0 = performance.now();
const backbone = await loadGraphBackbone(join(shared, 'models/centernet/centernet.json'), graphPresetSpec('centernet'), { topK: 100 });
const loadSeconds = (performance.now() - t0) / 1000;
const dir = join(shared, 'lvis_val_64/images');
const files = readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort().slice(0, Number(args.photos) + 1);
const times: number[] = [];
for (const [i, f] of files.entries()) {
  const img = await decodeImage(readFileSync(join(dir, f)));
  const x = tf.tensor3d(Float32Array.from(img.data), [img.height, img.width, 3]);
  const s = performance.now();
  const out = await backbone.run(x);
  await Promise.all(out.features.map((t) => t.data()));
  if (i > 0) times.push((performance.now() - s) / 1000);
  tf.dispose([x, ...out.features]);
}
times.sort((a, b) => a - b);
const result = { backend, photos: times.length, loadSeconds, medianSeconds: times[times.length >> 1], meanSeconds: times.reduce((a, b) => a + b, 0) / times.length, widths: backbone.featureWidths };
process.stdout.write(JSON.stringify(result) + '\n');
backbone.dispose();
