/**
 * VXG channel access tokens: base64 of a JSON object that names the camera (`camid`), the access
 * level and the API host (`api`, ports `api_p` for http / `api_sp` for https, optional `path`).
 * The official web client takes the API base URL and the camera id from it, so a token is all a
 * configuration needs. Pure. Error messages describe what is wrong, never the token itself.
 */

export interface VxgTokenInfo {
  camid: number;
  cmngrid: number | null;
  /** "all" (read and write) or "watch" (read only): events need "all". */
  access: string | null;
  /** API host name or address, without scheme or port. */
  api: string;
  apiPort: number | null;
  apiSecurePort: number | null;
  /** Path prefix of the API on that host ("" when absent). */
  path: string;
  /** Camera name when the token carries one (some tools add it). */
  name: string | null;
}

const isPort = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536;
const toPort = (v: unknown): number | null | 'bad' => {
  if (v === undefined || v === null || v === '') return null;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return isPort(n) ? n : 'bad';
};

/** Decode a channel access token; throws an Error whose message says what is wrong (no token text). */
export function decodeVxgToken(token: string): VxgTokenInfo {
  const text = token.trim();
  if (!text) throw new Error('empty access token');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) throw new Error('not base64: a VXG channel access token is base64 of a JSON object');
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
  } catch {
    throw new Error('base64 does not decode to JSON: a VXG channel access token is base64 of a JSON object');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('decodes to JSON that is not an object');
  const o = json as Record<string, unknown>;
  const camid = typeof o.camid === 'string' && /^\d+$/.test(o.camid) ? Number(o.camid) : o.camid;
  if (!Number.isSafeInteger(camid) || (camid as number) <= 0) throw new Error('decoded token has no positive integer "camid" (the camera id)');
  if (typeof o.api !== 'string' || !/^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/.test(o.api)) {
    throw new Error('decoded token has no valid "api" host (set baseUrl when the token names none)');
  }
  if (o.token !== undefined && typeof o.token !== 'string') throw new Error('decoded token has a non-string "token"');
  const apiPort = toPort(o.api_p);
  const apiSecurePort = toPort(o.api_sp);
  if (apiPort === 'bad') throw new Error('decoded token has an invalid "api_p" port');
  if (apiSecurePort === 'bad') throw new Error('decoded token has an invalid "api_sp" port');
  const path = typeof o.path === 'string' ? o.path.replace(/\/+$/, '') : '';
  if (path && !/^\/[A-Za-z0-9._~/-]*$/.test(path)) throw new Error('decoded token has an invalid "path"');
  const cmngrid = Number.isSafeInteger(o.cmngrid) ? (o.cmngrid as number) : null;
  return {
    camid: camid as number,
    cmngrid,
    access: typeof o.access === 'string' ? o.access : null,
    api: o.api,
    apiPort,
    apiSecurePort,
    path,
    name: typeof o.name === 'string' && o.name.trim() ? o.name.trim().slice(0, 200) : null,
  };
}

/**
 * The API base URL a token names (no trailing slash): https on `api_sp` when present, else http on
 * `api_p` when present, else https on 443. A configured `baseUrl` overrides it.
 */
export function apiBaseUrlOf(info: VxgTokenInfo, override?: string | null): string {
  if (override) return override.replace(/\/+$/, '');
  const url =
    info.apiSecurePort !== null
      ? `https://${info.api}${info.apiSecurePort === 443 ? '' : `:${info.apiSecurePort}`}`
      : info.apiPort !== null
        ? `http://${info.api}${info.apiPort === 80 ? '' : `:${info.apiPort}`}`
        : `https://${info.api}`;
  return `${url}${info.path}`;
}

/** The secret parts of a token (the whole token and its inner share token), for scrubbing. */
export function secretsOf(token: string): string[] {
  const out = [token.trim()];
  try {
    const inner = (JSON.parse(Buffer.from(token.trim(), 'base64').toString('utf8')) as { token?: unknown }).token;
    if (typeof inner === 'string' && inner.length >= 8) out.push(inner);
  } catch {
    /* validated elsewhere */
  }
  return out;
}
