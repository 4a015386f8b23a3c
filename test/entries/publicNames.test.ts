/**
 * The root export keeps what the documentation imports and drops internals; every
 * `import { … } from 'balms…'` in README.md and docs/ names something its entry exports.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/importGraph.js';

const ENTRY_FILES: Record<string, string> = {
  balms: '../../src/index.js',
  'balms/mask': '../../src/entries/mask.js',
  'balms/coco': '../../src/entries/coco.js',
  'balms/eval': '../../src/entries/eval.js',
  'balms/losses': '../../src/entries/losses.js',
  'balms/sampling': '../../src/entries/sampling.js',
  'balms/modeling': '../../src/entries/modeling.js',
  'balms/node': '../../src/entries/node.js',
};

function documentedImports(): { from: string; name: string; doc: string }[] {
  const docs = ['README.md', ...(existsSync(join(ROOT, 'docs')) ? readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`) : [])];
  const out: { from: string; name: string; doc: string }[] = [];
  for (const doc of docs.filter((d) => d.endsWith('.md'))) {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(balms(?:\/[a-z]+)?)'/g)) {
      for (const raw of m[1]!.split(',')) {
        const name = raw.trim().split(/\s+as\s+/)[0]!;
        // `type X` imports leave no runtime binding to check.
        if (name && name !== '…' && !name.startsWith('type ')) out.push({ from: m[2]!, name, doc });
      }
    }
  }
  return out;
}

describe('public names', () => {
  it('the root drops internals', async () => {
    const root = await import('../../src/index.js');
    for (const internal of ['selectValues', 'SEED_OFFSETS', 'getPath', 'deepMerge', 'lineColumnAt', 'checkLogitsAndLabels', 'flattenRois']) {
      expect(Object.keys(root), internal).not.toContain(internal);
    }
  });

  it('the root keeps the subpath entries, each name once', async () => {
    const root = (await import('../../src/index.js')) as Record<string, unknown>;
    for (const [spec, file] of Object.entries(ENTRY_FILES)) {
      if (spec === 'balms') continue;
      const entry = (await import(file)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(entry)) expect(root[name], `${spec} ${name}`).toBe(value);
    }
  });

  it('every name the docs import is exported by its entry', async () => {
    const uses = documentedImports();
    expect(uses.length).toBeGreaterThan(10);
    const missing: string[] = [];
    for (const u of uses) {
      const file = ENTRY_FILES[u.from];
      if (!file) {
        missing.push(`${u.doc}: unknown entry ${u.from}`);
        continue;
      }
      const entry = (await import(file)) as Record<string, unknown>;
      if (!(u.name in entry)) missing.push(`${u.doc}: ${u.name} from '${u.from}'`);
    }
    expect(missing).toEqual([]);
  });
});
