/** The OCR-aware plate distance: look-alikes free, one edit costs one, bounded early exit. */
import { describe, expect, it } from 'vitest';
import { boundedLevenshtein, OCR_LOOKALIKES, ocrCanonical, ocrDistance } from '../../../src/core/plates/ocr.ts';

describe('ocrCanonical', () => {
  it('maps every member of a look-alike class to its representative and leaves other characters', () => {
    for (const [rep, members] of OCR_LOOKALIKES) for (const c of members) expect(ocrCanonical(c), c).toBe(rep);
    expect(ocrCanonical('DO1Z')).toBe('0012');
    expect(ocrCanonical('AXK')).toBe('AXK');
  });
});

describe('ocrDistance', () => {
  it('is 0 for plates that differ only in look-alikes (each class of the contract)', () => {
    expect(ocrDistance('1AB2345', 'IAB2345')).toBe(0); // 1/I
    expect(ocrDistance('0Q8', 'DO8')).toBe(0); // 0/O/D/Q
    expect(ocrDistance('L7T', '171')).toBe(0); // 1/L/T
    expect(ocrDistance('Z5', '2S')).toBe(0); // 2/Z, 5/S
    expect(ocrDistance('B6', '8G')).toBe(0); // 8/B, 6/G
  });

  it('counts a real substitution, insertion or deletion as one', () => {
    expect(ocrDistance('1AB2345', '1AC2345')).toBe(1);
    expect(ocrDistance('1AB2345', '1AB23456')).toBe(1);
    expect(ocrDistance('1AB2345', '1A2345')).toBe(1);
    expect(ocrDistance('ABC', 'XYZ')).toBe(3);
    expect(ocrDistance('', 'ABC')).toBe(3);
  });

  it('stops at max + 1 when the distance is larger', () => {
    expect(ocrDistance('AAAAAAA', 'XXXXXXX', 1)).toBe(2);
    expect(ocrDistance('A', 'AXXXX', 2)).toBe(3);
    expect(ocrDistance('1AB2345', '1AC2345', 1)).toBe(1);
  });

  it('bounded Levenshtein agrees with the unbounded one whenever the result is within the bound', () => {
    const words = ['KITTEN', 'SITTING', 'SITTEN', 'KITCHEN', 'MITTEN', 'K', ''];
    for (const a of words)
      for (const b of words)
        for (const max of [0, 1, 2, 3]) {
          const full = boundedLevenshtein(a, b);
          expect(boundedLevenshtein(a, b, max), `${a}/${b}/${max}`).toBe(full <= max ? full : max + 1);
        }
    expect(boundedLevenshtein('KITTEN', 'SITTING')).toBe(3);
  });
});
