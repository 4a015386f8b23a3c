/**
 * The set-up's later failure modes on a fake project (a fake tfjs-node package next to a link to
 * balms's tfjs, fake wheels): a wheel without the C API, and a build error, which must leave the
 * installed package exactly as it was and name the build log. The build-error case needs a real
 * compiler, make, Node headers and npm's node-gyp (it compiles a broken source), and skips without.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostElfMachine } from '../../../src/backends/native/elfSymbols.js';
import { setupNative } from '../../../src/backends/native/setupNative.js';
import { findToolchain } from '../../../src/backends/native/toolchain.js';
import { fakeProject, fakeToolchainEnv, writeFakeTensorflowWheel } from '../../helpers/fakeNative.js';
import { inputErrorOfAsync } from '../../helpers/inputErrors.js';

const dir = mkdtempSync(join(tmpdir(), 'balms-setupnative-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const linux = process.platform === 'linux' && ['x86_64', 'aarch64'].includes(hostElfMachine());
const wheelName = `tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_${hostElfMachine()}.whl`;
const BINDING = '#include "tensorflow/c/c_api.h"\nint f() { return TF_Version() != 0 && TFE_NewContext(0, 0) != 0; }\n';
const HEADERS = { 'tensorflow/c/c_api.h': 'const char* TF_Version(void);\nvoid* TFE_NewContext(void*, void*);\n' };

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
    expect(readdirSync(join(nm, '@tensorflow')).sort()).toEqual(['tfjs', 'tfjs-node']);
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
    expect(readdirSync(join(nm, '@tensorflow')).sort()).toEqual(['tfjs', 'tfjs-node']);
    expect(readdirSync(join(nm, '@tensorflow', 'tfjs-node')).sort()).toEqual(before);
  });
});
