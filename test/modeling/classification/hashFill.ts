/**
 * The deterministic values of test/fixtures/classification/make_resnet_golden.py, bit for bit: murmur3's
 * fmix32 of `i · 0x9E3779B1 + fnv1a(name)` (mod 2³²), top 24 bits as u ∈ [0, 1), mapped per parameter
 * kind and rounded to float32 once.
 */
function fnv1a(name: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(name)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

function hashU01(name: string, n: number): Float64Array {
  const seed = fnv1a(name);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let h = (Math.imul(i, 0x9e3779b1) + seed) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
    out[i] = (h >>> 8) / 16777216;
  }
  return out;
}

/** Values of parameter (or `'input'`) `name` with balms-layout `shape`, as the golden script fills them. */
export function hashFill(name: string, shape: number[], featureDim = 64): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const u = hashU01(name, n);
  const leaf = name.slice(name.lastIndexOf('/') + 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const s = 2 * u[i]! - 1;
    let v: number;
    if (leaf === 'kernel' && name.startsWith('classifier')) v = s * (1 / Math.sqrt(shape[0]!));
    else if (leaf === 'kernel') v = s * (Math.sqrt(3) * Math.sqrt(2 / (shape[0]! * shape[1]! * shape[2]!)));
    else if (leaf === 'bias') v = s * (1 / Math.sqrt(featureDim));
    else if (leaf === 'gamma') v = 1 + 0.2 * s;
    else if (leaf === 'beta' || leaf === 'running_mean') v = 0.1 * s;
    else if (leaf === 'running_var') v = 1 + 0.5 * u[i]!;
    else if (name === 'input') v = 2 * s;
    else throw new Error(`hashFill: no rule for ${name}`);
    out[i] = v;
  }
  return out;
}
