/**
 * Building tfjs-node's native addon (`tfjs_binding.node`) in a staging copy of the package, with npm's
 * node-gyp against the local Node headers, and installing it where the package's loader looks
 * (`lib/napi-v<N>/`, N the highest N-API version both the package and this Node support).
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { writeFileAtomic } from '../../util/atomicWrite.js';
import { BalmsInputError } from '../../util/errors.js';
import { runLogged } from './pipDownload.js';
import type { Toolchain } from './toolchain.js';

/** What the package's `binary` field says about its addon. */
export interface AddonLayout {
  moduleName: string;
  napiVersion: number;
  /** Relative to the package folder, e.g. `lib/napi-v8`. */
  modulePath: string;
}

/** The addon's name, N-API version and folder from the package.json at `pkgDir`. */
export function addonLayout(pkgDir: string, nodeNapi = Number(process.versions.napi)): AddonLayout {
  const pj = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { binary?: { module_name?: string; module_path?: string; napi_versions?: number[] } };
  const b = pj.binary;
  if (!b?.module_name || !b.module_path || !b.napi_versions?.length) throw new BalmsInputError(`${pkgDir}/package.json has no node-pre-gyp "binary" field; is it @tensorflow/tfjs-node?`);
  const usable = b.napi_versions.filter((v) => v <= nodeNapi);
  if (!usable.length) throw new BalmsInputError(`this Node supports N-API ${nodeNapi}, older than every version the package builds for (${b.napi_versions.join(', ')})`);
  const napiVersion = Math.max(...usable);
  const modulePath = b.module_path.replace('{napi_build_version}', String(napiVersion)).replace(/^\.\//, '');
  return { moduleName: b.module_name, napiVersion, modulePath };
}

/** The build record balms writes into a package it built. */
export const RECORD_FILE = 'balms-native.json';

/** Copies the package to `stagingDir`, leaving out what a build replaces (deps/, build/, lib/, balms/, the record). */
export function stagePackage(pkgDir: string, stagingDir: string): void {
  const skip = new Set(['deps', 'build', 'lib', 'balms', RECORD_FILE].map((d) => join(pkgDir, d)));
  cpSync(pkgDir, stagingDir, { recursive: true, filter: (src) => !skip.has(src) });
}

/** The binding's C/C++ sources and headers. */
function bindingSources(pkgDir: string): string[] {
  const dir = join(pkgDir, 'binding');
  if (!existsSync(dir)) throw new BalmsInputError(`${pkgDir} has no binding/ sources; is it @tensorflow/tfjs-node?`);
  return readdirSync(dir).filter((f) => /\.(cc|h)$/.test(f)).map((f) => readFileSync(join(dir, f), 'utf8'));
}

/** The TensorFlow headers the binding includes (`#include "tensorflow/…"`). */
export function bindingHeaderSeeds(pkgDir: string): string[] {
  const seeds = new Set<string>();
  for (const src of bindingSources(pkgDir)) {
    for (const m of src.matchAll(/^\s*#\s*include\s+"((?:tensorflow|tsl|xla)\/[^"]+)"/gm)) seeds.add(m[1]!);
  }
  return [...seeds].sort();
}

/** The TensorFlow C-API functions the binding calls (`TF_…(` / `TFE_…(`, less its own helper classes). */
export function bindingCApiSymbols(pkgDir: string): string[] {
  const srcs = bindingSources(pkgDir);
  const own = new Set<string>();
  for (const src of srcs) for (const m of src.matchAll(/\b(?:class|struct)\s+(TFE?_\w+)/g)) own.add(m[1]!);
  const used = new Set<string>();
  for (const src of srcs) for (const m of src.matchAll(/\b(TFE?_[A-Za-z0-9]+)\s*\(/g)) if (!own.has(m[1]!)) used.add(m[1]!);
  return [...used].sort();
}

/**
 * Builds the addon in `stagingDir` (its deps/ already filled) and copies it into the module path.
 * The whole compiler output goes to `logFile`; a failure is one line naming that file.
 */
export async function buildAddon(stagingDir: string, tools: Toolchain, layout: AddonLayout, logFile: string, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<string> {
  const args = [
    tools.nodeGyp, 'rebuild', `--nodedir=${tools.nodeDir}`, `--python=${tools.python}`,
    `--napi_build_version=${layout.napiVersion}`, `--module_name=${layout.moduleName}`, `--module_path=${layout.modulePath}`,
  ];
  const buildEnv = { ...env, CXX: tools.cxx, MAKE: tools.make, PYTHON: tools.python, npm_config_python: tools.python };
  const lines: string[] = [];
  const { code, output } = await runLogged(process.execPath, args, buildEnv, (l) => {
    lines.push(l);
    if (/^(gyp info ok|  CXX|  SOLINK|  COPY)/.test(l) || /error/i.test(l)) log(l.trim());
  }, stagingDir);
  writeFileAtomic(logFile, `$ node ${args.join(' ')}\n(in ${stagingDir})\n\n${output}`);
  if (code !== 0) throw new BalmsInputError(`building the addon failed (node-gyp exit ${code}); the log is at ${logFile}`);
  const built = join(stagingDir, 'build', 'Release', `${layout.moduleName}.node`);
  if (!existsSync(built)) throw new BalmsInputError(`node-gyp succeeded but ${relative(stagingDir, built).split(sep).join('/')} is missing; the log is at ${logFile}`);
  const dest = join(stagingDir, layout.modulePath, `${layout.moduleName}.node`);
  mkdirSync(join(stagingDir, layout.modulePath), { recursive: true });
  copyFileSync(built, dest);
  rmSync(join(stagingDir, 'build'), { recursive: true, force: true }); // object files; the addon is in place
  return dest;
}
