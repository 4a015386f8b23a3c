/**
 * The package surface: every subpath entry except `balms/node` is free of Node built-ins (so it
 * bundles for a page), and every source module that imports one is reachable only through
 * `balms/node` or the CLI.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { externalImportsOf, reachableModules, ROOT } from '../helpers/importGraph.js';

const BROWSER_ENTRIES = ['mask', 'coco', 'eval', 'losses', 'sampling', 'modeling'].map((n) => `src/entries/${n}.ts`);
/** The `balms view` page's scripts (bundled by scripts/buildView.ts). */
const PAGE_SCRIPTS = ['src/browser/viewApp.ts', 'src/browser/evalWorker.ts'];
/** Packages that only work in Node (jimp reads files and Buffers). */
const NODE_ONLY_PACKAGES = new Set(['jimp', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']);
/** Worker and child-process scripts are started by URL or path (new Worker(url), node <script>), not imported. */
const WORKER_SCRIPTS = new Set(['src/data/imageWorker.ts', 'src/cli/nativeCheckChild.ts', 'src/eval/pairWorker.ts']);

function isNodeOnly(specifier: string): boolean {
  if (specifier.startsWith('node:')) return true;
  const bare = specifier.split('/')[0]!;
  return builtinModules.includes(specifier) || builtinModules.includes(bare) || NODE_ONLY_PACKAGES.has(specifier);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sourceFiles(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );
}

describe('package entries', () => {
  it('package.json exports each entry of src/entries/ and nothing else', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    const entryFiles = readdirSync(join(ROOT, 'src/entries')).map((f) => f.replace(/\.ts$/, '')).sort();
    const subpaths = Object.keys(pkg.exports).filter((k) => k !== '.' && k !== './package.json').map((k) => k.slice(2)).sort();
    expect(subpaths).toEqual(entryFiles);
    for (const name of subpaths) {
      expect(pkg.exports[`./${name}`]).toEqual({ types: `./dist/entries/${name}.d.ts`, import: `./dist/entries/${name}.js` });
    }
  });

  it('the walker sees node:* imports (balms/node reaches node:fs)', () => {
    const mods = reachableModules(['src/entries/node.ts']);
    const external = [...mods.values()].flatMap((m) => m.external);
    expect(external).toContain('node:fs');
  });

  for (const entry of [...BROWSER_ENTRIES, ...PAGE_SCRIPTS]) {
    it(`${entry} reaches no Node built-in`, () => {
      const mods = reachableModules([entry]);
      expect(mods.size).toBeGreaterThan(1);
      const offenders = [...mods.values()].flatMap((m) => m.external.filter(isNodeOnly).map((s) => `${m.file} imports ${s}`));
      expect(offenders).toEqual([]);
    });
  }

  it('balms/mask, balms/coco, balms/eval and the evaluation worker do not pull in tfjs', () => {
    for (const name of ['src/entries/mask.ts', 'src/entries/coco.ts', 'src/entries/eval.ts', 'src/browser/evalWorker.ts']) {
      const mods = reachableModules([name]);
      const tf = [...mods.values()].filter((m) => m.external.some((s) => s.startsWith('@tensorflow/'))).map((m) => m.file);
      expect(tf, name).toEqual([]);
    }
  });

  it('every source module importing a Node built-in is behind balms/node or the CLI', () => {
    const behind = reachableModules(['src/entries/node.ts', 'src/cli/main.ts']);
    const nodeModules = sourceFiles('src').filter((f) => externalImportsOf(f).some(isNodeOnly));
    expect(nodeModules.length).toBeGreaterThan(0);
    const stray = nodeModules.filter((f) => !behind.has(f) && !WORKER_SCRIPTS.has(f)).map((f) => relative(ROOT, join(ROOT, f)));
    expect(stray).toEqual([]);
  });
});
