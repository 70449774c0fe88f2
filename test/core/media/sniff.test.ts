import { describe, expect, it } from 'vitest';
import { isAcceptedImage, sniffContentType } from '../../../src/core/media/sniff.ts';

const bytes = (...parts: Array<number[] | string>) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? Array.from(p, (c) => c.charCodeAt(0)) : p)));

function transportStream(packets: number): Uint8Array {
  const out = new Uint8Array(188 * packets);
  for (let i = 0; i < packets; i++) out[i * 188] = 0x47;
  return out;
}

function bmp(dibSize: number): Uint8Array {
  const b = new Uint8Array(64);
  b.set([0x42, 0x4d]);
  new DataView(b.buffer).setUint32(14, dibSize, true);
  return b;
}

describe('sniffContentType', () => {
  it.each([
    ['image/jpeg', bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF')],
    ['image/png', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 'IHDR')],
    ['image/gif', bytes('GIF89a', [1, 0, 1, 0])],
    ['image/gif', bytes('GIF87a', [1, 0, 1, 0])],
    ['image/webp', bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 ')],
    ['image/bmp', bmp(40)],
    ['image/bmp', bmp(124)],
    ['video/mp4', bytes([0, 0, 0, 0x20], 'ftypisom', [0, 0, 2, 0])],
    ['video/mp2t', transportStream(3)],
  ])('detects %s', (type, data) => {
    expect(sniffContentType(data)).toBe(type);
  });

  it.each([
    ['empty', new Uint8Array(0)],
    ['truncated jpeg', bytes([0xff, 0xd8])],
    ['text', bytes('{"plate":"AB123"}')],
    ['RIFF that is not WEBP (WAV)', bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt ')],
    ['"BM" text', bytes('BM is a plain sentence, not a bitmap')],
    ['a lone G', bytes('GET / HTTP/1.1')],
    ['one TS packet only', transportStream(1)],
    [
      'broken TS sync',
      (() => {
        const t = transportStream(3);
        t[376] = 0;
        return t;
      })(),
    ],
    ['html', bytes('<html><body>')],
  ])('returns null for %s', (_label, data) => {
    expect(sniffContentType(data)).toBeNull();
  });

  it('accepts a Buffer', () => {
    expect(sniffContentType(Buffer.from([0xff, 0xd8, 0xff, 0xdb]))).toBe('image/jpeg');
  });
});

describe('isAcceptedImage', () => {
  it('accepts the image types and nothing else', () => {
    for (const t of ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/bmp']) expect(isAcceptedImage(t)).toBe(true);
    for (const t of ['video/mp4', 'video/mp2t', 'image/svg+xml', 'text/html', '', null, undefined]) expect(isAcceptedImage(t)).toBe(false);
  });
});
