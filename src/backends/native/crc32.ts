/** CRC-32 (IEEE 802.3, as zip uses), incremental: `crc32(b, crc32(a))` = `crc32(a ++ b)`. */
import * as zlib from 'node:zlib';

const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

let table: Uint32Array | null = null;

function makeTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

/** The CRC-32 of `data` continuing from `previous` (0 to start). Uses zlib's when Node has it (≥ 20.15). */
export function crc32(data: Uint8Array, previous = 0): number {
  if (native) return native(data, previous);
  return crc32Portable(data, previous);
}

/** The table-driven fallback of {@link crc32}, exported for its test. */
export function crc32Portable(data: Uint8Array, previous = 0): number {
  table ??= makeTable();
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
