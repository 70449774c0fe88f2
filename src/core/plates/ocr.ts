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

/** Char code → its class's representative's char code (codes below 128; others map to themselves). */
const CANONICAL_CODE = Uint16Array.from({ length: 128 }, (_, c) => CANONICAL.get(String.fromCharCode(c))?.charCodeAt(0) ?? c);

/** A normalized plate with every look-alike replaced by its class's representative ("DO1Z" → "0012"). */
export function ocrCanonical(plateNormalized: string): string {
  let i = 0;
  for (; i < plateNormalized.length; i++) {
    const c = plateNormalized.charCodeAt(i);
    if (c < 128 && CANONICAL_CODE[c] !== c) break;
  }
  if (i === plateNormalized.length) return plateNormalized; // nothing to map
  let out = plateNormalized.slice(0, i);
  for (; i < plateNormalized.length; i++) {
    const c = plateNormalized.charCodeAt(i);
    out += c < 128 ? String.fromCharCode(CANONICAL_CODE[c]) : plateNormalized[i];
  }
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

/**
 * `ocrCanonical` as SQL's `translate(plate, OCR_TRANSLATE_FROM, OCR_TRANSLATE_TO)`: the stored
 * `events.plate_canonical` column is generated with it (schema.ts, migration 0011).
 */
export const OCR_TRANSLATE_FROM = OCR_LOOKALIKES.flatMap(([rep, members]) => [...members].filter((c) => c !== rep)).join('');
export const OCR_TRANSLATE_TO = OCR_LOOKALIKES.flatMap(([rep, members]) => [...members].filter((c) => c !== rep).map(() => rep)).join('');

/**
 * Every string within Levenshtein distance `max` of `canonical`, as SQL LIKE patterns (`_` stands
 * for the one character an insertion or a substitution brings; `%` and `\` of the plate escaped):
 * a string matches one of them exactly when its distance is ≤ max, whatever the alphabet. Patterns
 * without `_` (the plate itself, deletions) are returned apart, as plain strings for `=`.
 * Sizes for a 7-character plate: 8 + 15 at max 1, ~270 in all at max 2.
 */
export function levenshteinPatterns(canonical: string, max: number): { exact: string[]; like: string[] } {
  const ANY = null;
  type Tok = string | null;
  let level: Tok[][] = [[...canonical]];
  const seen = new Map<string, Tok[]>([[key(level[0]), level[0]]]);
  for (let d = 0; d < max; d++) {
    const next: Tok[][] = [];
    const add = (t: Tok[]) => {
      const k = key(t);
      if (!seen.has(k)) {
        seen.set(k, t);
        next.push(t);
      }
    };
    for (const t of level) {
      for (let i = 0; i <= t.length; i++) {
        add([...t.slice(0, i), ANY, ...t.slice(i)]); // insertion
        if (i < t.length) {
          add([...t.slice(0, i), ...t.slice(i + 1)]); // deletion
          if (t[i] !== ANY) add([...t.slice(0, i), ANY, ...t.slice(i + 1)]); // substitution
        }
      }
    }
    level = next;
  }
  const exact: string[] = [];
  const like: string[] = [];
  for (const t of seen.values()) {
    if (t.every((c) => c !== ANY)) exact.push(t.join(''));
    else like.push(t.map((c) => (c === ANY ? '_' : c.replace(/[\\%_]/g, (x) => `\\${x}`))).join(''));
  }
  return { exact, like };
}

const key = (t: ReadonlyArray<string | null>) => JSON.stringify(t);
