/**
 * Outbound HTTP for vendor APIs and vendor-supplied URLs (snapshots, clips) on undici 7, with
 * SSRF protection, deadlines and a response size cap (undici has none by default: no size
 * limit, 300 s timeouts, no address policy).
 *
 * SSRF policy, enforced at connect time so DNS rebinding cannot slip past a pre-check:
 * only http:/https:; an IP-literal host (`http://[::1]/`, `http://0x7f000001/`, which URL
 * parsing turns into 127.0.0.1) is checked directly, before dispatch and again in the
 * connector, because `lookup` is never called for IP literals; a hostname is resolved by our
 * `lookup` (dns.lookup, all: true) and EVERY address is checked; redirects are followed by
 * hand, each hop re-checked and counted. Loopback, private, link-local, unique-local,
 * unspecified, CGNAT, multicast and reserved ranges (and IPv4-mapped / NAT64 forms) are
 * refused unless `allowPrivate` or the host (or host:port) is in `allowHosts`.
 *
 * Error codes (AppError):
 * - refused URL → VENDOR_REJECTED (`refused to fetch http://10.0.0.1/: private address`).
 *   URLs fetched here come from vendor systems (event payloads, API answers), so a forbidden
 *   one is a fault of the upstream data, not of our API caller. A caller fetching a URL typed
 *   in by a user should catch this and answer BAD_USER_INPUT instead.
 * - network failure, timeout → VENDOR_UNAVAILABLE naming the host and the cause;
 * - response over `maxBytes` → PAYLOAD_TOO_LARGE; `json()` on invalid JSON → VENDOR_REJECTED.
 * Non-2xx statuses are returned, not thrown. Messages never carry URL credentials or query.
 */
import dns from 'node:dns';
import net from 'node:net';
import type { Agent } from 'undici';
import { isAppError, tooLarge, vendorRejected, vendorUnavailable } from '../errors.ts';
import { pipelinedDeadlines } from './pipelined-deadlines.ts';

export interface SafeFetchOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Deadline for the whole exchange: connect, headers, body, redirects. Default 10000. */
  timeoutMs?: number;
  /** Largest response body accepted. Default 10 MiB. */
  maxBytes?: number;
  /** Allow any address for this request (default: the client's setting, false). */
  allowPrivate?: boolean;
  signal?: AbortSignal;
  /** Default 3. */
  maxRedirects?: number;
  /** false: a redirect is returned as the response (its status), never followed (outbound sinks). Default true. */
  followRedirects?: boolean;
  /** true: a body over `maxBytes` is cut there (the rest dropped unread) instead of failing PAYLOAD_TOO_LARGE. */
  truncateBody?: boolean;
}

/** Options of requests whose answer's body is not wanted (internal: outbound sinks). */
export interface DiscardingFetchOptions extends SafeFetchOptions {
  /** true: the body is read (at most `maxBytes`) and dropped; the response's `body` is empty. Cheaper than collecting it. */
  discardBody?: boolean;
}

export interface SafeResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  json<T>(): T;
  text(): string;
}

export type SafeFetch = (url: string | URL, opts?: SafeFetchOptions) => Promise<SafeResponse>;

export interface SafeFetchDefaults {
  /** `host`, `host:port`, a URL or a CIDR that may be private/loopback: configured vendor hosts, `outbound.allowHosts` (createHostPolicy). */
  allowHosts?: string[];
  allowPrivate?: boolean;
  userAgent?: string;
  /**
   * >1: one connection per origin carrying up to this many requests at once, in order (HTTP/1.1
   * pipelining). Every request of the client is then marked idempotent and non-blocking so undici pipelines it, and may
   * be sent again after a dropped connection: only for requests a receiver dedupes (webhook deliveries
   * carry their webhook-id). Deadlines are then kept by one sweep per client (every 250 ms) instead of a
   * timer per request: a request past its deadline, or whose caller aborts, ends the connection, failing
   * the requests queued behind it too. Default 1: up to 16 connections per origin, one request each.
   */
  pipelining?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const EMPTY = Buffer.alloc(0);

const RANGES: Array<[string, string[]]> = [
  ['loopback address', ['127.0.0.0/8', '::1/128']],
  ['private address', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']],
  ['link-local address', ['169.254.0.0/16', 'fe80::/10']],
  ['unique-local address', ['fc00::/7', 'fec0::/10']],
  ['unspecified address', ['0.0.0.0/8', '::/128']],
  ['shared (CGNAT) address', ['100.64.0.0/10']],
  ['multicast address', ['224.0.0.0/4', 'ff00::/8']],
  ['reserved address', ['240.0.0.0/4', '192.0.0.0/24', '198.18.0.0/15']],
];
const BLOCKS = RANGES.map(([reason, cidrs]) => {
  const list = new net.BlockList();
  for (const c of cidrs) {
    const [ip, bits] = c.split('/');
    list.addSubnet(ip, Number(bits), net.isIPv6(ip) ? 'ipv6' : 'ipv4');
  }
  return { reason, list };
});
const NAT64 = new net.BlockList();
NAT64.addSubnet('64:ff9b::', 96, 'ipv6');

/**
 * Why `ip` may not be fetched, or null when it is a public address. net.BlockList matches
 * IPv4-mapped IPv6 (`::ffff:127.0.0.1`) against IPv4 ranges itself; NAT64 is unwrapped here.
 */
export function blockedAddressReason(address: string): string | null {
  const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const type = net.isIPv4(ip) ? 'ipv4' : net.isIPv6(ip) ? 'ipv6' : null;
  if (!type) return 'not an IP address';
  for (const { reason, list } of BLOCKS) if (list.check(ip, type)) return reason;
  if (type === 'ipv6' && NAT64.check(ip, 'ipv6')) {
    const groups = new URL(`http://[${ip}]/`).hostname.slice(1, -1).split(':');
    const hi = parseInt(groups.at(-2) || '0', 16);
    const lo = parseInt(groups.at(-1) || '0', 16);
    return blockedAddressReason(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  return null;
}

function parseUrl(input: string | URL, base?: URL): URL {
  try {
    return new URL(input, base);
  } catch {
    throw vendorRejected('refused to fetch: not a valid URL');
  }
}

/** A URL fit for messages and logs: no credentials, no query string. */
const redact = (u: URL) => `${u.protocol}//${u.host}${u.pathname}`;
const refused = (u: URL | string, why: string) => vendorRejected(`refused to fetch ${typeof u === 'string' ? u : redact(u)}: ${why}`);
const bare = (host: string) => host.replace(/^\[|\]$/g, '').toLowerCase();
const defaultPort = (protocol: string) => (protocol === 'https:' ? 443 : 80);

/**
 * The allow-list of hosts that may be private or loopback (`outbound.allowHosts`, configured vendor
 * hosts): `host` (any port), `host:port`, a URL (its host:port), or a CIDR such as `10.0.0.0/8` or
 * `fd00::/8` (any address in it, any port; also an address a hostname resolves to).
 */
export interface HostPolicy {
  /** The host (name or IP literal) at this port is allowed as such, or as an address in an allowed CIDR. */
  allows(host: string, port: number): boolean;
  /** This resolved address lies in an allowed CIDR. */
  allowsAddress(address: string): boolean;
}

/** Parse allow-list entries; a malformed one throws (config validation reports it). */
export function createHostPolicy(entries: readonly string[]): HostPolicy {
  const keys = new Set<string>();
  const cidrs = new net.BlockList();
  for (const entry of entries) {
    const cidr = /^([^/]+)\/(\d{1,3})$/.exec(entry.trim());
    if (cidr && net.isIP(cidr[1])) {
      const type = net.isIPv6(cidr[1]) ? 'ipv6' : 'ipv4';
      const bits = Number(cidr[2]);
      if (bits > (type === 'ipv6' ? 128 : 32)) throw new Error(`allowHosts: ${entry}: prefix longer than the address`);
      cidrs.addSubnet(cidr[1], bits, type);
      continue;
    }
    const hasScheme = entry.includes('://');
    const u = new URL(hasScheme ? entry : `http://${entry}`);
    const explicitPort = hasScheme || /(^[^:]*|\]):\d+$/.test(entry);
    keys.add(explicitPort ? `${bare(u.hostname)}:${u.port || defaultPort(u.protocol)}` : bare(u.hostname));
  }
  const allowsAddress = (address: string) => {
    const ip = bare(address);
    const type = net.isIPv4(ip) ? 'ipv4' : net.isIPv6(ip) ? 'ipv6' : null;
    return type !== null && cidrs.check(ip, type);
  };
  return {
    allows: (host, port) => keys.has(bare(host)) || keys.has(`${bare(host)}:${port}`) || allowsAddress(host),
    allowsAddress,
  };
}

/** A client made by createSafeFetch: a SafeFetch that also takes the internal options, and `close()`. */
export type ClientFetch = ((url: string | URL, opts?: DiscardingFetchOptions) => Promise<SafeResponse>) & { close(): Promise<void> };

/**
 * undici, imported at a client's first request: a server whose adapters and sinks never fetch does
 * not hold it (README "Memory of the embedded database").
 */
let undiciModule: Promise<typeof import('undici')> | undefined;
const loadUndici = () => (undiciModule ??= import('undici'));

/** Create a client with its own connection pool (made at its first request). Call `close()` to release it. */
export function createSafeFetch(defaults: SafeFetchDefaults = {}): ClientFetch {
  const policy = createHostPolicy(defaults.allowHosts ?? []);
  const isAllowedHost = policy.allows;

  /** dns.lookup with every resolved address checked; answers in the shape `net` asked for. */
  const checkedLookup: net.LookupFunction = (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      for (const a of addresses) {
        const why = policy.allowsAddress(a.address) ? null : blockedAddressReason(a.address);
        if (why) return callback(refused(hostname, `resolves to ${why} ${a.address}`), '', 0);
      }
      if (options.all) (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };
  const connectOpts = { timeout: DEFAULT_TIMEOUT_MS, autoSelectFamily: true };
  const pipelining = Math.max(1, defaults.pipelining ?? 1);
  const agentOpts = { connections: pipelining > 1 ? 1 : 16, pipelining, keepAliveTimeout: 4_000, headersTimeout: DEFAULT_TIMEOUT_MS, bodyTimeout: DEFAULT_TIMEOUT_MS };
  let undici: typeof import('undici') | undefined;
  let openChecked: ReturnType<typeof import('undici').buildConnector>;
  let openAny: ReturnType<typeof import('undici').buildConnector>;
  /** Strict pool: every connection passes the address policy (allowHosts excepted). */
  const strictAgent = () =>
    new undici!.Agent({
      ...agentOpts,
      connect: (target, cb) => {
        const port = Number(target.port) || defaultPort(target.protocol);
        if (isAllowedHost(target.hostname, port)) return openAny(target, cb);
        const why = net.isIP(bare(target.hostname)) ? blockedAddressReason(target.hostname) : null;
        if (why) return cb(refused(`${target.protocol}//${target.host ?? target.hostname}/`, why), null);
        return openChecked(target, cb);
      },
    });
  let strict: Agent | undefined; // made with undici, at the first request
  let permissive: Agent | undefined; // only created when some request allows private targets
  const deadlines =
    pipelining > 1
      ? pipelinedDeadlines((broken) => {
          if (broken === strict) strict = strictAgent();
          else if (broken === permissive) permissive = undefined;
        })
      : null;

  let loading: Promise<typeof import('undici')> | undefined;
  const load = () =>
    (loading ??= loadUndici().then((u) => {
      openChecked = u.buildConnector({ ...connectOpts, lookup: checkedLookup });
      openAny = u.buildConnector(connectOpts);
      undici = u;
      strict = strictAgent();
      return u;
    }));

  async function safeFetch(input: string | URL, opts: DiscardingFetchOptions = {}): Promise<SafeResponse> {
    const { Agent, request } = undici ?? (await load());
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    const maxRedirects = opts.maxRedirects ?? 3;
    const allowPrivate = opts.allowPrivate ?? defaults.allowPrivate ?? false;
    const dispatcher = allowPrivate ? (permissive ??= new Agent({ ...agentOpts, connect: openAny })) : strict!;

    let url = parseUrl(input);
    let method = (opts.method ?? 'GET').toUpperCase();
    let body = opts.body;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k.toLowerCase()] = v;
    if (defaults.userAgent && !headers['user-agent']) headers['user-agent'] = defaults.userAgent;

    // The deadline: a pipelined client keeps one sweep for all its requests (pipelinedDeadlines);
    // otherwise each request has its own timer and AbortController.
    if (deadlines && opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
    const tracked = deadlines?.track(dispatcher, timeoutMs, opts.signal) ?? null;
    const deadline = tracked ? null : new AbortController();
    let timedOut = false;
    const timer = deadline
      ? setTimeout(() => {
          timedOut = true;
          deadline.abort(new Error('deadline'));
        }, timeoutMs)
      : undefined;
    const onAbort = () => deadline?.abort(opts.signal?.reason);
    if (deadline) opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (deadline && opts.signal?.aborted) onAbort();

    try {
      for (let hop = 0; ; hop++) {
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refused(url, `scheme ${url.protocol} not allowed`);
        const port = Number(url.port) || defaultPort(url.protocol);
        if (!allowPrivate && net.isIP(bare(url.hostname)) && !isAllowedHost(url.hostname, port)) {
          const why = blockedAddressReason(url.hostname);
          if (why) throw refused(url, why);
        }
        if (url.username || url.password) {
          // Like curl: URL credentials become Basic auth (undici would drop them silently).
          const userinfo = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
          headers.authorization ??= `Basic ${Buffer.from(userinfo).toString('base64')}`;
          url.username = url.password = '';
        }
        const res = await request(url, {
          dispatcher,
          method,
          headers,
          body,
          signal: deadline?.signal,
          // Pipelined: undici sends a request behind others only if it is idempotent and not blocking.
          idempotent: pipelining > 1 ? true : undefined,
          blocking: pipelining > 1 ? false : undefined,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        const location = res.headers.location;
        if (REDIRECTS.has(res.statusCode) && typeof location === 'string' && opts.followRedirects !== false) {
          await res.body.dump({ limit: 64 * 1024 }).catch(() => {});
          if (hop >= maxRedirects) throw vendorRejected(`too many redirects from ${redact(url)} (limit ${maxRedirects})`);
          const next = parseUrl(location, url);
          if (next.origin !== url.origin) for (const h of ['authorization', 'cookie', 'proxy-authorization']) delete headers[h];
          if (res.statusCode === 303 || (res.statusCode <= 302 && method === 'POST')) {
            if (method !== 'HEAD') method = 'GET';
            body = undefined;
            delete headers['content-type'];
            delete headers['content-length'];
          }
          url = next;
          continue;
        }
        if (opts.discardBody) {
          await res.body.dump({ limit: maxBytes });
          return makeResponse(res.statusCode, res.headers, EMPTY, url);
        }
        const declared = Number(res.headers['content-length']);
        const chunks: Buffer[] = [];
        let size = 0;
        if (opts.truncateBody) {
          for await (const chunk of res.body as AsyncIterable<Buffer>) {
            const room = maxBytes - size;
            chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
            size += Math.min(room, chunk.length);
            if (size >= maxBytes) {
              res.body.destroy(); // the rest is not read
              break;
            }
          }
          return makeResponse(res.statusCode, res.headers, Buffer.concat(chunks, size), url);
        }
        if (!(declared > maxBytes)) {
          for await (const chunk of res.body as AsyncIterable<Buffer>) {
            if ((size += chunk.length) > maxBytes) break; // stop reading: never buffer past the cap
            chunks.push(chunk);
          }
        }
        if (declared > maxBytes || size > maxBytes) {
          res.body.destroy();
          throw tooLarge(`response from ${url.host} exceeds ${maxBytes} bytes`);
        }
        return makeResponse(res.statusCode, res.headers, Buffer.concat(chunks, size), url);
      }
    } catch (e) {
      if (isAppError(e)) throw e;
      if (isAppError((e as Error)?.cause)) throw (e as Error).cause;
      if (timedOut || tracked?.timedOut) throw vendorUnavailable(`${method} ${url.host}: no complete answer within ${timeoutMs} ms`);
      if (opts.signal?.aborted) throw opts.signal.reason ?? e;
      if (tracked?.brokenBy) throw vendorUnavailable(`${method} ${url.host}: ${tracked.brokenBy}`);
      const err = e as NodeJS.ErrnoException;
      const cause = (err.cause as NodeJS.ErrnoException | undefined)?.code ?? err.code ?? err.message;
      throw vendorUnavailable(`${method} ${url.host}: ${cause}`);
    } finally {
      if (tracked) deadlines?.done(tracked);
      else {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      }
    }
  }

  const close = async () => {
    deadlines?.stop();
    await loading?.catch(() => {}); // a pool being made by a first request is closed too
    await Promise.all([strict?.close(), permissive?.close()]);
  };
  return Object.assign(safeFetch, { close });
}

function makeResponse(status: number, raw: Record<string, string | string[] | undefined>, body: Buffer, url: URL): SafeResponse {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return {
    status,
    headers,
    body,
    text: () => body.toString('utf8'),
    json<T>(): T {
      try {
        return JSON.parse(body.toString('utf8')) as T;
      } catch (e) {
        throw vendorRejected(`invalid JSON from ${url.host}: ${(e as Error).message.slice(0, 200)}`);
      }
    },
  };
}
