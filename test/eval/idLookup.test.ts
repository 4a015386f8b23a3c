import { describe, expect, it } from 'vitest';
import { IdLookup } from '../../src/eval/idLookup.js';

/** The lookup answers as the map does (−1 for absent) for every kind of value, dense table or not. */
describe('IdLookup', () => {
  const probes = [0, -0, 1, 2, 3, 7, 8, 41, 42, 43, 1e6, 2 ** 31, 2 ** 53, -1, -42, 0.5, 42.5, NaN, Infinity, -Infinity, 1e300, 65535, 65536, 70000];
  const cases: Record<string, number[]> = {
    'small dense ids (table)': [1, 2, 3, 8, 42],
    'ids with a zero (table)': [0, 5, 70000],
    'a sparse id space (map)': [1, 2 ** 40],
    'negative ids (map)': [-42, 1, 2],
    'non-integer ids (map)': [0.5, 3],
    'no ids': [],
  };
  for (const [name, ids] of Object.entries(cases)) {
    it(name, () => {
      const map = new Map(ids.map((id, i) => [id, i] as const));
      const look = new IdLookup(map);
      for (const v of [...probes, ...ids]) expect(look.get(v), `id ${v}`).toBe(map.get(v) ?? -1);
    });
  }
});
