/**
 * Fetching wheels with pip (`pip download --no-deps --only-binary=:all:`) into balms's wheel cache
 * inside the project (`node_modules/.cache/balms/wheels`), so that a second set-up downloads nothing.
 * A download lands in a temporary folder first and is moved into the cache only when pip succeeded.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BalmsInputError } from '../../util/errors.js';
import { lastLine } from './toolchain.js';
import { parseWheelName } from './wheelFile.js';

/** Normalised distribution name (PEP 503: case, and runs of `-_.` as one `_`), for matching file names. */
export function normaliseDist(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '_');
}

/** A wheel of `dist` (and `version`, when given) already in `dir`, or null. */
export function cachedWheel(dir: string, dist: string, version?: string): string | null {
  if (!existsSync(dir)) return null;
  for (const f of readdirSync(dir).sort()) {
    const w = parseWheelName(f);
    if (w && normaliseDist(w.distribution) === normaliseDist(dist) && (version === undefined || w.version === version)) return join(dir, f);
  }
  return null;
}

/**
 * Runs `python -m pip download --no-deps --only-binary=:all: <requirement>` into `cacheDir` and returns
 * the wheel's path. pip's output is passed to `log` line by line; a failure is one error line with
 * pip's last line.
 */
export async function pipDownload(python: string, requirement: string, cacheDir: string, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<string> {
  mkdirSync(cacheDir, { recursive: true });
  const tmp = mkdtempSync(join(cacheDir, '.download-'));
  try {
    const args = ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--no-cache-dir', '--disable-pip-version-check', '--progress-bar', 'off', '-d', tmp, requirement];
    const { code, output } = await runLogged(python, args, env, log);
    if (code !== 0) throw new BalmsInputError(`pip download ${requirement} failed (exit ${code}): ${lastLine(output) || 'no output'}`);
    const got = readdirSync(tmp).filter((f) => f.endsWith('.whl'));
    if (got.length !== 1) throw new BalmsInputError(`pip download ${requirement} left ${got.length} wheels, expected 1`);
    const dest = join(cacheDir, got[0]!);
    renameSync(join(tmp, got[0]!), dest);
    return dest;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Runs a program, passing each output line to `log`; resolves to its exit code and whole output. */
export function runLogged(cmd: string, args: string[], env: NodeJS.ProcessEnv, log: (line: string) => void, cwd?: string): Promise<{ code: number; output: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let pending = '';
    const onData = (b: Buffer) => {
      const s = b.toString('utf8');
      output += s;
      pending += s;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) log(l);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => resolvePromise({ code: -1, output: output + `\n${e.message}` }));
    child.on('close', (code, signal) => {
      if (pending.trim()) log(pending);
      resolvePromise({ code: code ?? (signal ? 128 : -1), output });
    });
  });
}
