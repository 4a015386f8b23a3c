/**
 * Checkpoints verify themselves: every way a file can be wrong (schema, specs vs data, a flipped
 * byte, non-finite weights, trailing or missing bytes) is a `BalmsInputError` naming the file, never
 * a TypeError; nothing non-finite is ever written. Files are built here byte by byte from the
 * documented layout, independently of `saveCheckpoint`.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from '../../src/engine/checkpoint.js';
import { crc32 } from '../../src/util/crc32.js';
import { TrainingDivergedError } from '../../src/util/errors.js';
import { inputErrorOf } from '../helpers/inputErrors.js';

const dir = mkdtempSync(join(tmpdir(), 'balms-ckpt-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** "BALMSCK2" | u32 header length | u32 crc32(header ‖ data) | header | data. */
function v2File(header: unknown, data: Uint8Array, crc?: number): Buffer {
  const h = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  const body = Buffer.concat([h, data]);
  const pre = Buffer.alloc(16);
  pre.write('BALMSCK2', 0, 'latin1');
  pre.writeUInt32LE(h.length, 8);
  pre.writeUInt32LE(crc ?? crc32(body), 12);
  return Buffer.concat([pre, body]);
}

function f32(...v: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(v).buffer);
}

const GOOD = { version: 2, meta: { iteration: 3 }, tensors: [{ name: 'w', shape: [2], dtype: 'float32', byteLength: 8 }] };

function write(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

describe('crc32', () => {
  it('matches the standard check value and is incremental', () => {
    const b = Buffer.from('123456789');
    expect(crc32(b)).toBe(0xcbf43926);
    expect(crc32(b.subarray(4), crc32(b.subarray(0, 4)))).toBe(0xcbf43926);
  });
});

describe('loadCheckpoint: a file built from the layout', () => {
  it('reads a well-formed file', () => {
    const ck = loadCheckpoint(write('good.ckpt', v2File(GOOD, f32(1.5, -2))));
    expect(ck.meta).toEqual({ iteration: 3 });
    expect(Array.from(ck.tensors.get('w')!.dataSync())).toEqual([1.5, -2]);
    tf.dispose([...ck.tensors.values()]);
  });

  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['meta null', v2File({ ...GOOD, meta: null }, f32(1, 2)), /meta: corrupt checkpoint header: must be an object/],
    ['tensors not a list', v2File({ ...GOOD, tensors: { w: 1 } }, f32(1, 2)), /tensors: corrupt checkpoint header: must be a list/],
    ['a spec that is null', v2File({ ...GOOD, tensors: [null] }, f32(1, 2)), /tensors\[0\]: corrupt/],
    ['byte length vs shape', v2File({ ...GOOD, tensors: [{ name: 'w', shape: [3], dtype: 'float32', byteLength: 8 }] }, f32(1, 2)), /tensors\[0\]\.byteLength: .*needs 12 bytes/],
    ['negative dimension', v2File({ ...GOOD, tensors: [{ name: 'w', shape: [-2], dtype: 'float32', byteLength: 8 }] }, f32(1, 2)), /tensors\[0\]\.shape/],
    ['unknown dtype', v2File({ ...GOOD, tensors: [{ name: 'w', shape: [2], dtype: 'float64', byteLength: 8 }] }, f32(1, 2)), /tensors\[0\]\.dtype/],
    ['duplicate names', v2File({ ...GOOD, tensors: [GOOD.tensors[0], GOOD.tensors[0]] }, f32(1, 2, 3, 4)), /duplicate tensor name/],
    ['data shorter than the specs', v2File(GOOD, f32(1)), /truncated checkpoint data/],
    ['bytes after the data', v2File(GOOD, f32(1, 2, 3)), /4 unexpected bytes/],
    ['NaN weights', v2File(GOOD, f32(1, NaN)), /tensor w holds a non-finite value \(NaN at 1\)/],
    ['infinite weights', v2File(GOOD, f32(Infinity, 1)), /non-finite value \(Infinity at 0\)/],
    ['header not JSON', v2File('{"version": 2,', f32()), /not JSON/],
    ['unknown version', v2File({ ...GOOD, version: 9 }, f32(1, 2)), /version: unsupported checkpoint version 9/],
    ['wrong checksum', v2File(GOOD, f32(1, 2), 12345), /checksum mismatch/],
  ];
  it.each(cases)('%s: an input error naming the file', (name, bytes, re) => {
    const p = write(`${name.replace(/\W+/g, '_')}.ckpt`, bytes);
    const e = inputErrorOf(() => loadCheckpoint(p));
    expect(e.message.startsWith(p)).toBe(true);
    expect(e.message).toMatch(re);
  });

  it('any single changed byte (magic, lengths, header key names, data) is caught', () => {
    const good = v2File(GOOD, f32(1.5, -2));
    const failures: number[] = [];
    for (let i = 0; i < good.length; i++) {
      const b = Buffer.from(good);
      b[i] = b[i]! ^ 0x20;
      const p = write('flip.ckpt', b);
      try {
        tf.dispose([...loadCheckpoint(p).tensors.values()]);
        failures.push(i);
      } catch (e) {
        expect((e as Error).name, `byte ${i}`).toBe('BalmsInputError');
      }
    }
    expect(failures).toEqual([]);
  });

  it('a version-1 file (no checksum) is still read and still checked', () => {
    const h = Buffer.from(JSON.stringify({ ...GOOD, version: 1 }));
    const pre = Buffer.alloc(12);
    pre.write('BALMSCK1', 0, 'latin1');
    pre.writeUInt32LE(h.length, 8);
    const ck = loadCheckpoint(write('v1.ckpt', Buffer.concat([pre, h, f32(4, 5)])));
    expect(Array.from(ck.tensors.get('w')!.dataSync())).toEqual([4, 5]);
    tf.dispose([...ck.tensors.values()]);
    const bad = write('v1nan.ckpt', Buffer.concat([pre, h, f32(4, NaN)]));
    expect(inputErrorOf(() => loadCheckpoint(bad)).message).toMatch(/non-finite/);
  });
});

describe('saveCheckpoint', () => {
  it('writes the documented layout (checksum included)', () => {
    const w = tf.tensor1d([1.5, -2]);
    const p = join(dir, 'saved.ckpt');
    saveCheckpoint(p, { iteration: 3 }, new Map([['w', w]]));
    w.dispose();
    expect(readFileSync(p).equals(v2File(GOOD, f32(1.5, -2)))).toBe(true);
  });

  it('refuses non-finite weights and leaves the previous file and no temp file', () => {
    const sub = mkdtempSync(join(dir, 'nan-'));
    const p = join(sub, 'last.ckpt');
    const ok = tf.tensor1d([1, 2]);
    saveCheckpoint(p, { iteration: 1 }, new Map([['w', ok]]));
    const before = readFileSync(p);
    const nan = tf.tensor1d([1, NaN]);
    expect(() => saveCheckpoint(p, { iteration: 2 }, new Map([['w', nan]]))).toThrow(
      new TrainingDivergedError(2, `w[1] is NaN (not written to ${p})`, p),
    );
    expect(readFileSync(p).equals(before)).toBe(true);
    expect(readdirSync(sub)).toEqual(['last.ckpt']);
    tf.dispose([ok, nan]);
  });

  it("removes temp files that killed writers left behind (a dead pid's), not a live writer's", () => {
    const sub = mkdtempSync(join(dir, 'stale-'));
    const dead = `.last.ckpt.${2 ** 22 + 12345}.1700000000000.tmp`; // above Linux's pid_max default
    const live = `.last.ckpt.${process.ppid}.1700000000000.tmp`;
    writeFileSync(join(sub, dead), 'half a checkpoint');
    writeFileSync(join(sub, live), 'being written');
    const w = tf.tensor1d([1]);
    saveCheckpoint(join(sub, 'last.ckpt'), {}, new Map([['w', w]]));
    w.dispose();
    expect(readdirSync(sub).sort()).toEqual([live, 'last.ckpt'].sort());
  });
});
