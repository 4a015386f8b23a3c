/**
 * The evaluator in a browser: `evaluateLvis` in headless Chromium (bundled from `balms/eval`) against
 * the same call in Node, on bench/eval.ts's generated LVIS-scale case (1,000 images, 1,203
 * long-tailed categories, 300 detections per image with boxes and masks), bbox and segm; and the
 * bundle sizes (the evaluator alone, the mask API alone, the view page's scripts).
 *
 *   npx tsx bench/browser-eval.ts [--quick]   (--quick: 100 images)
 *
 * Timed on both sides: `evaluateLvis(gt, results)` on already-parsed JSON, the first run (cold) and
 * a second (warm). Needs /usr/bin/chromium (or BALMS_CHROMIUM). Writes bench/results/browser-eval.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { buildView } from '../scripts/buildView.js';
import { evaluateLvis } from '../src/eval/index.js';
import { writeFileAtomic } from '../src/util/atomicWrite.js';
import { makeEvalCase } from './evalData.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');
const numImages = quick ? 100 : 1000;
const work = mkdtempSync(join(os.tmpdir(), 'balms-bench-browser-'));

async function bundleSize(entry: string): Promise<{ bytes: number; gzip: number }> {
  const r = await build({ absWorkingDir: ROOT, entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', minify: true, write: false, logLevel: 'silent' });
  const text = r.outputFiles[0]!.contents;
  return { bytes: text.byteLength, gzip: gzipSync(text).byteLength };
}

const sizes = {
  'balms/eval': await bundleSize('src/entries/eval.ts'),
  'balms/mask': await bundleSize('src/entries/mask.ts'),
  'balms/eval + balms/mask': await bundleSize('test/browser/harness/evalHarness.ts'),
};
const view = await buildView(join(work, 'view'));

const c = makeEvalCase(0, numImages, 1203, 300);
const gtText = JSON.stringify(c.gt);
const resultsText = JSON.stringify(c.results);

function nodeTimes(iouType: 'bbox' | 'segm'): { coldS: number; warmS: number; AP: number } {
  const times: number[] = [];
  let AP = 0;
  for (let i = 0; i < 2; i++) {
    const gt = JSON.parse(gtText), results = JSON.parse(resultsText);
    const t0 = performance.now();
    AP = evaluateLvis(gt, results, { iouType }).stats.AP;
    times.push((performance.now() - t0) / 1000);
  }
  return { coldS: times[0]!, warmS: times[1]!, AP };
}

const page = await build({
  absWorkingDir: ROOT,
  stdin: {
    contents: `import { evaluateLvis } from './src/entries/eval.ts';
      window.runEval = (gtText, resultsText, iouType) => { const gt = JSON.parse(gtText), results = JSON.parse(resultsText);
        const t0 = performance.now(); const AP = evaluateLvis(gt, results, { iouType }).stats.AP; return { s: (performance.now() - t0) / 1000, AP }; };`,
    resolveDir: ROOT,
    loader: 'ts',
  },
  bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent',
});
const profile = mkdtempSync(join(work, 'profile-'));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: process.env['BALMS_CHROMIUM'] ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const tab = await ctx.newPage();
const chromiumVersion = await tab.evaluate(() => navigator.userAgent.match(/Chrome\/([\d.]+)/)?.[1] ?? 'unknown');
await tab.setContent('<html><body></body></html>');
await tab.addScriptTag({ content: page.outputFiles[0]!.text, type: 'module' });
await tab.waitForFunction(() => 'runEval' in window);

const rows: Record<string, unknown>[] = [];
for (const iouType of ['bbox', 'segm'] as const) {
  const node = nodeTimes(iouType);
  const br: { s: number; AP: number }[] = [];
  for (let i = 0; i < 2; i++) {
    br.push(await tab.evaluate(([g, r, t]) => (window as unknown as { runEval: (g: string, r: string, t: string) => { s: number; AP: number } }).runEval(g, r, t), [gtText, resultsText, iouType] as const));
  }
  if (br[0]!.AP !== node.AP) throw new Error(`${iouType}: AP differs (browser ${br[0]!.AP}, node ${node.AP})`);
  const row = { iouType, nodeColdS: node.coldS, nodeWarmS: node.warmS, chromiumColdS: br[0]!.s, chromiumWarmS: br[1]!.s, ratioWarm: br[1]!.s / node.warmS };
  rows.push(row);
  process.stdout.write(`${iouType}: node ${node.coldS.toFixed(2)} / ${node.warmS.toFixed(2)} s, chromium ${br[0]!.s.toFixed(2)} / ${br[1]!.s.toFixed(2)} s (cold / warm), warm ratio ${row.ratioWarm.toFixed(2)}\n`);
}
await ctx.close();
for (const [k, v] of Object.entries(sizes)) process.stdout.write(`${k.padEnd(26)} ${(v.bytes / 1024).toFixed(1)} KiB minified, ${(v.gzip / 1024).toFixed(1)} KiB gzip\n`);
for (const [k, v] of Object.entries(view.sizes)) process.stdout.write(`view ${k.padEnd(21)} ${(v / 1024).toFixed(1)} KiB\n`);

writeFileAtomic(
  join(ROOT, 'bench/results', quick ? 'browser-eval-quick.json' : 'browser-eval.json'),
  JSON.stringify({ date: new Date().toISOString(), machine: `${os.cpus().length}× ${os.cpus()[0]?.model ?? '?'}`, node: process.version, chromium: chromiumVersion, numImages, rows, sizes, viewSizes: view.sizes }, null, 2) + '\n',
);
rmSync(work, { recursive: true, force: true });
