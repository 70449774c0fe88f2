/**
 * What PostgreSQL text and jsonb cannot hold, removed before an event is stored: U+0000 (dropped
 * from every string and key), bytes (replaced by a size note), bigints (decimal text), non-finite
 * numbers (null), Dates (ISO text). Most events have none of these, so ingest first checks
 * (`isPlainJson`, then the serialised text) and copies only when something must change.
 */

export const stripNul = (s: string) => (s.includes('\u0000') ? s.replaceAll('\u0000', '') : s);

/** PostgreSQL jsonb cannot hold U+0000; drop it from every string, keep everything else literally. */
export function sanitizeJson(v: unknown): unknown {
  if (typeof v === 'string') return stripNul(v);
  if (Array.isArray(v)) return v.map(sanitizeJson);
  if (v && typeof v === 'object') {
    if (v instanceof Date) return v.toISOString();
    if (v instanceof Uint8Array) return `<${v.byteLength} bytes removed>`;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[stripNul(k)] = sanitizeJson(x);
    return out;
  }
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v;
}

/**
 * True when `sanitizeJson(v)` could differ from `v` only in strings (U+0000, which the caller
 * finds in the serialised text instead): v holds nothing but plain objects, arrays, strings,
 * finite numbers, booleans, null and undefined. Walks without allocating.
 */
export function isPlainJson(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return true;
    case 'number':
      return Number.isFinite(v);
    case 'object': {
      if (v === null) return true;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (!isPlainJson(v[i])) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const k in v) if (!isPlainJson((v as Record<string, unknown>)[k])) return false;
      return true;
    }
    default:
      return false; // bigint, function, symbol
  }
}

/** JSON.stringify writes U+0000 as this escape (and a literal `\u0000` text as `\\u0000`: a harmless false positive). */
export const hasNulEscape = (json: string) => json.includes('\\u0000');
