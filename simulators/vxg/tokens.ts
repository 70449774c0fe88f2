/**
 * VXG channel access tokens as the vendor documents describe them: base64 of a JSON object
 * `{camid, cmngrid, access, token, api, api_p, cam}`; the server reads them from
 * `Authorization: Acc <token>`. The inner `token` ("share.eyJ…") is what the simulator checks;
 * the outer fields are only trusted when they agree with what was issued.
 */
import type { Rng } from '../kit/rng.ts';

export type VxgAccess = 'all' | 'watch';

/** The decoded JSON of a channel access token (fields as in the vendor example). */
export interface ChannelTokenPayload {
  camid: number;
  cmngrid: number;
  access: VxgAccess;
  token: string;
  api: string;
  api_p: number;
  cam: string;
}

export function encodeChannelToken(payload: ChannelTokenPayload): string {
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64');
}

/** Decodes base64 (standard or url-safe, padding optional) JSON; null when it is not an object. */
export function decodeChannelToken(token: string): Record<string, unknown> | null {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(token)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export type TokenCheck = { ok: true; camid: number; access: VxgAccess } | { ok: false; detail: string };

interface Issued {
  camid: number;
  access: VxgAccess;
  cmngrid: number;
}

/** Issues one inner token per (camera, access) and verifies `Authorization` headers against them. */
export class TokenRegistry {
  private readonly byInner = new Map<string, Issued>();
  private readonly byKey = new Map<string, string>();

  constructor(private readonly rng: Rng) {}

  /** The inner "share.…" token for a camera and access level (stable for the registry's lifetime). */
  innerToken(camid: number, access: VxgAccess): string {
    const key = `${camid}:${access}`;
    const existing = this.byKey.get(key);
    if (existing) return existing;
    const nonce = Math.floor(this.rng.next() * 0xffffffff)
      .toString(16)
      .padStart(8, '0');
    const body = Buffer.from(JSON.stringify({ camid, access, nonce }), 'utf8').toString('base64url');
    const sig = Array.from({ length: 4 }, () =>
      Math.floor(this.rng.next() * 0xffffffff)
        .toString(16)
        .padStart(8, '0'),
    ).join('');
    const inner = `share.${body}.${sig}`;
    this.byKey.set(key, inner);
    this.byInner.set(inner, { camid, access, cmngrid: camid + 1000 + Math.floor(this.rng.next() * 1000) });
    return inner;
  }

  /** The full channel access token (base64 JSON) pointing at `host:port`. */
  channelToken(camid: number, access: VxgAccess, host: string, port: number): string {
    const inner = this.innerToken(camid, access);
    const issued = this.byInner.get(inner)!;
    return encodeChannelToken({ camid, cmngrid: issued.cmngrid, access, token: inner, api: host, api_p: port, cam: host });
  }

  /** Checks an `Authorization` header value: `Acc <base64 JSON token>`. */
  verify(header: string | undefined): TokenCheck {
    if (!header) return { ok: false, detail: 'Authorization header is missing' };
    const m = /^Acc\s+(\S+)\s*$/.exec(header);
    if (!m) return { ok: false, detail: 'Authorization must be "Acc <channel access token>"' };
    const payload = decodeChannelToken(m[1]);
    if (!payload) return { ok: false, detail: 'channel access token is not base64 JSON' };
    const issued = typeof payload.token === 'string' ? this.byInner.get(payload.token) : undefined;
    if (!issued) return { ok: false, detail: 'channel access token is invalid or expired' };
    if (payload.camid !== issued.camid) return { ok: false, detail: 'channel access token camid does not match its token' };
    return { ok: true, camid: issued.camid, access: issued.access };
  }
}
