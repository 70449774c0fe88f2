/**
 * secretsEqual: the constant-time check of a credential a vendor sent. Equal values match, anything
 * else does not (no exception on other lengths), nothing and empty never match, and the comparison
 * always runs over two 32-byte digests, so where it stops says nothing about the secret's length.
 */
import * as crypto from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { secretsEqual } from '../../src/core/auth/secrets-equal.ts';

// The test workers share one module graph (isolate: false): another file may have loaded secrets-equal.ts
// with the real node:crypto already. A copy of our own (a query makes it another module) imports the mock.
const mocked: typeof import('../../src/core/auth/secrets-equal.ts') = await import(/* @vite-ignore */ `${'../../src/core/auth/secrets-equal.ts'}?mocked-crypto`);

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn((a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => actual.timingSafeEqual(a, b)) };
});
const compared = vi.mocked(crypto.timingSafeEqual);

const SECRET = 'webhook-secret-0123456789';

describe('secretsEqual', () => {
  beforeEach(() => {
    compared.mockClear();
  });

  it('matches the same secret, as a string or as bytes', () => {
    expect(secretsEqual(SECRET, SECRET)).toBe(true);
    expect(secretsEqual(Buffer.from(SECRET), SECRET)).toBe(true);
    expect(secretsEqual('pässwörd-ünïcode', new TextEncoder().encode('pässwörd-ünïcode'))).toBe(true);
  });

  it.each([
    ['one character changed', `${SECRET.slice(0, -1)}x`],
    ['a prefix', SECRET.slice(0, 8)],
    ['longer', `${SECRET}0`],
    ['another case', SECRET.toUpperCase()],
  ])('refuses %s', (_what, given) => {
    expect(secretsEqual(given, SECRET)).toBe(false);
  });

  it('compares two 32-byte digests whatever the lengths, so a shorter or longer guess takes the same comparison', () => {
    for (const given of ['x', SECRET.slice(0, 8), SECRET, `${SECRET}${'y'.repeat(200)}`]) mocked.secretsEqual(given, SECRET);
    expect(compared).toHaveBeenCalledTimes(4);
    for (const [a, b] of compared.mock.calls) {
      expect(a.byteLength).toBe(32);
      expect(b.byteLength).toBe(32);
    }
  });

  it('never matches nothing or an empty value, on either side (an unset secret cannot be met by sending nothing)', () => {
    expect(secretsEqual(null, SECRET)).toBe(false);
    expect(secretsEqual(undefined, SECRET)).toBe(false);
    expect(secretsEqual('', SECRET)).toBe(false);
    expect(secretsEqual(SECRET, undefined)).toBe(false);
    expect(secretsEqual('', '')).toBe(false);
    expect(secretsEqual(null, null)).toBe(false);
  });
});
