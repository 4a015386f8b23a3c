/**
 * `balms setup native`: each missing piece is one line and exit 2. The toolchain is faked with shell
 * scripts (test/helpers/fakeNative), so these cases download and build nothing. The messages are
 * checked in-process (fast); two cases go through the CLI for the one-line, exit-2 contract itself.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setupCommand } from '../../src/cli/setupCommand.js';
import { fakeToolchainEnv } from '../helpers/fakeNative.js';
import { expectCliInputError, inputErrorOfAsync } from '../helpers/inputErrors.js';
import { runCli } from '../helpers/runCli.js';

const dir = mkdtempSync(join(tmpdir(), 'balms-setup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fake = fakeToolchainEnv(join(dir, 'tools'));
const emptyBin = join(dir, 'empty-bin');
mkdirSync(emptyBin);

/** The message `balms setup native <args>` fails with, run in this process with `env` over process.env. */
async function setupError(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const saved = new Map(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return (await inputErrorOfAsync(setupCommand.run(['native', ...args]))).message;
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe.runIf(process.platform === 'linux')('balms setup native: one line and exit 2 for each missing piece', () => {
  it('through the CLI: one stderr line, exit 2, nothing on stdout (no Python; a wheel of the wrong platform)', () => {
    const setup = (args: string[], env: NodeJS.ProcessEnv) => runCli(['setup', 'native', ...args], { env, timeoutMs: 60_000 });
    expectCliInputError(setup([], { ...fake, BALMS_PYTHON: undefined, PATH: emptyBin }), 'setup', /^balms setup: no Python: 'python3' \(the default\) was not found; install Python 3 or name one with --python PY or BALMS_PYTHON$/);
    const mac = join(dir, 'tensorflow_cpu-2.21.0-cp311-cp311-macosx_12_0_arm64.whl');
    writeFileSync(mac, 'x');
    expectCliInputError(setup(['--wheel', mac], fake), 'setup', /macosx_12_0_arm64\.whl: wheel of the wrong platform: macosx_12_0_arm64 \(this machine needs a manylinux\/linux /);
  });

  it('no Python (a --python that does not exist, or one that is not Python 3)', async () => {
    expect(await setupError(['--python', join(dir, 'no-such-python')], fake)).toMatch(/^no Python: '.*no-such-python' \(--python\) was not found/);
    expect(await setupError(['--python', fake.CXX!], fake)).toMatch(/^no Python 3: '.*fake-c\+\+' did not run as Python 3 \(fake c\+\+ 1\.0\)$/);
  });

  it('no pip (only when a wheel must be downloaded)', async () => {
    expect(await setupError(['--tf-version', '0.0.1'], fake)).toMatch(/^no pip: '.*python3 -m pip' failed \(No module named pip\); install pip for it, or give the wheel with --wheel FILE$/);
  });

  it('no C++ compiler, no make', async () => {
    expect(await setupError([], { ...fake, CXX: join(dir, 'no-such-c++') })).toMatch(/^no C\+\+ compiler: .*no-such-c\+\+ not found on PATH; install g\+\+/);
    expect(await setupError([], { ...fake, MAKE: join(dir, 'no-such-make') })).toMatch(/^no make: /);
  });

  it('no Node headers', async () => {
    const empty = join(dir, 'no-headers');
    mkdirSync(empty, { recursive: true });
    expect(await setupError([], { ...fake, BALMS_NODEDIR: empty })).toMatch(/^no Node headers: node_api\.h and common\.gypi not found in .*no-headers\/include\/node; .*BALMS_NODEDIR/);
  });

  it('wheel not found', async () => {
    expect(await setupError(['--wheel', join(dir, 'missing.whl')], fake)).toMatch(/missing\.whl: wheel not found$/);
  });

  it('rejects contradictory options', async () => {
    expect(await setupError(['--wheel', 'a.whl', '--tf-version', '2.20.0'], fake)).toMatch(/either --wheel or --tf-version/);
    expect(await setupError(['--tf-version', 'latest'], fake)).toMatch(/--tf-version: expected a version like 2\.21\.0/);
    expect(await setupError(['--check', '--gpu'], fake)).toMatch(/--check takes no other option \(got --gpu\)/);
    expect((await inputErrorOfAsync(setupCommand.run(['gpu']))).message).toMatch(/expected 'balms setup native'/);
  });
});
