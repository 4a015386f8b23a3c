/**
 * Bundles the `balms view` page (src/browser/) with esbuild into dist/view/: `view.js` (the page,
 * no tfjs), `evalWorker.js` (the evaluator, in a Web Worker) and, split off and loaded only when a
 * checkpoint is run, the model code with tfjs. Run by `npm run build`; tests call `buildView`.
 */
import { build, type Metafile } from 'esbuild';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface BuildViewResult {
  outDir: string;
  /** Output file (relative to outDir) → bytes. */
  sizes: Record<string, number>;
}

export async function buildView(outDir: string, opts: { minify?: boolean } = {}): Promise<BuildViewResult> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { view: 'src/browser/viewApp.ts', evalWorker: 'src/browser/evalWorker.ts' },
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: opts.minify ?? true,
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
    chunkNames: 'chunk-[hash]',
  });
  return { outDir, sizes: sizesOf(result.metafile, outDir) };
}

function sizesOf(meta: Metafile, outDir: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [file, info] of Object.entries(meta.outputs)) out[relative(outDir, resolve(ROOT, file))] = info.bytes;
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outDir = process.argv[2] ?? `${ROOT}dist/view`;
  const r = await buildView(outDir);
  for (const [f, b] of Object.entries(r.sizes).sort()) process.stdout.write(`${f.padEnd(24)} ${(b / 1024).toFixed(1)} KiB\n`);
}
