/**
 * What a JPEG file's markers say, read without decoding: frame size, component count, progressive
 * or not, the EXIF orientation (APP1 `Exif\0\0`, TIFF tag 0x0112 in IFD0), and — walking the
 * entropy-coded scans too — whether the file reaches its end-of-image marker (a truncated file
 * does not).
 */

export interface JpegInfo {
  /** Size as stored (before the EXIF orientation). */
  width: number;
  height: number;
  components: number;
  progressive: boolean;
  /** EXIF orientation 1–8 (1 when absent or unreadable). */
  orientation: number;
  /** Whether the end-of-image marker was found (set only when `scanToEnd`). */
  complete: boolean;
}

/** Whether the bytes start with a JPEG start-of-image marker. */
export function isJpeg(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

/**
 * Reads the markers of a JPEG. Stops at the first scan unless `scanToEnd`, in which case it walks
 * every scan's entropy-coded data (skipping stuffed `FF 00` and restart markers) to the EOI marker.
 * Returns null where the bytes are not a JPEG or no frame header comes before the data ends.
 */
export function readJpegInfo(b: Uint8Array, scanToEnd = false): JpegInfo | null {
  if (!isJpeg(b)) return null;
  let width = 0;
  let height = 0;
  let components = 0;
  let progressive = false;
  let orientation = 1;
  let p = 2;
  const n = b.length;
  while (p + 2 <= n) {
    if (b[p] !== 0xff) {
      p++; // stray bytes before a marker are skipped, as libjpeg does
      continue;
    }
    const marker = b[p + 1]!;
    if (marker === 0xff) {
      p++; // fill byte
      continue;
    }
    if (marker === 0xd9) return frameOrNull(true);
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      p += 2; // standalone markers
      continue;
    }
    if (p + 4 > n) break;
    const len = (b[p + 2]! << 8) | b[p + 3]!;
    const seg = p + 4;
    const end = p + 2 + len;
    if (len < 2 || end > n) return frameOrNull(false);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc && len >= 8) {
      height = (b[seg + 1]! << 8) | b[seg + 2]!;
      width = (b[seg + 3]! << 8) | b[seg + 4]!;
      components = b[seg + 5]!;
      progressive = marker === 0xc2 || marker === 0xc6 || marker === 0xca || marker === 0xce;
    } else if (marker === 0xe1 && orientation === 1) {
      orientation = exifOrientation(b.subarray(seg, end));
    } else if (marker === 0xda) {
      if (!scanToEnd) return frameOrNull(false);
      p = skipEntropyData(b, end);
      continue;
    }
    p = end;
  }
  return frameOrNull(false);

  function frameOrNull(complete: boolean): JpegInfo | null {
    return width > 0 && height > 0 ? { width, height, components, progressive, orientation, complete } : null;
  }
}

/** The offset of the first marker after entropy-coded data starting at `p` (`b.length` if none). */
function skipEntropyData(b: Uint8Array, p: number): number {
  const n = b.length;
  for (; p + 1 < n; p++) {
    if (b[p] !== 0xff) continue;
    const m = b[p + 1]!;
    if (m === 0x00 || m === 0xff || (m >= 0xd0 && m <= 0xd7)) continue;
    return p;
  }
  return n;
}

/** The orientation tag (1–8) of an APP1 payload, 1 when it is not EXIF or has no valid tag. */
export function exifOrientation(app1: Uint8Array): number {
  // "Exif\0\0" then a TIFF header
  if (app1.length < 14 || app1[0] !== 0x45 || app1[1] !== 0x78 || app1[2] !== 0x69 || app1[3] !== 0x66 || app1[4] !== 0 || app1[5] !== 0) return 1;
  const t = app1.subarray(6);
  const little = t[0] === 0x49 && t[1] === 0x49;
  if (!little && !(t[0] === 0x4d && t[1] === 0x4d)) return 1;
  const u16 = (o: number) => (little ? t[o]! | (t[o + 1]! << 8) : (t[o]! << 8) | t[o + 1]!);
  const u32 = (o: number) => (little ? (t[o]! | (t[o + 1]! << 8) | (t[o + 2]! << 16)) + t[o + 3]! * 2 ** 24 : t[o]! * 2 ** 24 + ((t[o + 1]! << 16) | (t[o + 2]! << 8) | t[o + 3]!));
  const ifd = u32(4);
  if (ifd + 2 > t.length) return 1;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > t.length) return 1;
    if (u16(e) !== 0x0112) continue;
    // type SHORT (3), count 1: the value sits in the first two bytes of the value field
    const v = u16(e + 2) === 3 ? u16(e + 8) : 1;
    return v >= 1 && v <= 8 ? v : 1;
  }
  return 1;
}
