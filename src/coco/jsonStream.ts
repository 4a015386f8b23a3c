import { open } from 'node:fs/promises';
import { MAX_JSON_NESTING } from '../util/jsonText.js';

/**
 * Streaming JSON reader for files too big for one string (LVIS v1 train is ~1 GB, past V8's
 * maximum string length). It scans bytes chunk by chunk and understands only the outer shape:
 * a top-level object whose values are parsed one by one, or a top-level array. Every array
 * (the value of a top-level key, or the top-level array itself) is streamed: the scanner finds
 * each element's byte range (strings, escapes and nesting are honoured) and hands whole runs of
 * complete elements to the native `JSON.parse` in one call per chunk, which checks everything
 * inside the elements. Only the bytes of the element in progress are kept between chunks.
 */

/** Receives what the scanner finds, in file order. */
export interface JsonStreamHandlers {
  /** A top-level object was opened (`'object'`) or the file is a top-level array (`'array'`). */
  onRoot?(kind: 'object' | 'array'): void;
  /** A top-level key whose value is an array starts (`key` is null for a top-level array). */
  onArrayStart?(key: string | null): void;
  /** Consecutive elements of that array; `firstIndex` is the index of `elements[0]`. */
  onElements(key: string | null, elements: unknown[], firstIndex: number): void;
  /** A top-level key whose value is not an array. */
  onValue(key: string, value: unknown): void;
}

/** A syntax problem at a byte offset; `path` is the JSON path of the record it lies in, if known. */
export class JsonStreamSyntaxError extends Error {
  constructor(
    readonly problem: string,
    readonly offset: number,
    readonly path?: string,
  ) {
    super(`${path ? `${path}: ` : ''}${problem} at byte offset ${offset}`);
    this.name = 'JsonStreamSyntaxError';
  }
}

const enum S {
  Start,
  ObjKeyFirst, // after '{': '"' or '}'
  ObjKey, // after ',': '"'
  Key, // inside a key string
  Colon,
  Value,
  AfterValue, // ',' or '}'
  ArrFirst, // after '[': element or ']'
  ArrNext, // after ',': element
  ArrAfterElem, // ',' or ']'
  End,
}

const enum V {
  None,
  Nested, // inside {...} or [...]
  Str, // a top-level string value
  Scalar, // number / true / false / null
}

const BOM = [0xef, 0xbb, 0xbf];
const WS = new Uint8Array(256);
WS[0x20] = WS[0x09] = WS[0x0a] = WS[0x0d] = 1;
/** Outside strings: 1 = '"', 2 = '{' or '[', 3 = '}' or ']', 0 = anything else. */
const SPECIAL = new Uint8Array(256);
SPECIAL[0x22] = 1;
SPECIAL[0x7b] = SPECIAL[0x5b] = 2;
SPECIAL[0x7d] = SPECIAL[0x5d] = 3;
/** Characters that end a scalar. */
const SCALAR_END = new Uint8Array(256);
SCALAR_END[0x20] = SCALAR_END[0x09] = SCALAR_END[0x0a] = SCALAR_END[0x0d] = 1;
SCALAR_END[0x2c] = SCALAR_END[0x5d] = SCALAR_END[0x7d] = 1;

/** Push chunks with `push`, then call `end`. Chunks are retained only while their bytes are needed. */
export class JsonStreamScanner {
  private state = S.Start;
  private v = V.None;
  private depth = 0;
  private inStr = false;
  private esc = false;
  /** Absolute offset of the first retained byte and the retained chunks. */
  private keepBase = 0;
  private parts: Buffer[] = [];
  private pos = 0; // absolute offset of the next unread byte
  private key: string | null = null;
  private keyStart = -1;
  private valueStart = -1;
  /** The batch of complete elements not yet parsed: [batchStart, batchEnd). */
  private batchStart = -1;
  private batchEnd = -1;
  private batchStarts: number[] = [];
  private batchEnds: number[] = [];
  private elemStart = -1;
  private elemIndex = 0; // index of the next element to be delivered
  private batchFirstIndex = 0;
  private pendingCount = 0; // complete elements in the batch
  private bom = 0; // bytes of a UTF-8 BOM seen at the start

  constructor(
    private readonly h: JsonStreamHandlers,
    /** Flush a batch once it holds this many bytes even mid-chunk (keeps strings small). */
    private readonly maxBatchBytes = 32 << 20,
  ) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.parts.push(chunk);
    const base = this.pos;
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.v !== V.None) {
        i = this.scanValue(chunk, i, base);
        continue;
      }
      const c = chunk[i]!;
      if (WS[c]) {
        i++;
        continue;
      }
      const at = base + i;
      switch (this.state) {
        case S.Start:
          if (at === this.bom && at < 3 && c === BOM[at]) {
            this.bom++; // skip a UTF-8 byte order mark
          } else if (this.bom > 0 && this.bom < 3) {
            this.fail('incomplete UTF-8 byte order mark at the start of the file', at);
          } else if (c === 0x7b) {
            this.state = S.ObjKeyFirst;
            this.h.onRoot?.('object');
          } else if (c === 0x5b) {
            this.state = S.ArrFirst;
            this.key = null;
            this.h.onRoot?.('array');
            this.startArray();
          } else this.fail(`expected '{' or '[' at the start of the file, found ${show(c)}`, at);
          i++;
          break;
        case S.ObjKeyFirst:
        case S.ObjKey:
          if (c === 0x22) {
            this.state = S.Key;
            this.keyStart = at;
            this.inStr = true;
            this.esc = false;
            i++;
          } else if (c === 0x7d && this.state === S.ObjKeyFirst) {
            this.state = S.End;
            i++;
          } else this.fail(`expected a key string, found ${show(c)}`, at);
          break;
        case S.Key:
          i = this.scanKey(chunk, i, base);
          break;
        case S.Colon:
          if (c !== 0x3a) this.fail(`expected ':' after key "${this.key}", found ${show(c)}`, at);
          this.state = S.Value;
          i++;
          break;
        case S.Value:
          if (c === 0x5b) {
            this.state = S.ArrFirst;
            this.startArray();
            i++;
          } else {
            this.valueStart = at;
            i = this.beginValue(i, base, c);
          }
          break;
        case S.AfterValue:
          if (c === 0x2c) this.state = S.ObjKey;
          else if (c === 0x7d) this.state = S.End;
          else this.fail(`expected ',' or '}' after the value of "${this.key}", found ${show(c)}`, at);
          i++;
          break;
        case S.ArrFirst:
        case S.ArrNext:
          if (c === 0x5d && this.state === S.ArrFirst) {
            this.endArray();
            i++;
          } else if (c === 0x5d || c === 0x2c) {
            this.fail(`expected an array element, found ${show(c)}`, at, this.elemPath(this.elemIndex + this.pendingCount));
          } else {
            this.elemStart = at;
            if (this.batchStart < 0) {
              this.batchStart = at;
              this.batchFirstIndex = this.elemIndex;
            }
            this.batchStarts.push(at);
            i = this.beginValue(i, base, c);
          }
          break;
        case S.ArrAfterElem:
          if (c === 0x2c) this.state = S.ArrNext;
          else if (c === 0x5d) this.endArray();
          else this.fail(`expected ',' or ']' after an array element, found ${show(c)}`, at, this.elemPath(this.elemIndex + this.pendingCount - 1));
          i++;
          break;
        case S.End:
          this.fail(`unexpected ${show(c)} after the end of the top-level value`, at);
      }
    }
    this.pos = base + n;
    // End of chunk: parse the complete elements so far, then drop bytes no longer needed.
    if (this.pendingCount > 0) this.flushBatch();
    this.trim();
  }

  /** Call after the last chunk; throws if the JSON is incomplete. */
  end(): void {
    if (this.state !== S.End) {
      const where = this.state === S.ArrFirst || this.state === S.ArrNext || this.state === S.ArrAfterElem
        ? this.elemPath(this.elemIndex + this.pendingCount)
        : this.key !== null ? this.key : undefined;
      this.fail(this.state === S.Start ? 'the file is empty' : 'unexpected end of file (the JSON is truncated)', this.pos, where);
    }
  }

  private startArray(): void {
    this.elemIndex = 0;
    this.pendingCount = 0;
    this.batchStart = -1;
    this.batchStarts.length = 0;
    this.batchEnds.length = 0;
    this.h.onArrayStart?.(this.key);
  }

  private endArray(): void {
    if (this.pendingCount > 0) this.flushBatch();
    this.state = this.key === null ? S.End : S.AfterValue;
  }

  /** Starts scanning a value whose first byte `c` is at index i of the chunk; returns the next index. */
  private beginValue(i: number, base: number, c: number): number {
    if (c === 0x7b || c === 0x5b) {
      this.v = V.Nested;
      this.depth = 1;
      this.inStr = false;
      this.esc = false;
      return i + 1;
    }
    if (c === 0x22) {
      this.v = V.Str;
      this.inStr = true;
      this.esc = false;
      return i + 1;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e || c === 0x4e || c === 0x49) {
      this.v = V.Scalar;
      return i + 1;
    }
    const inArr = this.state === S.ArrFirst || this.state === S.ArrNext;
    this.fail(`expected a JSON value, found ${show(c)}`, base + i, inArr ? this.elemPath(this.elemIndex + this.pendingCount) : (this.key ?? undefined));
  }

  /** Continues the value in progress; returns the next index. */
  private scanValue(chunk: Buffer, i: number, base: number): number {
    const n = chunk.length;
    if (this.v === V.Scalar) {
      while (i < n && !SCALAR_END[chunk[i]!]) i++;
      if (i < n) this.valueDone(base + i);
      return i;
    }
    let depth = this.depth;
    let inStr = this.inStr;
    let esc = this.esc;
    while (i < n) {
      if (inStr) {
        const c = chunk[i++]!;
        if (esc) esc = false;
        else if (c === 0x5c) esc = true;
        else if (c === 0x22) {
          inStr = false;
          if (this.v === V.Str) {
            depth = 0;
            break;
          }
        }
        continue;
      }
      // Outside strings most bytes are digits, commas and spaces: one table lookup skips them.
      const k = SPECIAL[chunk[i++]!]!;
      if (k === 0) continue;
      if (k === 1) inStr = true;
      else if (k === 2) {
        if (++depth > MAX_JSON_NESTING) this.tooDeep(base + i - 1);
      } else if (--depth === 0) break;
    }
    this.inStr = inStr;
    this.esc = esc;
    this.depth = depth;
    if (depth === 0 && !inStr) this.valueDone(base + i);
    return i;
  }

  /** The value in progress ended just before absolute offset `end`. */
  private valueDone(end: number): void {
    this.v = V.None;
    if (this.state === S.ArrFirst || this.state === S.ArrNext) {
      this.state = S.ArrAfterElem;
      this.batchEnd = end;
      this.batchEnds.push(end);
      this.elemStart = -1;
      this.pendingCount++;
      if (end - this.batchStart >= this.maxBatchBytes) this.flushBatch();
      return;
    }
    // A top-level key's non-array value.
    const text = this.text(this.valueStart, end);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      this.failParse(e, text, this.valueStart, this.key ?? undefined);
    }
    this.valueStart = -1;
    this.state = S.AfterValue;
    this.h.onValue(this.key!, value);
  }

  private scanKey(chunk: Buffer, i: number, base: number): number {
    const n = chunk.length;
    let esc = this.esc;
    while (i < n) {
      const c = chunk[i++]!;
      if (esc) esc = false;
      else if (c === 0x5c) esc = true;
      else if (c === 0x22) {
        this.esc = false;
        this.inStr = false;
        const text = this.text(this.keyStart, base + i);
        try {
          this.key = JSON.parse(text) as string;
        } catch (e) {
          this.failParse(e, text, this.keyStart);
        }
        this.keyStart = -1;
        this.state = S.Colon;
        return i;
      }
    }
    this.esc = esc;
    return i;
  }

  private flushBatch(): void {
    const start = this.batchStart;
    const end = this.batchEnd;
    const count = this.pendingCount;
    const text = '[' + this.text(start, end) + ']';
    let elements: unknown[];
    try {
      elements = JSON.parse(text) as unknown[];
    } catch {
      this.locateBadElement();
    }
    if (elements.length !== count) {
      // Cannot happen for valid element ranges; guards against a scanner bug.
      this.fail(`internal: expected ${count} elements, parsed ${elements.length}`, start, this.elemPath(this.batchFirstIndex));
    }
    const first = this.batchFirstIndex;
    this.elemIndex = first + count;
    this.pendingCount = 0;
    this.batchStarts.length = 0;
    this.batchEnds.length = 0;
    if (this.elemStart >= 0) {
      // An element is in progress: it starts the next batch.
      this.batchStart = this.elemStart;
      this.batchFirstIndex = this.elemIndex;
      this.batchStarts.push(this.elemStart);
    } else this.batchStart = -1;
    this.h.onElements(this.key, elements, first);
  }

  /** Drops retained chunks that end before every offset still needed. */
  private trim(): void {
    let need = this.pos;
    for (const o of [this.batchStart, this.elemStart, this.valueStart, this.keyStart]) if (o >= 0 && o < need) need = o;
    while (this.parts.length > 0 && this.keepBase + this.parts[0]!.length <= need) {
      this.keepBase += this.parts[0]!.length;
      this.parts.shift();
    }
  }

  /** The UTF-8 text of absolute byte range [start, end), which must be retained. */
  private text(start: number, end: number): string {
    let off = this.keepBase;
    let k = 0;
    while (k < this.parts.length && off + this.parts[k]!.length <= start) off += this.parts[k++]!.length;
    const first = this.parts[k]!;
    if (end - off <= first.length) return first.toString('utf8', start - off, end - off);
    const pieces: Buffer[] = [];
    for (let o = off; k < this.parts.length && o < end; o += this.parts[k++]!.length) {
      const p = this.parts[k]!;
      pieces.push(p.subarray(Math.max(0, start - o), Math.min(p.length, end - o)));
    }
    return Buffer.concat(pieces).toString('utf8');
  }

  /** Parses the batch's elements one by one to name the one that is not valid JSON. */
  private locateBadElement(): never {
    for (let k = 0; k < this.batchEnds.length; k++) {
      const text = this.text(this.batchStarts[k]!, this.batchEnds[k]!);
      try {
        JSON.parse(text);
      } catch (e) {
        this.failParse(e, text, this.batchStarts[k]!, this.elemPath(this.batchFirstIndex + k));
      }
    }
    this.fail('invalid JSON', this.batchStart, this.elemPath(this.batchFirstIndex));
  }

  /** Turns a `JSON.parse` error on `text` (which begins at absolute byte `start`) into a located error. */
  private failParse(e: unknown, text: string, start: number, path?: string): never {
    const msg = (e instanceof Error ? e.message : String(e)).replace(/^SyntaxError: /, '');
    const m = /at position (\d+)/.exec(msg);
    const offset = m ? start + Buffer.byteLength(text.slice(0, Number(m[1])), 'utf8') : start;
    const bad = /^Unexpected token '(N|I|-)'/.test(msg) ? /(?:^|[\s,:[])(-?(?:NaN|Infinity))\b/.exec(text) : null;
    if (bad) this.fail(`${bad[1]} is not valid JSON (numbers must be finite)`, offset, path);
    const problem = msg.replace(/ in JSON at position \d+.*$/, '');
    this.fail(`invalid JSON: ${problem}`, offset, path);
  }

  private tooDeep(offset: number): never {
    const path = this.state === S.ArrFirst || this.state === S.ArrNext ? this.elemPath(this.elemIndex + this.pendingCount) : (this.key ?? undefined);
    this.fail(`nested more than ${MAX_JSON_NESTING} levels deep`, offset, path);
  }

  private elemPath(index: number): string {
    return this.key === null ? `[${index}]` : `${this.key}[${index}]`;
  }

  private fail(problem: string, offset: number, path?: string): never {
    throw new JsonStreamSyntaxError(problem, offset, path);
  }
}

function show(c: number): string {
  if (c >= 0x20 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}

/** Streams a file through a scanner with `chunkSize`-byte reads. */
export async function scanJsonFile(path: string, handlers: JsonStreamHandlers, opts: { chunkSize?: number } = {}): Promise<void> {
  const chunkSize = opts.chunkSize ?? 8 << 20;
  const fh = await open(path, 'r');
  try {
    const scanner = new JsonStreamScanner(handlers);
    for (;;) {
      const buf = Buffer.allocUnsafe(chunkSize);
      const { bytesRead } = await fh.read(buf, 0, chunkSize, null);
      if (bytesRead === 0) break;
      scanner.push(bytesRead === chunkSize ? buf : buf.subarray(0, bytesRead));
    }
    scanner.end();
  } finally {
    await fh.close();
  }
}

/** 1-based line and column (in bytes) of a byte offset in a file. Used only to report errors. */
export async function lineColumnAt(path: string, offset: number): Promise<{ line: number; column: number }> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let line = 1;
    let lineStart = 0;
    let pos = 0;
    while (pos < offset) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, offset - pos), pos);
      if (bytesRead === 0) break;
      for (let i = 0; i < bytesRead; i++) {
        if (buf[i] === 0x0a) {
          line++;
          lineStart = pos + i + 1;
        }
      }
      pos += bytesRead;
    }
    return { line, column: offset - lineStart + 1 };
  } finally {
    await fh.close();
  }
}
