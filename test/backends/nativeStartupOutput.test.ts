import { describe, expect, it } from 'vitest';
import { keptStartupLines } from '../../src/backends/nativeStartupOutput.js';

describe('keptStartupLines', () => {
  it("drops TensorFlow's info/warning notices with their continuation lines and absl's banner, keeps errors and anything else", () => {
    const captured = [
      'WARNING: All log messages before absl::InitializeLog() is called are written to STDERR',
      'I0000 00:00:1796216937.533545   21760 port.cc:153] oneDNN custom operations are on. You may see slightly different numerical results.',
      'I0000 00:00:1796216937.600285   21760 cpu_feature_guard.cc:227] This TensorFlow binary is optimized to use available CPU instructions.',
      'To enable the following instructions: AVX2 AVX512F FMA, in other operations, rebuild TensorFlow with the appropriate compiler flags.',
      'E0000 00:00:1796216937.700000   21760 cuda_driver.cc:1] failed call to cuInit: UNKNOWN ERROR (303)',
      'more about that error',
      'W0000 00:00:1796216937.800000   21760 something.cc:9] a warning',
      '',
    ].join('\n');
    expect(keptStartupLines(captured)).toEqual([
      'E0000 00:00:1796216937.700000   21760 cuda_driver.cc:1] failed call to cuInit: UNKNOWN ERROR (303)',
      'more about that error',
    ]);
    expect(keptStartupLines('(node:1) a warning from Node itself\n')).toEqual(['(node:1) a warning from Node itself']);
  });
});
