/**
 * `balms setup native`: builds @tensorflow/tfjs-node (or -gpu) against the shared libraries of the
 * TensorFlow Python wheel, with no download from Google's storage. Steps: find the toolchain; get
 * the wheel (given, cached, or `pip download`); put the npm package (a copy of the installed one, or
 * one `npm install --ignore-scripts` fetched in a scratch folder) in a staging folder; extract the libraries and C-API headers
 * into the staging deps/; build the addon; check it in a child process; then swap the staging folder
 * in. Until that last rename the installed package is untouched, so a failure leaves the project as it
 * was.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../../util/atomicWrite.js';
import { writeJsonFileAtomic } from '../../util/writeJsonAtomic.js';
import { BalmsInputError } from '../../util/errors.js';
import { addonLayout, bindingCApiSymbols, bindingHeaderSeeds, buildAddon, RECORD_FILE, stagePackage } from './addonBuild.js';
import { buildStderrCapture } from './stderrCaptureAddon.js';
import { runNativeCheck, type NativeCheckReport } from './nativeCheck.js';
import { cachedWheel, normaliseDist, pipDownload } from './pipDownload.js';
import { balmsTfjs, checkSharesTfjs, installedPackage, nativePackageName, npmInstallPackage, projectNodeModules } from './tfjsNodePackage.js';
import { checkPip, findToolchain, type Toolchain } from './toolchain.js';
import {
  cudaRequirements, extractHeaders, extractLibraries, extractNvidiaLibraries, hostWheelArch, openTensorflowWheel, readWheelMetadata,
} from './wheelFile.js';

/** The TensorFlow version balms was tested with (the default of `--tf-version`). */
export const DEFAULT_TF_VERSION = '2.21.0';

/** What `balms setup native` takes. */
export interface SetupNativeOptions {
  gpu: boolean;
  /** A wheel file to use instead of downloading one. */
  wheel?: string;
  /** The TensorFlow version to download (default {@link DEFAULT_TF_VERSION}); not with `wheel`. */
  tfVersion?: string;
  python?: string;
  /** Rebuild even when the installed build matches. */
  force: boolean;
  /** The check child's script (src/cli/nativeCheckChild), and node's options to run it with (default: this process's). */
  checkScript: string;
  checkNodeArgs?: readonly string[];
  /** The project's node_modules (default: the one holding balms's @tensorflow/tfjs). */
  nodeModules?: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

/** What balms records in the built package (`balms-native.json`) and reports. */
export interface NativeBuildRecord {
  package: string;
  packageVersion: string;
  wheel: string;
  tfVersion: string;
  gpu: boolean;
  cudaWheels: string[];
  /** Bytes of deps/ (each file counted once, hard links not again). */
  depsBytes: number;
  builtAt: string;
  check: NativeCheckReport;
}

/** The result of a set-up: what was built (or found already built) and where. */
export interface SetupNativeResult {
  record: NativeBuildRecord;
  packageDir: string;
  reused: boolean;
  seconds: number;
}

export { RECORD_FILE };

/** The build record of an installed package, or null. */
export function readBuildRecord(pkgDir: string): NativeBuildRecord | null {
  try {
    return JSON.parse(readFileSync(join(pkgDir, RECORD_FILE), 'utf8')) as NativeBuildRecord;
  } catch {
    return null;
  }
}

/** Runs the whole set-up; every expected failure is a {@link BalmsInputError} of one line. */
export async function setupNative(o: SetupNativeOptions): Promise<SetupNativeResult> {
  const t0 = Date.now();
  const env = o.env ?? process.env;
  const log = o.log ?? (() => {});
  if (!hostWheelArch()) throw new BalmsInputError(`setup native supports Linux on x86_64 and aarch64 only (this is ${process.platform} ${process.arch})`);
  if (o.wheel !== undefined && o.tfVersion !== undefined) throw new BalmsInputError('give either --wheel or --tf-version, not both (the wheel fixes the version)');
  const name = nativePackageName(o.gpu);
  const nodeModules = o.nodeModules ?? projectNodeModules();
  const cacheDir = join(nodeModules, '.cache', 'balms');

  // 1. the toolchain (every piece, before anything is downloaded or written)
  const tools = findToolchain(o.python, env);
  // 2. the wheel: a given file, else the cache, else pip (a bad given wheel, or no pip, fails before any output)
  const dist = o.gpu ? 'tensorflow' : 'tensorflow-cpu';
  const tfVersion = o.tfVersion ?? DEFAULT_TF_VERSION;
  const given = o.wheel === undefined ? null : openTensorflowWheel(o.wheel);
  const cached = given ? null : cachedWheel(join(cacheDir, 'wheels'), dist, tfVersion);
  const pipVersion = given || cached ? null : checkPip(tools.python, env);
  log(`python ${tools.pythonVersion} (${tools.python}), ${tools.cxxVersion}, Node headers in ${tools.nodeDir}/include/node`);
  let wheelPath = given?.file ?? cached;
  if (cached) log(`wheel: ${basename(cached)} (cached in ${join(cacheDir, 'wheels')})`);
  if (!wheelPath) {
    log(`pip ${pipVersion}: downloading ${dist}==${tfVersion} (about ${o.gpu ? '600' : '270'} MB)`);
    wheelPath = await pipDownload(tools.python, `${dist}==${tfVersion}`, join(cacheDir, 'wheels'), env, (l) => log(`  ${l}`));
  }
  const wheel = given ?? openTensorflowWheel(wheelPath);
  if (o.gpu && normaliseDist(wheel.name.distribution) !== 'tensorflow') {
    throw new BalmsInputError(`--gpu needs the tensorflow wheel (with CUDA), not ${wheel.name.distribution}`, { file: wheel.file });
  }

  // 3. the npm package, already built by balms from this wheel?
  const tfjs = balmsTfjs();
  const pkg = installedPackage(nodeModules, name);
  const previous = pkg && readBuildRecord(pkg.dir);
  if (pkg && previous && !o.force && previous.wheel === basename(wheel.file) && previous.packageVersion === pkg.version) {
    log(`${name} ${pkg.version} is already built from ${previous.wheel}; checking it`);
    const logFile = join(cacheDir, 'native-check.log');
    try {
      const check = runNativeCheck(o.checkScript, pkg.dir, env, logFile, writeFileAtomic, o.checkNodeArgs);
      return { record: { ...previous, check }, packageDir: pkg.dir, reused: true, seconds: (Date.now() - t0) / 1000 };
    } catch (e) {
      if (!(e instanceof BalmsInputError)) throw e;
      log(`the installed build fails its check (${e.message}); rebuilding`);
    }
  }
  const pkgDir = pkg?.dir ?? join(nodeModules, name);
  const stagingDir = join(nodeModules, '@tensorflow', `.${basename(pkgDir)}.staging-${process.pid}`);
  const oldDir = join(nodeModules, '@tensorflow', `.${basename(pkgDir)}.old-${process.pid}`);
  removeStale(join(nodeModules, '@tensorflow'), basename(pkgDir));
  try {
    if (pkg) {
      if (pkg.version !== tfjs.version) {
        throw new BalmsInputError(`${name} ${pkg.version} is installed but balms uses @tensorflow/tfjs ${tfjs.version}; npm install --ignore-scripts ${name}@${tfjs.version}`);
      }
      log(`staging ${name} ${pkg.version} in ${stagingDir}`);
      stagePackage(pkgDir, stagingDir);
    } else {
      log(`${name} is not installed; installing ${name}@${tfjs.version} (without its install script) into ${stagingDir}`);
      await npmInstallPackage(nodeModules, name, tfjs.version, stagingDir, join(cacheDir, `npm-${process.pid}`), env, (l) => log(`  ${l}`));
    }
    checkSharesTfjs(stagingDir, name);
    const record = await buildStaged(o, tools, wheel, name, tfjs.version, stagingDir, cacheDir, env, log);
    // swap in: the old package (if any) moves aside, the staged one takes its name, the old one goes
    if (pkg) renameSync(pkgDir, oldDir);
    try {
      renameSync(stagingDir, pkgDir);
    } catch (e) {
      if (pkg) renameSync(oldDir, pkgDir);
      throw e;
    }
    rmSync(oldDir, { recursive: true, force: true });
    return { record, packageDir: pkgDir, reused: false, seconds: (Date.now() - t0) / 1000 };
  } catch (e) {
    rmSync(stagingDir, { recursive: true, force: true });
    throw e;
  }
}

async function buildStaged(
  o: SetupNativeOptions, tools: Toolchain, wheel: ReturnType<typeof openTensorflowWheel>, name: string, version: string,
  stagingDir: string, cacheDir: string, env: NodeJS.ProcessEnv, log: (line: string) => void,
): Promise<NativeBuildRecord> {
  const layout = addonLayout(stagingDir);
  // 4. libraries (checked for the C API the binding calls) and headers
  const libDir = join(stagingDir, 'deps', 'lib');
  log(`extracting libtensorflow_cc.so.2 and libtensorflow_framework.so.2 from ${basename(wheel.file)}`);
  await extractLibraries(wheel, libDir, bindingCApiSymbols(stagingDir));
  const headers = await extractHeaders(wheel, join(stagingDir, 'deps', 'include'), bindingHeaderSeeds(stagingDir));
  log(`extracted ${headers} C-API headers`);
  // 5. GPU: the CUDA/cuDNN libraries of the nvidia-* wheels the TensorFlow wheel names
  const cudaWheels: string[] = [];
  if (o.gpu) {
    const reqs = cudaRequirements(await readWheelMetadata(wheel.file, wheel.entries));
    if (!reqs.length) throw new BalmsInputError('the wheel names no and-cuda requirements; is it the GPU wheel (tensorflow, not tensorflow-cpu)?', { file: wheel.file });
    log(`pip ${checkPip(tools.python, env)}: ${reqs.length} CUDA/cuDNN wheels`);
    for (const req of reqs) {
      const dist = /^[A-Za-z0-9._-]+/.exec(req)![0];
      const file = cachedWheel(join(cacheDir, 'wheels'), dist) ?? await pipDownload(tools.python, req, join(cacheDir, 'wheels'), env, (l) => log(`  ${l}`));
      const libs = await extractNvidiaLibraries(file, join(stagingDir, 'deps'));
      log(`  ${basename(file)}: ${libs.length} libraries`);
      cudaWheels.push(basename(file));
    }
  }
  // 6. build, 7. check
  log(`building ${layout.moduleName}.node (N-API ${layout.napiVersion}) with node-gyp`);
  await buildAddon(stagingDir, tools, layout, join(cacheDir, 'native-build.log'), env, log);
  const quiet = await buildStderrCapture(tools, stagingDir, env);
  if (quiet) log(`note: the stderr-capture helper did not compile (${quiet}); TensorFlow's start-up notices will show`);
  log('checking the new backend against the cpu backend (matMul, conv2d gradient, RoIAlign)');
  const check = runNativeCheck(o.checkScript, stagingDir, env, join(cacheDir, 'native-check.log'), writeFileAtomic, o.checkNodeArgs);
  const record: NativeBuildRecord = {
    package: name, packageVersion: version, wheel: basename(wheel.file), tfVersion: wheel.name.version, gpu: o.gpu, cudaWheels,
    depsBytes: folderBytes(join(stagingDir, 'deps')), builtAt: new Date().toISOString(), check,
  };
  writeJsonFileAtomic(join(stagingDir, RECORD_FILE), record, { indent: 2 });
  return record;
}

/** Removes staging/old folders of earlier runs whose process is gone. */
function removeStale(scopeDir: string, base: string): void {
  if (!existsSync(scopeDir)) return;
  for (const f of readdirSync(scopeDir)) {
    const m = new RegExp(`^\\.${base}\\.(staging|old)-(\\d+)$`).exec(f);
    if (m && !isAlive(Number(m[2]))) rmSync(join(scopeDir, f), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Bytes under `dir`, each inode once. */
export function folderBytes(dir: string): number {
  const seen = new Set<string>();
  let total = 0;
  const walk = (d: string) => {
    for (const f of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, f.name);
      if (f.isDirectory()) walk(p);
      else if (f.isFile()) {
        const s = statSync(p);
        const key = `${s.dev}:${s.ino}`;
        if (!seen.has(key)) {
          seen.add(key);
          total += s.size;
        }
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return total;
}
