/**
 * OCR-aware plate distance (contract, "Plate lists"): an edit distance in which characters OCR
 * confuses cost nothing — 0/O/D/Q, 1/I/L/T, 2/Z, 5/S, 8/B, 6/G. Mapping every character to its
 * look-alike class first (`ocrCanonical`) makes those substitutions plain matches, so the distance is
 * the ordinary Levenshtein distance of the canonical forms, and equal canonical forms are distance 0.
 * Pure functions; inputs are normalized plates (normalizePlate: upper case, no separators).
 */

/** Each look-alike class and the character that stands for it in canonical forms. */
export const OCR_LOOKALIKES: ReadonlyArray<readonly [representative: string, members: string]> = [
  ['0', '0ODQ'],
  ['1', '1ILT'],
  ['2', '2Z'],
  ['5', '5S'],
  ['8', '8B'],
  ['6', '6G'],
];

const CANONICAL = new Map<string, string>(OCR_LOOKALIKES.flatMap(([rep, members]) => [...members].map((c) => [c, rep] as const)));

/** A normalized plate with every look-alike replaced by its class's representative ("DO1Z" → "0012"). */
export function ocrCanonical(plateNormalized: string): string {
  let out = '';
  for (const c of plateNormalized) out += CANONICAL.get(c) ?? c;
  return out;
}

/**
 * The OCR-aware edit distance of two normalized plates, or `max + 1` as soon as it is known to exceed
 * `max` (the common case when matching against many entries: most pairs stop after a row or two).
 */
export function ocrDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  return boundedLevenshtein(ocrCanonical(a), ocrCanonical(b), max);
}

/** Levenshtein distance of two strings, or `max + 1` once every path exceeds `max`. */
export function boundedLevenshtein(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (rowMin > max) return max + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] > max ? max + 1 : prev[b.length];
}
