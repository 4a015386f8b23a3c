/**
 * The `@tensorflow/tfjs-node` (or `-gpu`) npm package next to balms's `@tensorflow/tfjs`: where it
 * must live so that it shares balms's tfjs instance, whether it is installed (and at which version),
 * and installing it without its install script (which downloads from Google's storage).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { BalmsInputError } from '../../util/errors.js';
import { lastLine, findOnPath } from './toolchain.js';
import { runLogged } from './pipDownload.js';

/** The npm name of the CPU or GPU package. */
export function nativePackageName(gpu: boolean): '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu' {
  return gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
}

/** balms's `@tensorflow/tfjs`: its package folder and version. */
export function balmsTfjs(): { dir: string; version: string } {
  const req = createRequire(import.meta.url);
  const pj = req.resolve('@tensorflow/tfjs/package.json');
  const version = (JSON.parse(readFileSync(pj, 'utf8')) as { version: string }).version;
  return { dir: dirname(pj), version };
}

/**
 * The node_modules folder holding balms's `@tensorflow/tfjs` (the project's, or balms's own). A
 * tfjs-node installed there resolves the same tfjs instance as balms.
 */
export function projectNodeModules(): string {
  const dir = realpathSync(balmsTfjs().dir); // …/node_modules/@tensorflow/tfjs
  const nm = resolve(dir, '..', '..');
  if (!nm.endsWith('node_modules')) throw new BalmsInputError(`unusual layout: @tensorflow/tfjs at ${dir} is not inside a node_modules folder`);
  return nm;
}

/** The installed native package: folder and version; null when absent. */
export function installedPackage(nodeModules: string, name: string): { dir: string; version: string } | null {
  const dir = join(nodeModules, name);
  const pj = join(dir, 'package.json');
  if (!existsSync(pj)) return null;
  const version = (JSON.parse(readFileSync(pj, 'utf8')) as { version?: string }).version ?? '?';
  return { dir, version };
}

/**
 * Throws unless the package at `dir` resolves the same `@tensorflow/tfjs` and `@tensorflow/tfjs-core`
 * (which it also imports directly) as balms's tfjs: one shared tfjs instance.
 */
export function checkSharesTfjs(dir: string, name: string): void {
  const ourTfjs = balmsTfjs().dir;
  for (const [dep, ours] of [['@tensorflow/tfjs', ourTfjs], ['@tensorflow/tfjs-core', resolvedDir(join(ourTfjs, 'package.json'), '@tensorflow/tfjs-core')]] as const) {
    const theirs = resolvedDir(join(dir, 'package.json'), dep);
    if (!theirs) throw new BalmsInputError(`${name} at ${dir} cannot resolve ${dep} (install it next to balms's @tensorflow/tfjs, where npm hoists tfjs's dependencies)`);
    if (ours && theirs !== ours) {
      throw new BalmsInputError(`${name} at ${dir} resolves its own ${dep} (${theirs}), not balms's (${ours}); they would not share one tfjs instance — install matching versions in the same project`);
    }
  }
}

/** The real folder of package `dep` as seen from the module `from`, or null. */
function resolvedDir(from: string, dep: string): string | null {
  try {
    return realpathSync(dirname(createRequire(from).resolve(`${dep}/package.json`)));
  } catch {
    return null;
  }
}

/**
 * Installs `<name>@<version>` into `stagingDir` without touching the project: `npm install
 * --ignore-scripts` (so its install script, the Google-storage download, never runs) in a scratch
 * project next to the cache, then the package moves to `stagingDir` and its dependencies into
 * `stagingDir/node_modules`, except `@tensorflow/*`, which it must take from the project (one shared
 * tfjs instance). A plain `npm install` in the project would not do: npm skips a package that the
 * project lists as an optional peer.
 */
export async function npmInstallPackage(
  nodeModules: string, name: string, version: string, stagingDir: string, scratchDir: string, env: NodeJS.ProcessEnv, log: (line: string) => void,
): Promise<void> {
  const npm = findOnPath('npm', env);
  if (!npm) throw new BalmsInputError(`${name} is not installed and npm is not on PATH to install it (npm install --ignore-scripts ${name}@${version})`);
  rmSync(scratchDir, { recursive: true, force: true });
  mkdirSync(scratchDir, { recursive: true });
  try {
    writeFileSync(join(scratchDir, 'package.json'), JSON.stringify({ name: 'balms-native-scratch', private: true }) + '\n');
    const npmrc = join(dirname(nodeModules), '.npmrc'); // the project's registry settings, if any
    if (existsSync(npmrc)) copyFileSync(npmrc, join(scratchDir, '.npmrc'));
    const args = ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', `${name}@${version}`];
    log(`npm ${args.join(' ')}`);
    const { code, output } = await runLogged(npm, args, env, log, scratchDir);
    if (code !== 0) throw new BalmsInputError(`npm install ${name}@${version} failed (exit ${code}): ${lastLine(output) || 'no output'}`);
    const got = join(scratchDir, 'node_modules', name);
    if (!existsSync(join(got, 'package.json'))) throw new BalmsInputError(`npm install ${name}@${version} reported success but installed no ${name}`);
    renameSync(got, stagingDir);
    const deps = join(stagingDir, 'node_modules');
    mkdirSync(deps, { recursive: true });
    for (const entry of readdirSync(join(scratchDir, 'node_modules'))) {
      if (entry === '@tensorflow' || entry === '.bin' || entry.startsWith('.')) continue;
      renameSync(join(scratchDir, 'node_modules', entry), join(deps, entry));
    }
    const scoped = join(scratchDir, 'node_modules', '@tensorflow');
    for (const entry of existsSync(scoped) ? readdirSync(scoped) : []) {
      // @tensorflow/* other than tfjs and what it brings would be dependencies of tfjs-node's own; none are today
      if (!existsSync(join(nodeModules, '@tensorflow', entry))) {
        mkdirSync(join(deps, '@tensorflow'), { recursive: true });
        renameSync(join(scoped, entry), join(deps, '@tensorflow', entry));
      }
    }
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
  }
}
