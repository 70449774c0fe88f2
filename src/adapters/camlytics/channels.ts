/**
 * The channel list (`/v1/json/channels`, path and shape unverified): an array, or an object holding
 * one (`channels`, `items`, `data`, `value`). Each channel needs an id; name and stream URI are
 * looked up under plausible spellings. Stream URIs lose their credentials here, before anything
 * is stored or logged. Pure.
 */
import { vendorRejected } from '../../sdk.ts';
import { isPlainObject } from './parse.ts';

export interface CamlyticsChannel {
  id: string;
  name: string | null;
  /** Without user info or credential-like query parameters. */
  streamUri: string | null;
  /** The vendor URI carried credentials that were removed. */
  streamUriHadCredentials: boolean;
}

const norm = (k: string) => k.toLowerCase().replace(/[^a-z0-9]/g, '');
const ID_KEYS = ['channelid', 'id', 'guid', 'uid', 'uuid'];
const NAME_KEYS = ['channelname', 'name', 'title', 'displayname'];
const URI_KEYS = ['streamuri', 'streamurl', 'streaminguri', 'streamingurl', 'uri', 'url', 'rtsp', 'rtspuri', 'rtspurl', 'source', 'sourceuri', 'sourceurl', 'videosource', 'address'];
const LIST_KEYS = ['channels', 'items', 'data', 'value', 'result'];

function pick(o: Record<string, unknown>, keys: readonly string[]): string | null {
  const byNorm = new Map(Object.entries(o).map(([k, v]) => [norm(k), v]));
  for (const k of keys) {
    const v = byNorm.get(k);
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return null;
}

/** Parse the channel answer; VENDOR_REJECTED when it holds no list at all. Entries without an id are skipped. */
export function parseChannelList(body: unknown): { channels: CamlyticsChannel[]; skipped: number } {
  let list: unknown[] | null = Array.isArray(body) ? body : null;
  if (!list && isPlainObject(body)) {
    const byNorm = new Map(Object.entries(body).map(([k, v]) => [norm(k), v]));
    for (const k of LIST_KEYS) {
      const v = byNorm.get(k);
      if (Array.isArray(v)) {
        list = v;
        break;
      }
    }
  }
  if (!list)
    throw vendorRejected(
      `channels: expected a JSON array of channels, got ${body === null ? 'null' : isPlainObject(body) ? `an object with ${Object.keys(body).slice(0, 5).join(', ') || 'no fields'}` : typeof body}`,
    );
  const channels: CamlyticsChannel[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  for (const item of list) {
    const id = isPlainObject(item) ? pick(item, ID_KEYS) : null;
    if (!isPlainObject(item) || !id || id.length > 200 || seen.has(id)) {
      skipped++;
      continue;
    }
    seen.add(id);
    const raw = pick(item, URI_KEYS);
    const uri = raw === null ? null : sanitizeStreamUri(raw);
    channels.push({ id, name: pick(item, NAME_KEYS)?.slice(0, 200) ?? null, streamUri: uri?.uri ?? null, streamUriHadCredentials: uri?.hadCredentials ?? false });
  }
  return { channels, skipped };
}

const SECRET_PARAM = /user|login|pass|pwd|psw|token|auth|secret|key|sig/i;

/**
 * Remove credentials from a stream URI: the user info (`rtsp://admin:pw@host/…`) and query
 * parameters whose names suggest a credential (`?user=…&password=…`). Text that is not a URL
 * (a device name, a file path) is returned as is, minus anything that looks like `//user:pw@`.
 */
export function sanitizeStreamUri(input: string): { uri: string; hadCredentials: boolean } {
  const text = input.trim().slice(0, 2000);
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(text)) {
    try {
      const u = new URL(text);
      let had = !!(u.username || u.password);
      u.username = '';
      u.password = '';
      for (const name of [...u.searchParams.keys()]) {
        if (SECRET_PARAM.test(name)) {
          u.searchParams.delete(name);
          had = true;
        }
      }
      return { uri: u.toString(), hadCredentials: had };
    } catch {
      /* fall through to the textual clean-up */
    }
  }
  const cleaned = text.replace(/\/\/[^/?#]*@/, '//');
  return { uri: cleaned, hadCredentials: cleaned !== text };
}
