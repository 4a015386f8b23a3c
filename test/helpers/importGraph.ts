/**
 * The run-time import graph of the TypeScript sources: from an entry file, every module it reaches
 * through relative imports (static, `export … from`, and dynamic `import('…')`; type-only imports
 * load nothing and are left out), and the bare specifiers (packages, `node:*`) each module names.
 * Parsed with TypeScript's own parser.
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

/** Every relative specifier a module names: imports and re-exports, type-only ones included, and `import('…')`. */
function allRelativeSpecifiers(abs: string): string[] {
  const sf = ts.createSourceFile(abs, readFileSync(abs, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      out.push(node.arguments[0].text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out.filter((s) => s.startsWith('.'));
}

/**
 * The modules one file depends on by design (repository-relative paths): every relative import,
 * type-only ones included — a type import is a dependency of the design even if it loads nothing.
 */
export function dependenciesOf(file: string): string[] {
  const abs = resolve(ROOT, file);
  return allRelativeSpecifiers(abs).map((s) => relative(ROOT, resolve(dirname(abs), s.replace(/\.js$/, '.ts'))));
}

/** Specifiers a module loads at run time: static imports and re-exports (not type-only ones) and `import('…')`. */
function runtimeSpecifiers(abs: string): string[] {
  const sf = ts.createSourceFile(abs, readFileSync(abs, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      const typeOnly =
        !!c && (c.isTypeOnly || (!c.name && !!c.namedBindings && ts.isNamedImports(c.namedBindings) && c.namedBindings.elements.length > 0 && c.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) out.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.exportClause;
      const typeOnly = node.isTypeOnly || (!!clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) out.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      out.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function importsOf(abs: string): { local: string[]; external: string[] } {
  const local: string[] = [];
  const external: string[] = [];
  for (const s of runtimeSpecifiers(abs)) {
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
