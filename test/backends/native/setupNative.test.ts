/**
 * The set-up's later failure modes on a fake project (a fake tfjs-node package next to a link to
 * balms's tfjs, fake wheels): a wheel without the C API, and a build error, which must leave the
 * installed package exactly as it was and name the build log. The build-error case needs a real
 * compiler, make, Node headers and npm's node-gyp (it compiles a broken source), and skips without.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostElfMachine } from '../../../src/backends/native/elfSymbols.js';
import { setupNative } from '../../../src/backends/native/setupNative.js';
import { stagePackage } from '../../../src/backends/native/addonBuild.js';
import { findToolchain } from '../../../src/backends/native/toolchain.js';
import { fakeProject, fakeToolchainEnv, linkTfjsScope, writeFakeTensorflowWheel } from '../../helpers/fakeNative.js';
import { inputErrorOfAsync } from '../../helpers/inputErrors.js';

const dir = mkdtempSync(join(tmpdir(), 'balms-setupnative-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const linux = process.platform === 'linux' && ['x86_64', 'aarch64'].includes(hostElfMachine());
const wheelName = `tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_${hostElfMachine()}.whl`;
const BINDING = '#include "tensorflow/c/c_api.h"\nint f() { return TF_Version() != 0 && TFE_NewContext(0, 0) != 0; }\n';
const HEADERS = { 'tensorflow/c/c_api.h': 'const char* TF_Version(void);\nvoid* TFE_NewContext(void*, void*);\n' };

/** tfjs-node is there, and no staging or old folder of a set-up is left beside it. */
function expectNoStagingLeft(nm: string): void {
  const entries = readdirSync(join(nm, '@tensorflow'));
  expect(entries).toContain('tfjs-node');
  expect(entries.filter((f) => f.startsWith('.'))).toEqual([]);
}

function realToolchainEnv(): NodeJS.ProcessEnv | null {
  try {
    findToolchain(undefined, process.env);
    return process.env;
  } catch {
    return null;
  }
}

describe.runIf(linux)('setupNative on a fake project', () => {
  it('stops at a wheel whose libraries lack the C API the binding calls, leaving no staging folder', async () => {
    const nm = fakeProject(join(dir, 'capi'), BINDING);
    const wheel = join(dir, 'capi', wheelName);
    writeFakeTensorflowWheel(wheel, { ccSymbols: ['TF_Version'], headers: HEADERS });
    const e = await inputErrorOfAsync(setupNative({
      gpu: false, wheel, force: false, checkScript: 'unused', nodeModules: nm, env: { ...process.env, ...fakeToolchainEnv(join(dir, 'capi', 'tools')) },
    }));
    expect(e.message).toBe(`${wheel}: the wheel's libraries lack the TensorFlow C API that tfjs-node needs (TFE_NewContext not exported)`);
    expectNoStagingLeft(nm);
    expect(existsSync(join(nm, '@tensorflow', 'tfjs-node', 'deps'))).toBe(false);
  });

  it.runIf(realToolchainEnv() !== null)('reports a build error with the log path and leaves the package as it was', async () => {
    const broken = BINDING + 'this is not C++;\n';
    const nm = fakeProject(join(dir, 'build'), broken);
    const wheel = join(dir, 'build', wheelName);
    writeFakeTensorflowWheel(wheel, { ccSymbols: ['TF_Version', 'TFE_NewContext'], headers: HEADERS });
    const before = readdirSync(join(nm, '@tensorflow', 'tfjs-node')).sort();
    const e = await inputErrorOfAsync(setupNative({ gpu: false, wheel, force: false, checkScript: 'unused', nodeModules: nm }));
    const log = join(nm, '.cache', 'balms', 'native-build.log');
    expect(e.message).toBe(`building the addon failed (node-gyp exit 1); the log is at ${log}`);
    expect(readFileSync(log, 'utf8')).toMatch(/this is not C\+\+/);
    expectNoStagingLeft(nm);
    expect(readdirSync(join(nm, '@tensorflow', 'tfjs-node')).sort()).toEqual(before);
  });
});

/** The installed tfjs-node package folder, or null. */
function installedTfjsNode(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-node/package.json'));
  } catch {
    return null;
  }
}

const WHEEL = process.env.BALMS_TF_WHEEL;

// A real build (about a minute and 850 MB in the temp folder): only with BALMS_TF_WHEEL naming a
// tensorflow-cpu wheel, a working toolchain and an installed tfjs-node package to copy.
describe.runIf(linux && WHEEL !== undefined && realToolchainEnv() !== null && installedTfjsNode() !== null)('setupNative with a real wheel (BALMS_TF_WHEEL)', () => {
  it('builds into a fresh project, checks against cpu, records the build, and the second run rebuilds nothing', async () => {
    const nm = join(dir, 'real', 'node_modules');
    linkTfjsScope(nm);
    stagePackage(installedTfjsNode()!, join(nm, '@tensorflow', 'tfjs-node')); // the package as npm installed it, without a build
    const o = {
      gpu: false, wheel: WHEEL!, force: false, nodeModules: nm,
      checkScript: fileURLToPath(new URL('../../../src/cli/nativeCheckChild.ts', import.meta.url)), checkNodeArgs: ['--import', 'tsx'],
    };
    const first = await setupNative(o);
    expect(first.reused).toBe(false);
    const pkg = join(nm, '@tensorflow', 'tfjs-node');
    expect(first.packageDir).toBe(pkg);
    expect(first.record.check.tensorflow).toBe(first.record.tfVersion);
    expect(first.record.check.checks.map((c) => c.name)).toEqual(['matMul', 'conv2dGradient', 'roiAlign']);
    expect(existsSync(join(pkg, 'lib', 'napi-v8', 'tfjs_binding.node'))).toBe(true);
    expect(statSync(join(pkg, 'deps', 'lib', 'libtensorflow.so')).isSymbolicLink()).toBe(false);
    expectNoStagingLeft(nm);
    const second = await setupNative(o);
    expect(second.reused).toBe(true);
    expect(second.record.builtAt).toBe(first.record.builtAt);
  }, 600_000);
});
