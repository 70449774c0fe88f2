/** The ustar writer of exports (core/exports/tar.ts): header fields, checksum, padding, end marker. Pure. */
import { describe, expect, it } from 'vitest';
import { tarEnd, tarHeader, tarPadding } from '../../src/core/exports/tar.ts';

const text = (b: Buffer, at: number, len: number) =>
  b
    .subarray(at, at + len)
    .toString('utf8')
    .replace(/\0.*$/s, '');

describe('tar writer', () => {
  it('writes a ustar header whose checksum tar accepts', () => {
    const h = tarHeader('plate-export/events.json', 1234, new Date('2026-06-01T00:00:00Z'));
    expect(h.length).toBe(512);
    expect(text(h, 0, 100)).toBe('plate-export/events.json');
    expect(Number.parseInt(text(h, 124, 12), 8)).toBe(1234);
    expect(Number.parseInt(text(h, 136, 12), 8)).toBe(Date.parse('2026-06-01T00:00:00Z') / 1000);
    expect(text(h, 156, 1)).toBe('0');
    expect(text(h, 257, 6)).toBe('ustar');
    const stored = Number.parseInt(text(h, 148, 8).trim(), 8);
    const copy = Buffer.from(h);
    copy.fill(0x20, 148, 156);
    expect(stored).toBe(copy.reduce((s, b) => s + b, 0));
  });

  it('pads files to whole blocks and ends with two zero blocks; refuses what does not fit', () => {
    expect(tarPadding(0).length).toBe(0);
    expect(tarPadding(1).length).toBe(511);
    expect(tarPadding(512).length).toBe(0);
    expect(tarPadding(513).length).toBe(511);
    expect(tarEnd().equals(Buffer.alloc(1024))).toBe(true);
    expect(() => tarHeader('x'.repeat(101), 1, new Date())).toThrow(/100 bytes/);
    expect(() => tarHeader('big', 8 ** 11, new Date())).toThrow(/does not fit/);
  });
});
