/**
 * CRC-32 (IEEE 802.3, as zip uses), incremental: `crc32(b, crc32(a))` = `crc32(a ++ b)`. zlib's when
 * Node has it (≥ 20.15: the wheel is hundreds of MB), else the one pure-JS implementation (util/crc32).
 */
import * as zlib from 'node:zlib';
import { crc32 as crc32Portable } from '../../util/crc32.js';

const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** The CRC-32 of `data` continuing from `previous` (0 to start). */
export function crc32(data: Uint8Array, previous = 0): number {
  if (native) return native(data, previous);
  return crc32Portable(data, previous);
}

/** The pure-JS CRC-32 (the fallback of {@link crc32}), re-exported for its tests. */
export { crc32Portable };
