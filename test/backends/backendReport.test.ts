import { describe, expect, it } from 'vitest';
import { probeBackends } from '../../src/backends/backendReport.js';
import { NATIVE_PRESENT } from '../helpers/testBackends.js';

describe('probeBackends (balms doctor)', () => {
  it('reports every backend in preference order: usable ones with versions, threads and a throughput, the others with the reason', async () => {
    const s = await probeBackends({ 'tfjs-node': 64, wasm: 64, cpu: 32 }, 0.01);
    expect(s.map((b) => b.backend)).toEqual(['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']);
    const byName = Object.fromEntries(s.map((b) => [b.backend, b]));
    expect(byName['tfjs-node-gpu']!.usable).toBe(false);
    expect(byName['tfjs-node-gpu']!.problem).toMatch(/tfjs-node-gpu/);
    expect(byName['tfjs-node']!.usable).toBe(NATIVE_PRESENT);
    if (NATIVE_PRESENT) expect(byName['tfjs-node']!.version).toMatch(/^tfjs 4\.22\.0, TensorFlow \d+\.\d+/);
    else expect(byName['tfjs-node']!.problem).toMatch(/npx balms setup native/);
    for (const b of ['wasm', 'cpu'] as const) {
      expect(byName[b]!.usable).toBe(true);
      expect(byName[b]!.version).toBe('tfjs 4.22.0');
      expect(byName[b]!.threads).toBeGreaterThanOrEqual(1);
      expect(byName[b]!.gflops).toBeGreaterThan(0);
      expect(Number.isFinite(byName[b]!.gflops)).toBe(true);
    }
    expect(byName['cpu']!.n).toBe(32);
  });
});
