/**
 * Streaming splitter for the FF TCP push: JSON objects written back to back, with any
 * whitespace/CR/LF/NUL (or nothing) between them, possibly pretty-printed, arriving in arbitrary
 * chunks. Finds object boundaries only (string- and escape-aware brace counting over bytes, so a
 * split multi-byte UTF-8 character is harmless); JSON.parse is the caller's job.
 *
 * Resynchronisation:
 * - bytes outside an object that are not whitespace/NUL are garbage up to the next `{`;
 * - `}` followed (after whitespace) by `{` inside an object is impossible in JSON: the partial
 *   object is reported as garbage and a new object starts at that `{` (recovers from a stray `{`);
 * - a raw control byte inside a string is impossible in JSON: the partial object is garbage;
 * - a NUL outside a string inside an object is impossible in JSON (cameras use it between objects):
 *   the partial object is garbage;
 * - a value of the top-level object that is an object whose FIRST key is a top-level key
 *   (`topLevelKeys`: for FF `carID`, `plateText`, ...; never a key of FF's nested objects) is the
 *   start of the next object: the partial object before it was unterminated (`{"oops": ` and a line
 *   break) and is reported as garbage; the new object is kept, so only the broken bytes are lost;
 * - an object larger than maxObjectBytes is skipped (tracking its structure, or until `}` `{`
 *   appears regardless of strings) and reported as oversize.
 * Results are identical however the bytes are chunked. Partial data is kept as Buffer slices of
 * the pushed chunks, so callers must not mutate a chunk after pushing it.
 */

export type FramerOutput = { type: 'object'; text: string; bytes: number } | { type: 'garbage'; bytes: number; reason: string } | { type: 'oversize'; bytes: number };

export interface JsonObjectFramerOptions {
  /** Largest accepted object in bytes; bigger ones are skipped and reported as oversize. */
  maxObjectBytes: number;
  /** Keys only a top-level object has (see the resynchronisation rules above); none: no such rule. */
  topLevelKeys?: ReadonlySet<string>;
}

const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const IDLE = 0;
const GARBAGE = 1;
const OBJECT = 2;
const SKIP = 3;

export const GARBAGE_OUTSIDE = 'unexpected bytes outside an object';
export const GARBAGE_UNCLOSED = 'unterminated object followed by a new object';
export const GARBAGE_CONTROL = 'control character inside a string';
export const GARBAGE_TRUNCATED = 'truncated object at end of stream';
export const GARBAGE_NUL = 'NUL inside an object';
export const GARBAGE_UNTERMINATED = 'unterminated object followed by a new top-level object';
/** Longest first key checked against topLevelKeys (longer keys are never top-level keys). */
const MAX_KEY_BYTES = 64;
/** watch: not watching / after the `{` of a top-level value, before its first key / inside that key. */
const W_NONE = 0;
const W_BEFORE_KEY = 1;
const W_IN_KEY = 2;

/** JSON whitespace plus NUL. */
function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x00;
}

export class JsonObjectFramer {
  private readonly max: number;
  private mode = IDLE;
  // Current object (OBJECT and SKIP modes).
  private parts: Buffer[] = [];
  private partBytes = 0;
  private depth = 0;
  private inString = false;
  private escaping = false;
  private afterClose = false;
  // Start of the current object within the chunk being scanned (0 when it began earlier).
  private objStart = 0;
  // GARBAGE / SKIP accounting.
  private garbageBytes = 0;
  private garbageReason = GARBAGE_OUTSIDE;
  private skipped = 0;
  // Top-level-key watch (OBJECT mode): where the watched `{` is (offset in the object) and its first key so far.
  private readonly topKeys: ReadonlySet<string> | null;
  private watch = W_NONE;
  private watchAt = 0;
  private key: number[] = [];

  constructor(opts: JsonObjectFramerOptions) {
    if (!(opts.maxObjectBytes >= 2)) throw new RangeError('maxObjectBytes must be at least 2');
    this.max = opts.maxObjectBytes;
    this.topKeys = opts.topLevelKeys?.size ? opts.topLevelKeys : null;
  }

  /** Bytes of the unfinished object held in memory (0 between objects, in garbage and while skipping). */
  get bufferedBytes(): number {
    return this.mode === OBJECT ? this.partBytes : 0;
  }

  /** Feed the next chunk; returns what it completed, in stream order. */
  push(chunk: Buffer): FramerOutput[] {
    const out: FramerOutput[] = [];
    const n = chunk.length;
    this.objStart = 0;
    let i = 0;
    while (i < n) {
      if (this.mode === OBJECT) i = this.scanObject(chunk, i, out);
      else if (this.mode === SKIP) i = this.scanSkip(chunk, i, out);
      else i = this.scanOutside(chunk, i, out);
    }
    if (this.mode === OBJECT && this.objStart < n) {
      this.parts.push(chunk.subarray(this.objStart, n));
      this.partBytes += n - this.objStart;
    }
    return out;
  }

  /** End of stream: reports any unfinished object or garbage run, then resets. */
  end(): FramerOutput[] {
    const out: FramerOutput[] = [];
    if (this.mode === OBJECT) out.push({ type: 'garbage', bytes: this.partBytes, reason: GARBAGE_TRUNCATED });
    else if (this.mode === SKIP) out.push({ type: 'oversize', bytes: this.skipped });
    else if (this.mode === GARBAGE) out.push({ type: 'garbage', bytes: this.garbageBytes, reason: this.garbageReason });
    this.mode = IDLE;
    this.parts = [];
    this.partBytes = 0;
    this.garbageBytes = 0;
    this.skipped = 0;
    return out;
  }

  private startObject(at: number): void {
    this.mode = OBJECT;
    this.objStart = at;
    this.parts = [];
    this.partBytes = 0;
    this.depth = 1;
    this.inString = false;
    this.escaping = false;
    this.afterClose = false;
    this.watch = W_NONE;
  }

  private flushGarbage(out: FramerOutput[]): void {
    if (this.garbageBytes > 0) out.push({ type: 'garbage', bytes: this.garbageBytes, reason: this.garbageReason });
    this.garbageBytes = 0;
    this.garbageReason = GARBAGE_OUTSIDE;
  }

  /** IDLE/GARBAGE: skip whitespace, count garbage, stop at `{`. */
  private scanOutside(chunk: Buffer, i: number, out: FramerOutput[]): number {
    const n = chunk.length;
    let garbage = this.garbageBytes;
    let mode = this.mode;
    while (i < n) {
      const b = chunk[i];
      if (b === OPEN) {
        this.garbageBytes = garbage;
        this.flushGarbage(out);
        this.startObject(i);
        return i + 1;
      }
      if (mode === GARBAGE || !isSpace(b)) {
        mode = GARBAGE;
        garbage++;
      }
      i++;
    }
    this.mode = mode;
    this.garbageBytes = garbage;
    return i;
  }

  /** OBJECT: brace counting until depth 0, the size cap, or a resync condition. */
  private scanObject(chunk: Buffer, i: number, out: FramerOutput[]): number {
    const n = chunk.length;
    const start = this.objStart;
    const stop = Math.min(n, start + (this.max - this.partBytes));
    let depth = this.depth;
    let inString = this.inString;
    let escaping = this.escaping;
    let afterClose = this.afterClose;
    let watch = this.watch;
    while (i < stop) {
      if (inString && !escaping && watch === W_NONE) {
        // Most bytes are inside strings: run to the next quote, backslash or control byte in a tight
        // loop (the bytes skipped change no state; ~3× fewer instructions per byte than the loop below).
        while (i < stop) {
          const c = chunk[i];
          if (c === QUOTE || c === BACKSLASH || c < 0x20) break;
          i++;
        }
        if (i === stop) break;
      }
      const b = chunk[i++];
      if (watch === W_BEFORE_KEY) {
        if (b === QUOTE) {
          watch = W_IN_KEY;
          this.key.length = 0;
          inString = true;
          continue;
        }
        if (b !== 0 && isSpace(b)) continue;
        watch = W_NONE; // not a key (an empty object, or malformed): handled below
      } else if (watch === W_IN_KEY) {
        if (b === QUOTE) {
          inString = false;
          watch = W_NONE;
          if (this.topKeys!.has(Buffer.from(this.key).toString('utf8'))) {
            this.resyncAtWatched(start, out);
            return i;
          }
          continue;
        }
        if (b !== BACKSLASH && b >= 0x20 && this.key.length < MAX_KEY_BYTES) {
          this.key.push(b);
          continue;
        }
        watch = W_NONE; // an escape, a control byte or a long key: never a top-level key
      }
      if (inString) {
        if (escaping) escaping = false;
        else if (b === BACKSLASH) escaping = true;
        else if (b === QUOTE) inString = false;
        else if (b < 0x20) {
          // Malformed: drop the partial object and resync at the next `{`.
          this.mode = GARBAGE;
          this.garbageBytes = this.partBytes + (i - start);
          this.garbageReason = GARBAGE_CONTROL;
          this.parts = [];
          this.partBytes = 0;
          return i;
        }
      } else if (b === QUOTE) {
        inString = true;
        afterClose = false;
      } else if (b === OPEN) {
        if (afterClose) {
          out.push({ type: 'garbage', bytes: this.partBytes + (i - 1 - start), reason: GARBAGE_UNCLOSED });
          this.startObject(i - 1);
          return i;
        }
        if (depth === 1 && this.topKeys) {
          watch = W_BEFORE_KEY;
          this.watchAt = this.partBytes + (i - 1 - start);
        }
        depth++;
      } else if (b === CLOSE) {
        if (--depth === 0) {
          this.emit(chunk, start, i, out);
          this.mode = IDLE;
          return i;
        }
        afterClose = true;
      } else if (b === 0) {
        // NUL separates objects; inside one it means the object was cut short.
        out.push({ type: 'garbage', bytes: this.partBytes + (i - start), reason: GARBAGE_NUL });
        this.mode = IDLE;
        this.parts = [];
        this.partBytes = 0;
        return i;
      } else if (afterClose && !isSpace(b)) {
        afterClose = false;
      }
    }
    this.watch = watch;
    this.depth = depth;
    this.inString = inString;
    this.escaping = escaping;
    this.afterClose = afterClose;
    if (i < n) {
      // The object needs more than max bytes: skip the rest of it.
      this.mode = SKIP;
      this.skipped = this.partBytes + (i - start);
      this.parts = [];
      this.partBytes = 0;
    }
    return i;
  }

  /**
   * The watched `{` (at object offset `watchAt`) opens a new top-level object: what came before it
   * is garbage; the new object continues from there (we are just past its first key, at depth 1).
   */
  private resyncAtWatched(start: number, out: FramerOutput[]): void {
    out.push({ type: 'garbage', bytes: this.watchAt, reason: GARBAGE_UNTERMINATED });
    if (this.watchAt >= this.partBytes) {
      this.objStart = start + (this.watchAt - this.partBytes);
      this.parts = [];
      this.partBytes = 0;
    } else {
      const earlier = Buffer.concat(this.parts, this.partBytes).subarray(this.watchAt);
      this.parts = [earlier];
      this.partBytes = earlier.length;
      this.objStart = start;
    }
    this.depth = 1;
    this.inString = false;
    this.escaping = false;
    this.afterClose = false;
    this.watch = W_NONE;
  }

  private emit(chunk: Buffer, start: number, end: number, out: FramerOutput[]): void {
    const bytes = this.partBytes + (end - start);
    let text: string;
    if (this.parts.length === 0) text = chunk.toString('utf8', start, end);
    else {
      this.parts.push(chunk.subarray(start, end));
      text = Buffer.concat(this.parts, bytes).toString('utf8');
    }
    this.parts = [];
    this.partBytes = 0;
    out.push({ type: 'object', text, bytes });
  }

  /**
   * SKIP: follow the oversized object's structure to its end; also stop at `}` + whitespace + `{`
   * regardless of string state, so a broken (never-closing) object cannot swallow the stream.
   */
  private scanSkip(chunk: Buffer, i: number, out: FramerOutput[]): number {
    const n = chunk.length;
    const from = i;
    let depth = this.depth;
    let inString = this.inString;
    let escaping = this.escaping;
    let rawAfterClose = this.afterClose;
    while (i < n) {
      const b = chunk[i++];
      if (b === CLOSE) rawAfterClose = true;
      else if (b === OPEN && rawAfterClose) {
        out.push({ type: 'oversize', bytes: this.skipped + (i - 1 - from) });
        this.skipped = 0;
        this.startObject(i - 1);
        return i;
      } else if (rawAfterClose && !isSpace(b)) rawAfterClose = false;

      if (inString) {
        if (escaping) escaping = false;
        else if (b === BACKSLASH) escaping = true;
        else if (b === QUOTE) inString = false;
      } else if (b === QUOTE) inString = true;
      else if (b === OPEN) depth++;
      else if (b === CLOSE && --depth === 0) {
        out.push({ type: 'oversize', bytes: this.skipped + (i - from) });
        this.mode = IDLE;
        this.skipped = 0;
        return i;
      }
    }
    this.skipped += i - from;
    this.depth = depth;
    this.inString = inString;
    this.escaping = escaping;
    this.afterClose = rawAfterClose;
    return i;
  }
}
