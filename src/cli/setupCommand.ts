import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from './command.js';
import { parseCli } from './cliOptions.js';
import { doctorReport } from './doctorCommand.js';
import { DEFAULT_TF_VERSION, setupNative } from '../backends/native/setupNative.js';
import { BalmsInputError } from '../util/errors.js';

const usage = `Usage: balms setup native [--gpu] [--wheel FILE.whl] [--tf-version V] [--python PY] [--force] [--check]

Builds @tensorflow/tfjs-node (or, with --gpu, @tensorflow/tfjs-node-gpu) against the shared libraries
of the TensorFlow Python wheel, without the package's install script (which downloads from Google's
storage). Installs the npm package with --ignore-scripts when it is missing, gets the wheel
(tensorflow-cpu==V, or tensorflow==V plus the nvidia-* CUDA/cuDNN wheels with --gpu) with pip into
node_modules/.cache/balms/wheels, extracts the libraries and C-API headers into the package's deps/,
builds the addon with npm's node-gyp against the local Node headers, checks it against the cpu
backend, and only then swaps it in. Needs Linux (x86_64 or aarch64), Python 3 with pip, a C++
compiler, make and the Node headers. Disk: about 270 MB for the CPU wheel plus 850 MB in deps/.

Options:
  --gpu            build tfjs-node-gpu from the tensorflow wheel and the CUDA/cuDNN wheels (untested)
  --wheel FILE     use this TensorFlow wheel instead of downloading one
  --tf-version V   the TensorFlow version to download (default ${DEFAULT_TF_VERSION})
  --python PY      the Python to run pip and node-gyp with (default: BALMS_PYTHON, else python3)
  --force          rebuild even when the installed build is from the same wheel and passes its check
  --check          only report the backends (the same as balms doctor)

Environment: CXX (the compiler), BALMS_NODEDIR (the folder holding include/node), BALMS_NODE_GYP.
`;

export const setupCommand: Command = {
  name: 'setup',
  usage,
  async run(argv) {
    const { values, positionals } = parseCli(argv, {
      gpu: { type: 'boolean' }, wheel: { type: 'string' }, 'tf-version': { type: 'string' }, python: { type: 'string' },
      force: { type: 'boolean' }, check: { type: 'boolean' },
    }, true);
    if (positionals.length !== 1 || positionals[0] !== 'native') {
      throw new BalmsInputError(`expected 'balms setup native', got 'balms setup ${positionals.join(' ')}'`.trimEnd());
    }
    if (values.check) {
      const others = ['gpu', 'wheel', 'tf-version', 'python', 'force'].filter((k) => values[k as keyof typeof values] !== undefined);
      if (others.length) throw new BalmsInputError(`--check takes no other option (got --${others.join(', --')})`);
      process.stdout.write(await doctorReport(false));
      return 0;
    }
    const tfVersion = values['tf-version'];
    if (tfVersion !== undefined && !/^\d+\.\d+\.\d+([a-z0-9.]*)$/.test(tfVersion)) throw new BalmsInputError(`--tf-version: expected a version like ${DEFAULT_TF_VERSION}, got '${tfVersion}'`);
    const r = await setupNative({
      gpu: values.gpu === true,
      wheel: values.wheel,
      tfVersion,
      python: values.python,
      force: values.force === true,
      checkScript: fileURLToPath(new URL(`./nativeCheckChild${extname(fileURLToPath(import.meta.url))}`, import.meta.url)),
      log: (l) => process.stdout.write(`${l}\n`),
    });
    const rec = r.record;
    const checks = rec.check.checks.map((c) => `${c.name} ${c.maxRelDiff.toExponential(1)}`).join(', ');
    process.stdout.write([
      r.reused ? `${rec.package} ${rec.packageVersion} was already set up (nothing rebuilt).` : `set up ${rec.package} ${rec.packageVersion} in ${r.seconds.toFixed(0)} s.`,
      `  package:    ${r.packageDir}`,
      `  linked:     TensorFlow ${rec.check.tensorflow ?? rec.tfVersion} from ${rec.wheel}${rec.cudaWheels.length ? ` and ${rec.cudaWheels.length} CUDA wheels` : ''}`,
      `  deps/:      ${(rec.depsBytes / 1e6).toFixed(0)} MB`,
      `  check:      ${rec.check.gpu ? 'GPU device in use; ' : ''}max relative difference to cpu: ${checks}`,
      `  use it:     balms train --backend tfjs-node${rec.gpu ? '-gpu' : ''} … (or --backend auto, which now picks it)`,
    ].join('\n') + '\n');
    if (rec.gpu && !rec.check.gpu) process.stdout.write('  note:       TensorFlow found no usable GPU here (driver, or CUDA libraries not found); it runs on the CPU\n');
    return 0;
  },
};
