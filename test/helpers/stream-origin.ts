/**
 * A tiny vendor for stream-session tests: an HTTP origin with a start/keepalive/stop API and HLS
 * playlists (a variant playlist; media playlists with relative, absolute and ../ segment URIs, an
 * init section and a key), and an in-test adapter built on the public SDK whose StreamHandlers talk
 * to it. The origin counts every call so tests can see what reached the vendor.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { defineAdapter, vendorRejected, type StreamRequest } from '../../src/sdk.ts';

export interface StreamOrigin {
  url: string;
  starts: Array<{ sid: string; req: Record<string, unknown> }>;
  keepalives: Map<string, number>;
  stops: string[];
  live: Set<string>;
  /** Keepalives for these vendor sessions are refused (404), as if the vendor forgot them. */
  refuseKeepalive: Set<string>;
  failStarts: boolean;
  /** Paths of every GET (segments, playlists). */
  hits: string[];
  /** A URL on another host to list in the `high` variant (an SSRF probe). */
  foreignUrl?: string;
  lastSid(): string;
  /** The bytes the origin serves at `path`. */
  bytesOf(path: string): Buffer;
  close(): Promise<void>;
}

const listen = (server: Server, host: string) => new Promise<number>((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));

export async function startStreamOrigin(): Promise<StreamOrigin> {
  let n = 0;
  const o: StreamOrigin = {
    url: '',
    starts: [],
    keepalives: new Map(),
    stops: [],
    live: new Set(),
    refuseKeepalive: new Set(),
    failStarts: false,
    hits: [],
    lastSid: () => o.starts.at(-1)!.sid,
    bytesOf: (path) => {
      const seed = createHash('sha256').update(path).digest();
      return Buffer.concat(Array.from({ length: 4096 }, () => seed)); // 128 KiB
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {};
      const json = (status: number, v: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(v));
      if (req.method === 'POST' && path === '/api/start') {
        if (o.failStarts) return json(503, { error: 'no capacity' });
        const sid = `vs${++n}`;
        o.starts.push({ sid, req: body });
        o.live.add(sid);
        return json(200, { sid, playlist: `/hls/${sid}/master.m3u8` });
      }
      if (req.method === 'POST' && path === '/api/keepalive') {
        o.keepalives.set(body.sid, (o.keepalives.get(body.sid) ?? 0) + 1);
        return o.live.has(body.sid) && !o.refuseKeepalive.has(body.sid) ? json(200, { ok: true }) : json(404, { error: 'unknown session' });
      }
      if (req.method === 'POST' && path === '/api/stop') {
        o.stops.push(body.sid);
        o.live.delete(body.sid);
        return json(200, { ok: true });
      }
      o.hits.push(path);
      const m = /^\/hls\/(vs\d+)\/(.*)$/.exec(path);
      if (!m || !o.live.has(m[1])) return json(404, { error: 'not found' });
      const [, sid, rest] = m;
      const base = `${o.url}/hls/${sid}`;
      const m3u8 = (text: string) => res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' }).end(text);
      if (rest === 'master.m3u8') {
        return m3u8(
          [
            '#EXTM3U',
            '#EXT-X-VERSION:7',
            '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360',
            'low/index.m3u8',
            '#EXT-X-STREAM-INF:BANDWIDTH=1600000,RESOLUTION=1280x720',
            `${base}/high/index.m3u8`,
            '',
          ].join('\n'),
        );
      }
      const media = /^(low|high)\/index\.m3u8$/.exec(rest);
      if (media) {
        return m3u8(
          [
            '#EXTM3U',
            '#EXT-X-VERSION:7',
            '#EXT-X-TARGETDURATION:2',
            '#EXT-X-MEDIA-SEQUENCE:0',
            '#EXT-X-MAP:URI="init.mp4"',
            `#EXT-X-KEY:METHOD=AES-128,URI="${base}/key.bin",IV=0x00000000000000000000000000000001`,
            '#EXTINF:2.0,',
            'seg0.m4s',
            '#EXTINF:2.0,',
            `${base}/${media[1]}/seg1.m4s`,
            '#EXTINF:2.0,',
            '../shared/seg2.m4s',
            ...(media[1] === 'high' && o.foreignUrl ? ['#EXTINF:2.0,', o.foreignUrl] : []),
            '',
          ].join('\r\n'),
        );
      }
      const type = rest.endsWith('.m4s') ? 'video/iso.segment' : rest.endsWith('.mp4') ? 'video/mp4' : 'application/octet-stream';
      const bytes = o.bytesOf(path);
      const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
      if (!range) return res.writeHead(200, { 'content-type': type }).end(bytes);
      const [from, to] = [Number(range[1]), Math.min(Number(range[2]), bytes.length - 1)];
      res.writeHead(206, { 'content-type': type, 'content-range': `bytes ${from}-${to}/${bytes.length}` }).end(bytes.subarray(from, to + 1));
    });
  });
  o.url = `http://127.0.0.1:${await listen(server, '127.0.0.1')}`;
  return o;
}

/** A host that must never be reached through the proxy (listens on another loopback address). */
export async function startForeignHost(): Promise<{ url: string; hits: number; close(): Promise<void> }> {
  const h = { url: '', hits: 0, close: () => new Promise<void>((r) => server.close(() => r())) };
  const server = createServer((_req, res) => {
    h.hits++;
    res.end('secret');
  });
  h.url = `http://127.0.0.2:${await listen(server, '127.0.0.2')}/steal.m4s`;
  return h;
}

/** Cameras: cam1 (live + archive), cam2 (no stream capability), cam3 (live only). */
export const streamTestAdapter = defineAdapter({
  type: 'hlstest',
  version: '1.0.0',
  graphqlPrefix: 'Hlstest',
  capabilities: ['LIVE_STREAM', 'ARCHIVE_STREAM'],
  configSchema: z
    .object({
      type: z.literal('hlstest'),
      id: z.string(),
      baseUrl: z.string().url(),
      keepaliveMs: z.number().default(50),
      /** false: the instance declares the capability but offers no stream handlers. */
      handlers: z.boolean().default(true),
      /** Name the origin by this host in playlist URLs (not a URL, so not an allow-listed vendor host). */
      playlistHost: z.string().optional(),
    })
    .strict(),
  async start(ctx) {
    const { baseUrl, keepaliveMs } = ctx.config;
    await ctx.cameras.upsert({ vendorId: 'cam1', name: 'Lobby', capabilities: ['LIVE_STREAM', 'ARCHIVE_STREAM'] });
    await ctx.cameras.upsert({ vendorId: 'cam2', name: 'Door', capabilities: ['SNAPSHOT'] });
    await ctx.cameras.upsert({ vendorId: 'cam3', name: 'Yard', capabilities: ['LIVE_STREAM'] });
    const call = async <T>(path: string, body: unknown): Promise<T> => {
      const r = await ctx.fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (r.status !== 200) throw vendorRejected(`${path} answered ${r.status}`);
      return r.json<T>();
    };
    const streams = {
      start: async (req: StreamRequest) => {
        const r = await call<{ sid: string; playlist: string }>('/api/start', req);
        const base = ctx.config.playlistHost ? Object.assign(new URL(baseUrl), { hostname: ctx.config.playlistHost }).origin : baseUrl;
        return { vendorSessionId: r.sid, playlistUrl: `${base}${r.playlist}`, keepaliveIntervalMs: keepaliveMs };
      },
      keepalive: async (v: { vendorSessionId: string }) => void (await call('/api/keepalive', { sid: v.vendorSessionId })),
      stop: async (v: { vendorSessionId: string }) => void (await call('/api/stop', { sid: v.vendorSessionId })),
    };
    return { stop: () => {}, capabilities: ctx.config.handlers ? { streams } : {} };
  },
});
