/** The ResNet-32 PyTorch goldens on tfjs-node (TensorFlow's kernels) when it is installed; skipped otherwise. */
import { describe } from 'vitest';
import { NATIVE_PRESENT } from '../../helpers/testBackends.js';
import { resnetGoldenSuite } from './resnetGolden.js';

describe.runIf(NATIVE_PRESENT)('native', () => {
  resnetGoldenSuite('tfjs-node');
});
