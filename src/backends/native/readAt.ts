/** Positioned reads of a file descriptor (the ELF and zip readers of the native set-up). */
import { readSync } from 'node:fs';

/** Up to `length` bytes at `offset`; fewer at the end of the file. */
export function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, offset + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}
