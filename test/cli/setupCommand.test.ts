/**
 * `balms setup native`: each missing piece is one line on stderr and exit 2. The toolchain is faked
 * with shell scripts (test/helpers/fakeNative), so these cases download and build nothing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeToolchainEnv } from '../helpers/fakeNative.js';
import { expectCliInputError } from '../helpers/inputErrors.js';
import { runCli } from '../helpers/runCli.js';

const dir = mkdtempSync(join(tmpdir(), 'balms-setup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fake = fakeToolchainEnv(join(dir, 'tools'));
const emptyBin = join(dir, 'empty-bin');
mkdirSync(emptyBin);
const setup = (args: string[], env: NodeJS.ProcessEnv) => runCli(['setup', 'native', ...args], { env, timeoutMs: 60_000 });

describe.runIf(process.platform === 'linux')('balms setup native: one line and exit 2 for each missing piece', () => {
  it('no Python (nothing on PATH, or a --python that does not exist)', () => {
    expectCliInputError(setup([], { ...fake, BALMS_PYTHON: undefined, PATH: emptyBin }), 'setup', /^balms setup: no Python: 'python3' \(the default\) was not found; install Python 3 or name one with --python PY or BALMS_PYTHON$/);
    expectCliInputError(setup(['--python', join(dir, 'no-such-python')], fake), 'setup', /no Python: '.*no-such-python' \(--python\) was not found/);
  });

  it('no pip (only when a wheel must be downloaded)', () => {
    expectCliInputError(setup(['--tf-version', '0.0.1'], fake), 'setup', /no pip: '.*python3 -m pip' failed \(No module named pip\); install pip for it, or give the wheel with --wheel FILE$/);
  });

  it('no C++ compiler, no make', () => {
    expectCliInputError(setup([], { ...fake, CXX: join(dir, 'no-such-c++') }), 'setup', /no C\+\+ compiler: .*no-such-c\+\+ not found on PATH; install g\+\+/);
    expectCliInputError(setup([], { ...fake, MAKE: join(dir, 'no-such-make') }), 'setup', /no make: /);
  });

  it('no Node headers', () => {
    const empty = join(dir, 'no-headers');
    mkdirSync(empty, { recursive: true });
    expectCliInputError(setup([], { ...fake, BALMS_NODEDIR: empty }), 'setup', /no Node headers: node_api\.h and common\.gypi not found in .*no-headers\/include\/node; .*BALMS_NODEDIR/);
  });

  it('wheel not found, or of the wrong platform', () => {
    expectCliInputError(setup(['--wheel', join(dir, 'missing.whl')], fake), 'setup', /missing\.whl: wheel not found$/);
    const mac = join(dir, 'tensorflow_cpu-2.21.0-cp311-cp311-macosx_12_0_arm64.whl');
    writeFileSync(mac, 'x');
    expectCliInputError(setup(['--wheel', mac], fake), 'setup', /macosx_12_0_arm64\.whl: wheel of the wrong platform: macosx_12_0_arm64 \(this machine needs a manylinux\/linux /);
  });

  it('rejects contradictory options', () => {
    expectCliInputError(setup(['--wheel', 'a.whl', '--tf-version', '2.20.0'], fake), 'setup', /either --wheel or --tf-version/);
    expectCliInputError(setup(['--tf-version', 'latest'], fake), 'setup', /--tf-version: expected a version like 2\.21\.0/);
    expectCliInputError(setup(['--check', '--gpu'], fake), 'setup', /--check takes no other option \(got --gpu\)/);
    expectCliInputError(runCli(['setup', 'gpu']), 'setup', /expected 'balms setup native'/);
  });
});
