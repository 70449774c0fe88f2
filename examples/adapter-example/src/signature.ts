/**
 * The vendor's signature scheme (pure): `X-Webhook-Signature: v1=<hex>` where hex is
 * HMAC-SHA256(secret, `${timestamp}.${rawBody}`) and `X-Webhook-Timestamp` is Unix seconds.
 * Several `v1=` entries (comma-separated) may be sent during a secret rotation.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-webhook-signature';
export const TIMESTAMP_HEADER = 'x-webhook-timestamp';

export function sign(secret: string, timestamp: number, body: Uint8Array | string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export interface SignedDelivery {
  signature: string | undefined;
  timestamp: string | undefined;
  body: Uint8Array;
}

/** Is the delivery signed with one of `secrets`, at a time within `toleranceSec` of `nowMs`? */
export function verify(d: SignedDelivery, secrets: readonly string[], nowMs: number, toleranceSec: number): SignatureCheck {
  if (!d.signature) return { ok: false, reason: 'no X-Webhook-Signature header' };
  if (!d.timestamp || !/^\d{1,12}$/.test(d.timestamp)) return { ok: false, reason: 'no X-Webhook-Timestamp header (Unix seconds)' };
  const ts = Number(d.timestamp);
  const skew = Math.abs(nowMs / 1000 - ts);
  if (skew > toleranceSec) return { ok: false, reason: `timestamp is ${Math.round(skew)} s away from our clock (at most ${toleranceSec} s)` };
  const given = d.signature
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('v1='))
    .map((s) => Buffer.from(s.slice(3), 'hex'));
  if (!given.length) return { ok: false, reason: 'no v1= signature' };
  for (const secret of secrets) {
    const want = Buffer.from(sign(secret, ts, d.body), 'hex');
    if (given.some((g) => g.length === want.length && timingSafeEqual(g, want))) return { ok: true };
  }
  return { ok: false, reason: 'signature does not match' };
}
