/**
 * Signed media URLs (pure): `/media/{id}?exp=<unix seconds>&sig=<base64url HMAC-SHA256 of "id.exp">`,
 * minted for outbound sink payloads (`outbound.signedMediaTtlSec` > 0) so a receiver without an API
 * key can fetch the image until `exp`. The key (`outbound.mediaSigningKey`) is shared by the instances
 * of a deployment; a wrong, expired or malformed signature simply grants nothing (the API key check
 * applies as usual).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface MediaUrlSigner {
  /** The query string (without `?`) that lets `/media/{id}` be fetched until nowMs + ttl. */
  sign(id: string, nowMs: number): string;
  /** The query's `exp`/`sig` are valid for `id` at nowMs. */
  verify(id: string, params: URLSearchParams, nowMs: number): boolean;
}

export function createMediaUrlSigner(key: string, ttlSec: number): MediaUrlSigner {
  const mac = (id: string, exp: string) => createHmac('sha256', key).update(`${id}.${exp}`).digest();
  return {
    sign(id, nowMs) {
      const exp = String(Math.floor(nowMs / 1000) + ttlSec);
      return `exp=${exp}&sig=${mac(id, exp).toString('base64url')}`;
    },
    verify(id, params, nowMs) {
      const exp = params.get('exp');
      const sig = params.get('sig');
      if (!exp || !sig || !/^\d{1,12}$/.test(exp) || Number(exp) * 1000 < nowMs) return false;
      const given = Buffer.from(sig, 'base64url');
      const want = mac(id, exp);
      return given.length === want.length && timingSafeEqual(given, want);
    },
  };
}
