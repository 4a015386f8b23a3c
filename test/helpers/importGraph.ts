/**
 * The static import graph of the TypeScript sources: from an entry file, every module it reaches
 * through relative imports (static, `export … from`, and dynamic `import('…')`), and the bare
 * specifiers (packages, `node:*`) each module names. Parsed with TypeScript's own pre-processor.
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export interface ModuleImports {
  /** Path relative to the repository root, e.g. `src/eval/index.ts`. */
  file: string;
  /** Bare specifiers (`@tensorflow/tfjs`, `node:fs`, `jimp`). */
  external: string[];
}

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function importsOf(abs: string): { local: string[]; external: string[] } {
  const info = ts.preProcessFile(readFileSync(abs, 'utf8'), true, true);
  const local: string[] = [];
  const external: string[] = [];
  for (const f of info.importedFiles) {
    const s = f.fileName;
    if (s.startsWith('.')) local.push(resolve(dirname(abs), s.replace(/\.js$/, '.ts')));
    else external.push(s);
  }
  return { local, external };
}

/** Every module reachable from `entries` (repository-relative paths), in discovery order. */
export function reachableModules(entries: readonly string[]): Map<string, ModuleImports> {
  const out = new Map<string, ModuleImports>();
  const stack = entries.map((e) => resolve(ROOT, e));
  while (stack.length > 0) {
    const abs = stack.pop()!;
    const file = relative(ROOT, abs);
    if (out.has(file)) continue;
    const { local, external } = importsOf(abs);
    out.set(file, { file, external });
    stack.push(...local);
  }
  return out;
}

/** The external specifiers of one file (not following its imports). */
export function externalImportsOf(file: string): string[] {
  return importsOf(resolve(ROOT, file)).external;
}
