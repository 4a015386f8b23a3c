/**
 * The programs and headers building tfjs-node's addon needs, each found or reported missing in one
 * line: Python 3 (node-gyp is written in it; pip fetches the wheel), a C++ compiler and make, the
 * local Node headers (so node-gyp downloads none), and npm's own node-gyp.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, realpathSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { BalmsInputError } from '../../util/errors.js';

/** The found tools, as absolute paths (nodeDir: the folder holding include/node). */
export interface Toolchain {
  python: string;
  pythonVersion: string;
  cxx: string;
  cxxVersion: string;
  make: string;
  nodeDir: string;
  nodeGyp: string;
}

/** Where a program name is found on `env.PATH` (an absolute or relative path is taken as is), or null. */
export function findOnPath(cmd: string, env: NodeJS.ProcessEnv): string | null {
  if (cmd.includes('/')) {
    const p = resolve(cmd);
    return isExecutable(p) ? p : null;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, cmd);
    if (isExecutable(p)) return p;
  }
  return null;
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', timeout: 60_000 });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

/** The Python to use: `--python`, else `BALMS_PYTHON`, else `python3`; it must run and be Python 3. */
export function findPython(option: string | undefined, env: NodeJS.ProcessEnv): { python: string; version: string } {
  const name = option ?? env.BALMS_PYTHON ?? 'python3';
  const from = option ? '--python' : env.BALMS_PYTHON ? 'BALMS_PYTHON' : 'the default';
  const path = findOnPath(name, env);
  if (!path) throw new BalmsInputError(`no Python: '${name}' (${from}) was not found; install Python 3 or name one with --python PY or BALMS_PYTHON`);
  const r = run(path, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], env);
  if (!r.ok || !/^3\.\d+\.\d+$/.test(r.out)) throw new BalmsInputError(`no Python 3: '${path}' did not run as Python 3 (${lastLine(r.out) || 'no output'})`);
  return { python: path, version: r.out };
}

/** Checks that `python -m pip` works (needed only to download wheels). Returns pip's version. */
export function checkPip(python: string, env: NodeJS.ProcessEnv): string {
  const r = run(python, ['-m', 'pip', '--version'], env);
  const m = /^pip (\S+)/.exec(r.out);
  if (!r.ok || !m) throw new BalmsInputError(`no pip: '${python} -m pip' failed (${lastLine(r.out) || 'no output'}); install pip for it, or give the wheel with --wheel FILE`);
  return m[1]!;
}

/** The C++ compiler (`CXX`, else `c++`, `g++`, `clang++`) and make; each must answer `--version`. */
export function findCompiler(env: NodeJS.ProcessEnv): { cxx: string; cxxVersion: string; make: string } {
  const names = env.CXX ? [env.CXX] : ['c++', 'g++', 'clang++'];
  let cxx: string | null = null;
  for (const n of names) {
    cxx = findOnPath(n, env);
    if (cxx) break;
  }
  if (!cxx) throw new BalmsInputError(`no C++ compiler: ${names.join(', ')} not found on PATH; install g++ (e.g. apt install g++) or set CXX`);
  const v = run(cxx, ['--version'], env);
  if (!v.ok) throw new BalmsInputError(`no working C++ compiler: '${cxx} --version' failed (${lastLine(v.out) || 'no output'})`);
  const make = findOnPath(env.MAKE ?? 'make', env);
  if (!make) throw new BalmsInputError(`no make: '${env.MAKE ?? 'make'}' not found on PATH; install make (e.g. apt install make)`);
  return { cxx, cxxVersion: v.out.split('\n')[0]!, make };
}

/**
 * The folder whose `include/node` holds this Node's headers (node_api.h, common.gypi): `BALMS_NODEDIR`
 * or `npm_config_nodedir` when set, else next to the node executable (official builds), else /usr and
 * /usr/local (distribution packages such as Debian's libnode-dev).
 */
export function findNodeHeaders(env: NodeJS.ProcessEnv, execPath = process.execPath): string {
  const given = env.BALMS_NODEDIR ?? env.npm_config_nodedir;
  const candidates = given ? [given] : [dirname(dirname(realpathOr(execPath))), '/usr', '/usr/local'];
  for (const dir of candidates) {
    const inc = join(dir, 'include', 'node');
    if (existsSync(join(inc, 'node_api.h')) && existsSync(join(inc, 'common.gypi'))) return dir;
  }
  const where = candidates.map((d) => join(d, 'include', 'node')).join(', ');
  throw new BalmsInputError(`no Node headers: node_api.h and common.gypi not found in ${where}; install them (e.g. apt install libnode-dev, or an official Node build) or set BALMS_NODEDIR to the folder holding include/node`);
}

/** npm's bundled node-gyp: `BALMS_NODE_GYP` / `npm_config_node_gyp` when set, else next to the npm on PATH or beside node. */
export function findNodeGyp(env: NodeJS.ProcessEnv, execPath = process.execPath): string {
  const given = env.BALMS_NODE_GYP ?? env.npm_config_node_gyp;
  const candidates: string[] = given ? [given] : [];
  if (!given) {
    const npm = findOnPath('npm', env);
    if (npm) candidates.push(join(dirname(realpathOr(npm)), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
    const prefix = dirname(dirname(realpathOr(execPath)));
    candidates.push(join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  for (const c of candidates) if (isAbsolute(c) && existsSync(c)) return resolve(c);
  throw new BalmsInputError(`npm's node-gyp not found (looked at ${candidates.join(', ') || 'nothing: no npm on PATH'}); install npm, or set BALMS_NODE_GYP to node-gyp.js`);
}

/** All of the above, in the order a user would fix them. */
export function findToolchain(python: string | undefined, env: NodeJS.ProcessEnv): Toolchain {
  const py = findPython(python, env);
  const cc = findCompiler(env);
  const nodeDir = findNodeHeaders(env);
  const nodeGyp = findNodeGyp(env);
  return { python: py.python, pythonVersion: py.version, ...cc, nodeDir, nodeGyp };
}

function realpathOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** The last non-empty line of a program's output (for one-line error messages). */
export function lastLine(s: string): string {
  const lines = s.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}
