/**
 * The simulators' one seeded PRNG: mulberry32 over an FNV-1a hash of the seed, so a seed (number
 * or text) always gives the same sequence: tests and demos replay the same vendor traffic.
 */

/** FNV-1a 32-bit hash of a text (also what the images derive their gray levels from). */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h;
}

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both included. */
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** `len` hex digits, lower case unless `upper`. */
  hex(len: number, upper?: boolean): string;
  /** A random (version 4 shaped) GUID in lower case. */
  guid(): string;
  /** Same object, keys in a random order (some devices' key order is not stable either). */
  shuffleKeys<T extends Record<string, unknown>>(obj: T): T;
}

export function createRng(seed: number | string): Rng {
  let a = fnv1a(String(seed));
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const hex = (len: number, upper = false): string => Array.from({ length: len }, () => (upper ? '0123456789ABCDEF' : '0123456789abcdef')[int(0, 15)]).join('');
  return {
    next,
    int,
    hex,
    chance: (p) => next() < p,
    pick: (items) => items[int(0, items.length - 1)],
    guid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[int(0, 3)]}${hex(3)}-${hex(12)}`,
    shuffleKeys: (obj) => {
      const keys = Object.keys(obj);
      for (let i = keys.length - 1; i > 0; i--) {
        const j = int(0, i);
        [keys[i], keys[j]] = [keys[j], keys[i]];
      }
      return Object.fromEntries(keys.map((k) => [k, obj[k]])) as typeof obj;
    },
  };
}
