import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cudaRequirements, extractHeaders, extractLibraries, extractNvidiaLibraries, openTensorflowWheel, parseWheelName,
} from '../../../src/backends/native/wheelFile.js';
import { hostElfMachine } from '../../../src/backends/native/elfSymbols.js';
import { inputErrorOf, inputErrorOfAsync } from '../../helpers/inputErrors.js';
import { writeFakeTensorflowWheel, writeZip, fakeElf } from '../../helpers/fakeNative.js';

const dir = mkdtempSync(join(tmpdir(), 'balms-wheel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const arch = hostElfMachine() as 'x86_64' | 'aarch64';
const other = arch === 'x86_64' ? 'aarch64' : 'x86_64';
const hostWheel = (name: string) => join(dir, `${name}-2.21.0-cp311-cp311-manylinux_2_27_${arch}.whl`);

describe('wheel names', () => {
  it('parses PEP 427 names, with and without a build tag, and compressed platform tags', () => {
    expect(parseWheelName('/x/tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl')).toEqual({
      distribution: 'tensorflow_cpu', version: '2.21.0', pythonTag: 'cp311', abiTag: 'cp311', platforms: ['manylinux_2_27_x86_64'],
    });
    expect(parseWheelName('nvidia_cudnn_cu12-9.3.0.75-1-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl')?.platforms)
      .toEqual(['manylinux2014_x86_64', 'manylinux_2_17_x86_64']);
    expect(parseWheelName('tensorflow.tar.gz')).toBeNull();
    expect(parseWheelName('a-b.whl')).toBeNull();
  });
});

describe.runIf(process.platform === 'linux' && (arch === 'x86_64' || arch === 'aarch64'))('TensorFlow wheels', () => {
  it('rejects a missing file, a wheel of another platform, and a wheel without the C library', () => {
    expect(inputErrorOf(() => openTensorflowWheel(join(dir, 'nope.whl'))).message).toMatch(/nope\.whl: wheel not found/);
    const mac = join(dir, 'tensorflow_cpu-2.21.0-cp311-cp311-macosx_12_0_arm64.whl');
    writeFileSync(mac, 'x');
    expect(inputErrorOf(() => openTensorflowWheel(mac)).message).toMatch(/wheel of the wrong platform: macosx_12_0_arm64/);
    const win = join(dir, `tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_${other}.whl`);
    writeFileSync(win, 'x');
    expect(inputErrorOf(() => openTensorflowWheel(win)).message).toMatch(/wrong platform/);
    const noLib = hostWheel('numpy');
    writeZip(noLib, [{ name: 'numpy/__init__.py', data: '' }]);
    expect(inputErrorOf(() => openTensorflowWheel(noLib)).message).toMatch(/not a TensorFlow wheel with the C library: tensorflow\/libtensorflow_cc\.so\.2 is missing/);
  });

  it('extracts the libraries under every name tfjs-node links (hard links) and checks the C API', async () => {
    const file = hostWheel('tensorflow_cpu');
    writeFakeTensorflowWheel(file, { ccSymbols: ['TF_Version', 'TFE_NewContext'] });
    const w = openTensorflowWheel(file);
    const lib = join(dir, 'ok', 'lib');
    await extractLibraries(w, lib, ['TF_Version', 'TFE_NewContext', 'TF_FrameworkOnly']);
    expect(readdirSync(lib).sort()).toEqual([
      'libtensorflow.so', 'libtensorflow.so.2', 'libtensorflow_cc.so.2', 'libtensorflow_framework.so', 'libtensorflow_framework.so.2',
    ]);
    expect(statSync(join(lib, 'libtensorflow.so')).ino).toBe(statSync(join(lib, 'libtensorflow_cc.so.2')).ino);
    expect(statSync(join(lib, 'libtensorflow.so')).isSymbolicLink()).toBe(false);
    const e = await inputErrorOfAsync(extractLibraries(w, join(dir, 'bad', 'lib'), ['TF_Version', 'TFE_Execute', 'TF_Imported']));
    expect(e.message).toMatch(/lack the TensorFlow C API that tfjs-node needs \(TFE_Execute, TF_Imported not exported\)/);
  });

  it('rejects libraries built for another machine even when the name says otherwise', async () => {
    const file = join(dir, 'm', `tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_${arch}.whl`);
    writeFakeTensorflowWheel(file, { machine: other, ccSymbols: ['TF_Version'] });
    const e = await inputErrorOfAsync(extractLibraries(openTensorflowWheel(file), join(dir, 'm', 'lib'), []));
    expect(e.message).toMatch(new RegExp(`built for ${other}, this machine is ${arch}`));
  });

  it('extracts only the headers the seeds include, following quoted includes', async () => {
    const file = join(dir, 'h', `tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_${arch}.whl`);
    writeFakeTensorflowWheel(file, {
      ccSymbols: [],
      headers: {
        'tensorflow/c/c_api.h': '#include <stdint.h>\n#include "tensorflow/c/tf_status.h"\n  #  include "c_api_macros.h"\n',
        'tensorflow/c/tf_status.h': '#include "tensorflow/c/c_api_macros.h"\n',
        'tensorflow/c/c_api_macros.h': '#define TF_CAPI_EXPORT\n',
        'tensorflow/core/unrelated.h': 'int x;\n',
      },
    });
    const w = openTensorflowWheel(file);
    const inc = join(dir, 'h', 'include');
    expect(await extractHeaders(w, inc, ['tensorflow/c/c_api.h'])).toBe(3);
    expect(readFileSync(join(inc, 'tensorflow/c/c_api_macros.h'), 'utf8')).toBe('#define TF_CAPI_EXPORT\n');
    expect(existsSync(join(inc, 'tensorflow/core/unrelated.h'))).toBe(false);
    const e = await inputErrorOfAsync(extractHeaders(w, inc, ['tensorflow/c/eager/c_api.h']));
    expect(e.message).toMatch(/lacks the C API header tensorflow\/c\/eager\/c_api\.h/);
  });
});

describe('CUDA wheels', () => {
  it('reads the and-cuda requirements from METADATA, without the compiler wheel', () => {
    const meta = [
      'Requires-Dist: numpy>=1.26.0',
      'Requires-Dist: nvidia-cublas-cu12<13.0,>=12.5.3.2; extra == "and-cuda"',
      'Requires-Dist: nvidia-cuda-nvcc-cu12<13.0,>=12.5.82; extra == "and-cuda"',
      'Requires-Dist: nvidia-cudnn-cu12 <10.0, >=9.3.0.75 ; extra == \'and-cuda\'',
      'Requires-Dist: tensorflow-io-gcs-filesystem>=0.23.1; (sys_platform != "win32") and extra == "gcs-filesystem"',
    ].join('\n');
    expect(cudaRequirements(meta)).toEqual(['nvidia-cublas-cu12<13.0,>=12.5.3.2', 'nvidia-cudnn-cu12<10.0,>=9.3.0.75']);
  });

  it('extracts the shared libraries of an nvidia-* wheel in their site-packages layout, hard-linked into lib/', async () => {
    const file = join(dir, 'nvidia_cudnn_cu12-9.3.0.75-py3-none-manylinux2014_x86_64.whl');
    writeZip(file, [
      { name: 'nvidia/cudnn/lib/libcudnn.so.9', data: fakeElf('x86_64', ['cudnnCreate']) },
      { name: 'nvidia/cudnn/include/cudnn.h', data: '' },
      { name: 'nvidia/cudnn/lib/__init__.py', data: '' },
    ]);
    const deps = join(dir, 'cuda');
    expect(await extractNvidiaLibraries(file, deps)).toEqual(['libcudnn.so.9']);
    expect(readdirSync(join(deps, 'lib'))).toEqual(['libcudnn.so.9']);
    expect(readdirSync(join(deps, 'nvidia', 'cudnn', 'lib'))).toEqual(['libcudnn.so.9']);
    expect(statSync(join(deps, 'lib', 'libcudnn.so.9')).ino).toBe(statSync(join(deps, 'nvidia', 'cudnn', 'lib', 'libcudnn.so.9')).ino);
  });
});
