/**
 * Tiny but valid images for the simulators (FF camera crops, IVMS alert snapshots), built without dependencies.
 *
 * JPEG: a 16x16 grayscale baseline JPEG whose four 8x8 blocks get flat gray levels derived from
 * the seed text, followed by COM segments carrying the seed (so every image differs and is
 * content-addressable) and padding up to the requested size.
 */
import { deflateSync } from 'node:zlib';
import { fnv1a } from './rng.ts';

const JPEG_COM_MAX_DATA = 65533; // segment length field (2 bytes) counts itself

function segment(marker: number, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head[0] = 0xff;
  head[1] = marker;
  head.writeUInt16BE(data.length + 2, 2);
  return Buffer.concat([head, data]);
}

/** Writes bits MSB first, with JPEG 0xFF byte stuffing, padding the last byte with 1-bits. */
class BitWriter {
  private bytes: number[] = [];
  private acc = 0;
  private n = 0;
  write(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1);
      if (++this.n === 8) this.emit();
    }
  }
  private emit(): void {
    this.bytes.push(this.acc);
    if (this.acc === 0xff) this.bytes.push(0x00);
    this.acc = 0;
    this.n = 0;
  }
  finish(): Buffer {
    while (this.n !== 0) this.write(1, 1);
    return Buffer.from(this.bytes);
  }
}

/** Entropy-coded data for 2x2 flat blocks: DC diff (4-bit category code + magnitude bits) then EOB. */
function scanData(levels: number[]): Buffer {
  const bits = new BitWriter();
  let pred = 0;
  for (const level of levels) {
    const dc = (level - 128) * 8; // flat block: pixel = dc / 8 + 128 with an all-ones quant table
    const diff = dc - pred;
    pred = dc;
    const magnitude = Math.abs(diff);
    const category = magnitude === 0 ? 0 : Math.floor(Math.log2(magnitude)) + 1;
    bits.write(category, 4); // DC table: categories 0..11 as 4-bit codes 0000..1011
    if (category > 0) bits.write(diff > 0 ? diff : diff + (1 << category) - 1, category);
    bits.write(0, 1); // AC table: the only code, "0" = EOB
  }
  return bits.finish();
}

function comSegments(text: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < text.length; i += JPEG_COM_MAX_DATA) {
    out.push(segment(0xfe, text.subarray(i, i + JPEG_COM_MAX_DATA)));
  }
  return out;
}

function filler(length: number, seed: number): Buffer {
  const buf = Buffer.alloc(Math.max(0, length));
  let x = seed || 1;
  for (let i = 0; i < buf.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    buf[i] = 0x21 + ((x >>> 0) % 94); // printable ASCII, never 0xFF
  }
  return buf;
}

/**
 * A valid baseline JPEG (FF D8 … FF D9) unique to `seedText`, padded with COM segments to about
 * `approxBytes` (never smaller than the minimal image, ~260 bytes).
 */
export function makeJpeg(seedText: string, approxBytes: number): Buffer {
  const h = fnv1a(seedText);
  const levels = [0, 1, 2, 3].map((i) => 16 + (((h >>> (i * 8)) & 0xff) % 224));
  const jfif = segment(0xe0, Buffer.from([0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]));
  const dqt = segment(0xdb, Buffer.concat([Buffer.from([0x00]), Buffer.alloc(64, 1)]));
  const sof = segment(0xc0, Buffer.from([8, 0, 16, 0, 16, 1, 1, 0x11, 0]));
  const dcBits = Buffer.alloc(16);
  dcBits[3] = 12;
  const dhtDc = segment(0xc4, Buffer.concat([Buffer.from([0x00]), dcBits, Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])]));
  const acBits = Buffer.alloc(16);
  acBits[0] = 1;
  const dhtAc = segment(0xc4, Buffer.concat([Buffer.from([0x10]), acBits, Buffer.from([0x00])]));
  const sos = segment(0xda, Buffer.from([1, 1, 0x00, 0, 63, 0]));
  const head = [Buffer.from([0xff, 0xd8]), jfif];
  const tail = [dqt, sof, dhtDc, dhtAc, sos, scanData(levels), Buffer.from([0xff, 0xd9])];
  const comment = Buffer.from(`ff-sim ${seedText}`, 'utf8');
  const base = [...head, ...tail].reduce((n, b) => n + b.length, 0) + comment.length + 4;
  const padding = filler(approxBytes - base, h);
  // Each additional COM segment costs 4 header bytes; trim the filler so the total stays close.
  const extraSegments = Math.max(0, Math.ceil((comment.length + padding.length) / JPEG_COM_MAX_DATA) - 1);
  const text = Buffer.concat([comment, padding.subarray(0, Math.max(0, padding.length - extraSegments * 4))]);
  return Buffer.concat([...head, ...comSegments(text), ...tail]);
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A valid 8x8 grayscale PNG unique to `seedText`, padded with a tEXt chunk to about `approxBytes`. */
export function makePng(seedText: string, approxBytes: number): Buffer {
  const h = fnv1a(seedText);
  const ihdr = Buffer.from([0, 0, 0, 8, 0, 0, 0, 8, 8, 0, 0, 0, 0]);
  const raw = Buffer.alloc(8 * 9);
  for (let y = 0; y < 8; y++) raw.fill((h >>> (y * 4)) & 0xff, y * 9 + 1, y * 9 + 9); // filter 0 + 8 px
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw))];
  const end = pngChunk('IEND', Buffer.alloc(0));
  const textHead = Buffer.from(`Comment\0ff-sim ${seedText}`, 'latin1');
  const used = parts.reduce((n, b) => n + b.length, 0) + end.length + 12 + textHead.length;
  parts.push(pngChunk('tEXt', Buffer.concat([textHead, filler(approxBytes - used, h)])));
  return Buffer.concat([...parts, end]);
}

/** True when the buffer starts with SOI and ends with EOI. */
export function looksLikeJpeg(buf: Buffer): boolean {
  return buf.length > 4 && buf[0] === 0xff && buf[1] === 0xd8 && buf[buf.length - 2] === 0xff && buf[buf.length - 1] === 0xd9;
}
