/**
 * The one HTTP server: /graphql (graphql-http.ts → yoga; graphql-ws upgrade; GraphiQL assets under /graphql/graphiql/), /health, /ready, /metrics,
 * /media/{id}, /streams/{sessionId}/... (HLS proxy), / and /console/* (the web console, console-static.ts), /exports/{id}/{token} (exportPlate downloads), /adapters/{type}/{id}/... (adapter routes). Node's generous timeouts are tightened
 * for an ingest server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';
import type { AdapterRoutes } from '../adapter/routes.ts';
import type { InstanceAvailability } from '../adapter/registry.ts';
import type { ApiKeyAuth } from '../auth/api-keys.ts';
import { hasScope } from '../auth/api-keys.ts';
import type { FileMediaStore } from '../media/store.ts';
import type { MediaUrlSigner } from '../media/signed-url.ts';
import type { HlsProxy } from '../streams/hls-proxy.ts';
import type { Metrics } from '../ops/metrics.ts';
import { discardBody, sendError, sendJson } from './body.ts';
import { GRAPHIQL_ASSETS_PATH } from './graphiql.ts';
import type { GraphQLHttp } from './graphql-http.ts';
import { closeWhenStalled } from './slow-consumer.ts';
import { type Clock, systemClock } from '../time/clock.ts';
import type { CorsPolicy } from './cors.ts';
import { CONSOLE_PATH, type ConsoleStatic } from './console-static.ts';

export interface HttpDeps {
  /** /graphql over HTTP (auth and body cap before yoga) and GraphiQL's assets. */
  graphql: GraphQLHttp;
  routes: AdapterRoutes;
  /** Whether a configured adapter instance (type, id) can serve its routes; null when none is configured. */
  adapterAvailability(type: string, id: string): InstanceAvailability | null;
  /** Which other origins' pages may call the API (/media here; /graphql and /streams apply it themselves). */
  cors: CorsPolicy;
  media: FileMediaStore;
  auth: ApiKeyAuth;
  /** Accepts signed media URLs (outbound sink payloads) without an API key; absent: none are. */
  mediaSigner?: MediaUrlSigner;
  /** Stream sessions' HLS playlists and segments. */
  streams: HlsProxy;
  metrics: Metrics;
  log: Logger;
  /** GET/HEAD /exports/{id}/{token}: exportPlate downloads (core/exports/data-exports.ts); `path` is after /exports/. */
  exports?(req: IncomingMessage, res: ServerResponse, path: string): Promise<void>;
  ready(): Promise<{ ready: boolean; checks: Record<string, string> }>;
  upgrade(req: IncomingMessage, socket: import('node:stream').Duplex, head: Buffer): void;
  /** An SSE response not drained for this long is closed (limits.slowConsumerSec); default 30 s. */
  slowConsumerMs?: number;
  /** Slow-consumer timing (default: real time). */
  clock?: Clock;
  /** The web console's built files under /console/ (console-static.ts); absent: /console/ is a 404. */
  console?: ConsoleStatic;
}

export function createHttpServer(deps: HttpDeps): Server {
  const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000 }, (req, res) => {
    handle(deps, req, res).catch((err) => sendError(res, err, deps.log));
  });
  server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/graphql') deps.upgrade(req, socket, head);
    else socket.destroy();
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  return server;
}

async function handle(deps: HttpDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;
  const method = req.method ?? 'GET';

  if (path.startsWith('/adapters/')) {
    const parts = path.split('/');
    // A configured instance that is not running (still starting, or failed and retrying) has no routes
    // mounted: 503 + Retry-After, so cameras and load balancers retry instead of giving up on a 404.
    const availability = parts.length >= 4 ? deps.adapterAvailability(parts[2], parts[3]) : null;
    if (availability && !availability.available) {
      discardBody(req);
      res.setHeader('retry-after', String(availability.retryAfterSec));
      return sendJson(res, 503, { error: { code: 'SERVICE_UNAVAILABLE', message: availability.message } });
    }
    const handler = deps.routes.find(method, path);
    if (!handler) {
      discardBody(req);
      const code = deps.routes.hasPath(path) ? 405 : 404;
      return sendJson(res, code, { error: { code: code === 405 ? 'BAD_USER_INPUT' : 'NOT_FOUND', message: code === 405 ? `${method} is not allowed on ${path}` : `no adapter route ${path}` } });
    }
    const subPath = `/${parts.slice(4).join('/')}`;
    return handler({ req, res, path: subPath, query: url.searchParams });
  }
  if (path === '/graphql') {
    if (req.headers.accept?.includes('text/event-stream')) closeWhenStalled(res, deps.slowConsumerMs ?? 30_000, () => deps.metrics.slowClosed.inc(), deps.clock);
    return deps.graphql.handle(req, res, url);
  }
  if (path.startsWith(GRAPHIQL_ASSETS_PATH)) return deps.graphql.asset(req, res, url);
  if (path === '/' && method === 'GET') {
    // A browser (it asks for HTML) gets the web console; other clients keep the GraphQL endpoint.
    const browser = deps.console && req.headers.accept?.includes('text/html');
    res.writeHead(302, { location: browser ? CONSOLE_PATH : '/graphql' });
    return void res.end();
  }
  if (deps.console && (path === '/console' || path.startsWith(CONSOLE_PATH))) {
    discardBody(req);
    return deps.console(req, res, path);
  }
  if (path === '/health') return sendJson(res, 200, { status: 'ok' });
  if (path === '/ready') {
    const r = await deps.ready();
    return sendJson(res, r.ready ? 200 : 503, { status: r.ready ? 'ready' : 'not ready', checks: r.checks });
  }
  if (path === '/metrics') {
    const body = await deps.metrics.registry.metrics();
    res.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
    return void res.end(body);
  }
  if (path.startsWith('/media/') && (method === 'GET' || method === 'HEAD' || method === 'OPTIONS')) {
    if (deps.cors.handle(req, res, { methods: ['GET', 'HEAD'], allowHeaders: ['authorization', 'if-none-match'], exposeHeaders: ['content-length', 'etag'] })) return;
    return serveMedia(deps, req, res, path.slice('/media/'.length), url);
  }
  if (path.startsWith('/streams/')) return deps.streams(req, res, url);
  if (path.startsWith('/exports/') && deps.exports && (method === 'GET' || method === 'HEAD')) return deps.exports(req, res, path.slice('/exports/'.length));
  discardBody(req);
  sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `no route ${path}` } });
}

/**
 * Auth as on /streams: `Authorization: Bearer <key>`, or `?access_token=<key>` for `<img src>` and
 * video elements, which cannot set headers (same trade-off: a key in a URL may reach logs and
 * history, so give such pages a key with only the scopes they need). A signed URL (sinks' payloads,
 * `outbound.signedMediaTtlSec`) needs no key until it expires.
 */
async function serveMedia(deps: HttpDeps, req: IncomingMessage, res: ServerResponse, id: string, url: URL): Promise<void> {
  const signed = deps.mediaSigner?.verify(id, url.searchParams, (deps.clock ?? systemClock()).nowMs()) ?? false;
  if (!signed) {
    const queryKey = req.headers.authorization ? null : url.searchParams.get('access_token');
    const auth = deps.auth.authenticate(req.headers.authorization ?? (queryKey ? `Bearer ${queryKey}` : undefined));
    if (!hasScope(auth, 'events:read')) throw new AppError('FORBIDDEN', 'this API key lacks the scope events:read');
  }
  const meta = await deps.media.meta(id);
  if (!meta) {
    if (await deps.media.expired(id)) throw new AppError('GONE', `media ${id} expired (retention): the event keeps its metadata, the bytes are gone`);
    throw new AppError('NOT_FOUND', `no media ${id}`);
  }
  const etag = `"${meta.id}"`;
  const headers = {
    'content-type': meta.contentType,
    etag,
    'cache-control': 'private, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    return void res.end();
  }
  res.writeHead(200, { ...headers, 'content-length': String(meta.byteSize) });
  if (req.method === 'HEAD') return void res.end();
  const stream = deps.media.open(meta);
  stream.on('error', (err) => {
    deps.log.error({ err, id }, 'media file unreadable');
    res.destroy();
  });
  stream.pipe(res);
}
