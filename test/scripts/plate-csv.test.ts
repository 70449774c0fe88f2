/** The plate list CSV of `npm run plates:import`, parsed and checked on its own: header, each row's checks with its line, chunks. */
import { describe, expect, it } from 'vitest';
import { apiEntry, chunkEntries, isoTime, parsePlateCsv } from '../../scripts/lib/plate-csv.ts';

describe('parsePlateCsv', () => {
  it('reads entries with optional columns in any order, quoted fields and a BOM; lines count from the header', () => {
    const r = parsePlateCsv('\ufeffvalidTo,Plate,label\n2026-01-01T00:00:00Z,AB-123,"Smith, J."\n\n,"CD 456","two\nlines"\n,EF789,\n');
    expect(r.fatal).toBeNull();
    expect(r.problems).toEqual([]);
    expect(r.rows).toBe(3);
    expect(r.entries).toEqual([
      { line: 2, plate: 'AB-123', label: 'Smith, J.', validTo: '2026-01-01T00:00:00.000Z' },
      { line: 4, plate: 'CD 456', label: 'two\nlines' },
      { line: 6, plate: 'EF789' },
    ]);
    expect(apiEntry(r.entries[0])).toEqual({ plate: 'AB-123', label: 'Smith, J.', validTo: '2026-01-01T00:00:00.000Z' });
  });

  it('reports each bad row with its line and keeps the others', () => {
    const csv = [
      'plate,label,validFrom,validTo',
      'OK1,,,',
      ',no plate,,',
      ' - ,only separators,,',
      `${'A'.repeat(21)},too long,,`,
      `OK2,${'x'.repeat(201)},,`,
      'OK3,,yesterday,',
      'OK4,,2025-06-02T00:00:00Z,2025-06-01T00:00:00Z',
      'OK5,too,many,fields,here',
      'OK6,,2025-06-01,2025-06-01T10:00:00+02:00',
    ].join('\r\n');
    const r = parsePlateCsv(csv);
    expect(r.fatal).toBeNull();
    expect(r.rows).toBe(9);
    expect(r.problems.map((p) => [p.line, p.message.split(':')[0]])).toEqual([
      [3, 'plate'],
      [4, 'plate'],
      [5, 'plate'],
      [6, 'label'],
      [7, 'validFrom'],
      [8, 'validFrom must be before validTo'],
      [9, 'expected 4 fields, got 5'],
    ]);
    expect(r.entries.map((e) => [e.line, e.plate, e.validFrom, e.validTo])).toEqual([
      [2, 'OK1', undefined, undefined],
      [10, 'OK6', '2025-06-01T00:00:00.000Z', '2025-06-01T08:00:00.000Z'],
    ]);
  });

  it('stops at a bad header or broken quoting', () => {
    expect(parsePlateCsv('').fatal?.message).toMatch(/empty file/);
    expect(parsePlateCsv('label\nx\n').fatal?.message).toMatch(/plate column is required/);
    expect(parsePlateCsv('plate,colour\nA1,red\n').fatal).toEqual({ line: 1, message: expect.stringMatching(/unknown column "colour"/) });
    expect(parsePlateCsv('plate,plate\nA1,A2\n').fatal?.message).toMatch(/appears twice/);
    expect(parsePlateCsv('plate\nA1\n"B2\n').fatal?.message).toMatch(/not valid CSV/);
  });

  it('isoTime takes ISO-8601 times with a zone, or dates', () => {
    expect(isoTime('2025-06-01T08:00:00Z')).toBe('2025-06-01T08:00:00.000Z');
    expect(isoTime('2025-06-01T08:00+0200')).toBe('2025-06-01T06:00:00.000Z');
    expect(isoTime('2025-06-01')).toBe('2025-06-01T00:00:00.000Z');
    for (const bad of ['2025-06-01T08:00:00', '01/06/2025', 'now', '2025-13-01']) expect(isoTime(bad), bad).toBeNull();
  });
});

describe('chunkEntries', () => {
  it('cuts at the count and before a call would pass the byte limit', () => {
    const entries = Array.from({ length: 25_000 }, (_, i) => ({ line: i + 2, plate: `P${i}` }));
    expect(chunkEntries(entries, 10_000_000).map((c) => c.length)).toEqual([10_000, 10_000, 5_000]);
    const labelled = Array.from({ length: 100 }, (_, i) => ({ line: i + 2, plate: `P${i}`, label: 'x'.repeat(200) }));
    const chunks = chunkEntries(labelled, 10_000);
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) expect(Buffer.byteLength(JSON.stringify(c.map(apiEntry)))).toBeLessThan(10_000);
    expect(chunks.flat()).toEqual(labelled);
  });
});
