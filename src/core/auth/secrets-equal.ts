/**
 * The constant-time secret check for credentials a vendor sends (a webhook token, a header key, basic
 * auth). `a === b` stops at the first differing character, and `timingSafeEqual` alone throws on
 * different lengths, so a length check before it tells an attacker the secret's length. Comparing
 * SHA-256 digests (always 32 bytes) does neither: the comparison takes the same time whatever the
 * values. Hashing itself takes time by 64-byte block of input, which says no more than that.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string | Uint8Array) => createHash('sha256').update(value).digest();

/**
 * Whether `given` (what the caller sent) is the secret `expected`, compared in constant time over
 * SHA-256 digests (strings as UTF-8). A missing or empty value on either side never matches, so an
 * unset secret cannot be met by sending nothing.
 */
export function secretsEqual(given: string | Uint8Array | null | undefined, expected: string | Uint8Array | null | undefined): boolean {
  if (given === null || given === undefined || expected === null || expected === undefined) return false;
  if (given.length === 0 || expected.length === 0) return false;
  return timingSafeEqual(digest(given), digest(expected));
}
