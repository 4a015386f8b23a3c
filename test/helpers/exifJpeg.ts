/** Test inputs: a JPEG with an EXIF orientation tag spliced in (what a phone writes for a turned shot). */

/** The JPEG with an EXIF APP1 segment holding only an orientation tag (1–8) inserted right after SOI. */
export function withOrientation(jpeg: Uint8Array, orientation: number, bigEndian = false): Buffer {
  const tiff = new Uint8Array(8 + 2 + 12 + 4);
  const dv = new DataView(tiff.buffer);
  const le = !bigEndian;
  tiff.set(bigEndian ? [0x4d, 0x4d] : [0x49, 0x49]);
  dv.setUint16(2, 42, le);
  dv.setUint32(4, 8, le); // IFD0 offset
  dv.setUint16(8, 1, le); // one entry
  dv.setUint16(10, 0x0112, le);
  dv.setUint16(12, 3, le); // SHORT
  dv.setUint32(14, 1, le);
  dv.setUint16(18, orientation, le);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const seg = Buffer.alloc(4 + payload.length);
  seg.writeUInt16BE(0xffe1, 0);
  seg.writeUInt16BE(2 + payload.length, 2);
  payload.copy(seg, 4);
  return Buffer.concat([jpeg.subarray(0, 2), seg, jpeg.subarray(2)]);
}
