/**
 * /streams/{id}/... : the HLS proxy of stream sessions, so that players never reach the vendor.
 * - GET /streams/{id}/index.m3u8: the vendor's playlist, every URI rewritten to
 *   /streams/{id}/r/{token}[.ext] (playlist.ts);
 * - GET /streams/{id}/r/{token}[.ext]: a segment, key, init section or variant playlist (the
 *   latter rewritten too). Only URLs that appeared in this session's playlists have a token:
 *   this is not an open proxy.
 * Every fetch marks the session used (it is kept alive). Unknown or ended session → 404.
 * Several server instances: a session started on another instance is found through its row, and a
 * token minted on another instance is learnt by rewriting the playlists here too (relearn.ts).
 * Upstream answers are read through the SSRF-safe client with a deadline and a size cap, then
 * sent (the safe client buffers bodies; segments are a few MB).
 *
 * Auth (when API keys are configured): the `streams` scope, from `Authorization: Bearer <key>`
 * or, because HLS players (video elements, most hls.js setups) cannot set headers, from an
 * `?access_token=<key>` query parameter. Trade-off: a key in a URL can end up in browser history,
 * proxy logs and Referer headers, so give players a key with only the `streams` scope. When the
 * playlist was requested with `access_token`, the rewritten URIs carry it too (the player would
 * not add it to segment requests).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { AppError, notFound, vendorRejected, vendorUnavailable } from '../errors.ts';
import { hasScope, type ApiKeyAuth } from '../auth/api-keys.ts';
import type { SafeFetch } from '../http/safe-fetch.ts';
import { discardBody, sendJson } from '../http/body.ts';
import type { CorsPolicy } from '../http/cors.ts';
import { extensionOf, isPlaylist, PLAYLIST_CONTENT_TYPE, rewritePlaylist } from './playlist.ts';
import { isSessionId } from './session.ts';
import type { StreamManager } from './manager.ts';
import { relearnTokens } from './relearn.ts';

export interface HlsProxyOptions {
  streams: Pick<StreamManager, 'lookup' | 'shared'>;
  auth: ApiKeyAuth;
  fetch: SafeFetch;
  log: Logger;
  /** Which other origins' pages may read playlists and segments (default: same origin only). */
  cors: CorsPolicy;
  /** Largest upstream answer (segment or playlist). Default 64 MiB. */
  maxBytes?: number;
  /** Deadline of one upstream fetch. Default 15 s. */
  timeoutMs?: number;
}

export type HlsProxy = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

/** Browser players on an allowed origin (`cors.origins`) send Authorization and Range and read the lengths. */
const CORS_ROUTE = { methods: ['GET', 'HEAD'], allowHeaders: ['authorization', 'range'], exposeHeaders: ['content-length', 'content-range'] };

/** /streams/{id}/index.m3u8 or /streams/{id}/r/{token}[.ext]. */
function parsePath(path: string): { id: string; token: string | null } | null {
  const m = /^\/streams\/([^/]+)\/(?:index\.m3u8|r\/([A-Za-z0-9_-]{1,64})(?:\.[A-Za-z0-9]{1,5})?)$/.exec(path);
  if (!m || !isSessionId(m[1])) return null;
  return { id: m[1], token: m[2] ?? null };
}

export function createHlsProxy(options: HlsProxyOptions): HlsProxy {
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 15_000;

  return async (req, res, url) => {
    if (options.cors.handle(req, res, CORS_ROUTE)) return; // a preflight, answered
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      discardBody(req);
      return sendJson(res, 405, { error: { code: 'BAD_USER_INPUT', message: `${method} is not allowed on ${url.pathname}` } });
    }
    const queryKey = req.headers.authorization ? null : url.searchParams.get('access_token');
    let auth;
    try {
      auth = options.auth.authenticate(req.headers.authorization ?? (queryKey ? `Bearer ${queryKey}` : undefined));
    } catch (e) {
      res.setHeader('www-authenticate', 'Bearer');
      throw e;
    }
    if (!hasScope(auth, 'streams')) throw new AppError('FORBIDDEN', 'this API key lacks the scope streams');

    const target = parsePath(url.pathname);
    const s = target && (await options.streams.lookup(target.id));
    if (!target || !s) throw notFound(`no stream session at ${url.pathname.split('/').slice(0, 3).join('/')}`);
    if (s.state !== 'ACTIVE' || !s.vendor) {
      res.setHeader('retry-after', '1');
      throw vendorUnavailable('the stream session is (re)starting');
    }
    const vendorPlaylist = s.vendor.playlistUrl;
    let upstream = target.token ? s.urls.urlOf(target.token) : vendorPlaylist;
    if (!upstream && target.token && options.streams.shared) {
      await relearnTokens(s, async (u) => {
        const r = await options.fetch(u, { timeoutMs, maxBytes: 4 * 1024 * 1024, allowPrivate: sameHost(u, vendorPlaylist) }).catch(() => null);
        return r && r.status >= 200 && r.status < 300 ? { text: r.text(), contentType: r.headers['content-type'], body: r.body } : null;
      });
      upstream = s.urls.urlOf(target.token);
    }
    if (!upstream) throw notFound('no such segment in this stream session (playlists list only recent ones)');

    // Byte-range playlists (EXT-X-BYTERANGE) make players ask for parts of one file.
    const range = target.token && /^bytes=\d*-\d*$/.test(req.headers.range ?? '') ? req.headers.range! : null;
    const abort = new AbortController();
    const onClose = () => !res.writableFinished && abort.abort(new Error('client went away'));
    res.once('close', onClose);
    const r = await options
      .fetch(upstream, {
        timeoutMs,
        maxBytes,
        signal: abort.signal,
        headers: range ? { range } : {},
        // The playlist URL came from the adapter: the vendor's own start reply, for the vendor host
        // the operator configured. Its host may be a private address (an NVR on the LAN), so URLs on
        // that same host may be fetched whatever their address. Any other host a playlist names
        // goes through the normal SSRF policy (public addresses and configured vendor hosts only).
        // (Redirects the vendor host answers are followed under the same allowance: it is trusted.)
        allowPrivate: sameHost(upstream, vendorPlaylist),
      })
      .catch((e) => {
        if (abort.signal.aborted) return null; // the player went away: nothing to answer
        throw e;
      })
      .finally(() => res.off('close', onClose));
    if (!r) return void res.destroy();
    if (r.status === 404 || r.status === 410) throw notFound('the vendor no longer has this part of the stream');
    if (r.status === 416) throw new AppError('BAD_USER_INPUT', 'requested range not satisfiable');
    if (r.status < 200 || r.status > 299) throw vendorRejected(`the vendor answered ${r.status} for a stream ${target.token ? 'part' : 'playlist'}`);

    const contentType = r.headers['content-type'];
    if (!target.token || isPlaylist(contentType, upstream, r.body)) {
      const suffix = queryKey ? `?access_token=${encodeURIComponent(queryKey)}` : '';
      const prefix = target.token ? '' : 'r/'; // our references are relative: .../index.m3u8 and .../r/x are in different folders
      const text = rewritePlaylist(r.text(), upstream, (abs) => `${prefix}${s.urls.tokenFor(abs)}${extensionOf(abs)}${suffix}`);
      return send(res, method, 200, { 'content-type': PLAYLIST_CONTENT_TYPE, 'cache-control': 'no-store' }, Buffer.from(text));
    }
    const headers = {
      'content-type': contentType && /^[\w.+-]+\/[\w.+-]+/.test(contentType) ? contentType : 'application/octet-stream',
      'cache-control': 'private, max-age=60',
      'x-content-type-options': 'nosniff',
      ...(r.status === 206 && r.headers['content-range'] ? { 'content-range': r.headers['content-range'] } : {}),
    };
    send(res, method, r.status === 206 ? 206 : 200, headers, r.body);
  };
}

function sameHost(a: string, b: string): boolean {
  try {
    return new URL(a).host === new URL(b).host;
  } catch {
    return false;
  }
}

function send(res: ServerResponse, method: string, status: number, headers: Record<string, string>, body: Buffer): void {
  if (res.destroyed) return;
  res.writeHead(status, { ...headers, 'content-length': String(body.length) });
  res.end(method === 'HEAD' ? undefined : body);
}
