/**
 * The source folders import one way (docs/architecture.md):
 *   cli → engine → modeling · data · eval · report → meta · solver → losses · sampling · coco → tfjs
 * with util and backends serving every layer. A folder may import a folder of a lower rank; within
 * one rank only the edges listed in SIBLING_EDGES (each with its reason). Type-only imports count.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dependenciesOf, ROOT } from './helpers/importGraph.js';

/** Rank of each top-level folder of src/ (higher imports lower). */
const RANK: Record<string, number> = {
  util: 0,
  backends: 1,
  losses: 2,
  sampling: 2,
  coco: 2,
  meta: 3,
  solver: 3,
  modeling: 4,
  data: 4,
  eval: 4,
  report: 4,
  engine: 5,
  cli: 6,
  // the package's subpath entries and the `balms view` page sit on top, beside the CLI
  entries: 6,
  browser: 6,
};

/** Imports allowed within one rank, `from → to`. */
const SIBLING_EDGES = new Set([
  // the meta learners' look-ahead differentiates through the solver's SGD step (InnerStep, CLIP_EPS)
  'meta → solver',
  // the samplers index LVIS images by category
  'sampling → coco',
  // the report draws evaluation results
  'report → eval',
  // the graph detector normalises pixels as the data pipeline does (data/normalize.ts)
  'modeling → data',
  // the CLI's view server speaks the page's protocol
  'cli → browser',
]);

function folderOf(file: string): string | null {
  const m = /^src\/([^/]+)\//.exec(file);
  return m ? m[1]! : null;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sourceFiles(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );
}

/** `file imports target` lines that go the wrong way. */
function wrongWay(files: string[], deps: (f: string) => string[]): string[] {
  const out: string[] = [];
  for (const file of files) {
    const from = folderOf(file);
    if (!from) continue;
    for (const dep of deps(file)) {
      const to = folderOf(dep);
      if (!to || to === from) continue;
      const rf = RANK[from], rt = RANK[to];
      if (rf === undefined || rt === undefined) out.push(`${file} → ${dep}: a folder without a rank`);
      else if (rt > rf || (rt === rf && !SIBLING_EDGES.has(`${from} → ${to}`))) out.push(`${file} imports ${dep}`);
    }
  }
  return out;
}

describe('layers', () => {
  const files = sourceFiles('src');

  it('every folder of src/ has a rank', () => {
    const folders = [...new Set(files.map(folderOf).filter((f): f is string => f !== null))].sort();
    expect(folders.filter((f) => RANK[f] === undefined)).toEqual([]);
  });

  it('no source file imports against the layers', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(wrongWay(files, dependenciesOf)).toEqual([]);
  });

  it('the check fails a wrong-way import (sampling → losses, solver → meta, eval → engine)', () => {
    const fake: Record<string, string[]> = {
      'src/sampling/x.ts': ['src/losses/balancedSoftmax.ts', 'src/util/errors.ts', 'src/coco/types.ts'],
      'src/solver/y.ts': ['src/meta/adam.ts'],
      'src/eval/z.ts': ['src/engine/index.ts'],
      'src/meta/ok.ts': ['src/losses/balancedSoftmax.ts', 'src/solver/innerStep.ts', 'src/sampling/itemClasses.ts'],
    };
    expect(wrongWay(Object.keys(fake), (f) => fake[f]!)).toEqual([
      'src/sampling/x.ts imports src/losses/balancedSoftmax.ts',
      'src/solver/y.ts imports src/meta/adam.ts',
      'src/eval/z.ts imports src/engine/index.ts',
    ]);
  });

  it('the walker sees type-only imports (src/engine/runCheckpoint.ts names meta/ for a type)', () => {
    expect(dependenciesOf('src/engine/runCheckpoint.ts')).toContain('src/meta/index.ts');
  });
});
