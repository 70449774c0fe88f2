/**
 * The webhook signature of PROTOCOL.md §1.1 (pure): `Acme-Signature: sha256=<hex>` where hex is
 * HMAC-SHA256(secret, `${Acme-Timestamp}.${raw body}`) and `Acme-Timestamp` is Unix seconds.
 * Checked on the raw bytes, before anything parses the body.
 */
import { createHmac } from 'node:crypto';
import { secretsEqual } from 'unified-surveillance-api/sdk';

export const SIGNATURE_HEADER = 'acme-signature';
export const TIMESTAMP_HEADER = 'acme-timestamp';

/** Lower-case hex HMAC-SHA256 of `${timestamp}.${body}`. */
export function sign(secret: string, timestamp: number | string, body: Uint8Array | string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export interface SignedDelivery {
  signature: string | undefined;
  timestamp: string | undefined;
  body: Uint8Array;
}

/** Is the delivery signed with `secret`, at a time within `toleranceSec` of `nowMs`? */
export function verify(d: SignedDelivery, secret: string, nowMs: number, toleranceSec: number): SignatureCheck {
  if (!d.signature) return { ok: false, reason: 'no Acme-Signature header' };
  if (!d.timestamp || !/^\d{1,12}$/.test(d.timestamp)) return { ok: false, reason: 'no Acme-Timestamp header (Unix seconds)' };
  const skew = Math.abs(nowMs / 1000 - Number(d.timestamp));
  if (skew > toleranceSec) return { ok: false, reason: `Acme-Timestamp is ${Math.round(skew)} s away from our clock (at most ${toleranceSec} s)` };
  const given = d.signature.trim();
  if (!given.startsWith('sha256=')) return { ok: false, reason: 'Acme-Signature is not sha256=<hex>' };
  // The timestamp as sent is what the vendor signed (not a re-formatted number).
  const want = `sha256=${sign(secret, d.timestamp, d.body)}`;
  return secretsEqual(given.toLowerCase(), want) ? { ok: true } : { ok: false, reason: 'signature does not match' };
}
