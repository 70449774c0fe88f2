/**
 * /graphql over HTTP, in the order that keeps unauthenticated or oversized requests cheap:
 * 1. a browser's GET → the small GraphiQL page (graphiql.ts; key as `?access_token=` when auth is on);
 * 2. with API keys configured, the Authorization header is checked before any byte of the body is
 *    read, parsed or validated: 401 UNAUTHENTICATED (so no validation message, no "Did you mean…"
 *    suggestion, reaches a client without a key);
 * 3. an SSE request (`Accept: text/event-stream`) beyond limits.sseMaxStreamsPerKey open ones of its
 *    key (client address when no keys exist) → 429 LIMIT_EXCEEDED (sse-streams.ts);
 * 4. the body is read up to `maxBodyBytes` (413 PAYLOAD_TOO_LARGE past it, by Content-Length or as
 *    it streams), then handed to yoga already read.
 * Errors here answer the GraphQL shape `{ errors: [{ message, extensions: { code } }] }`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiKeyAuth } from '../auth/api-keys.ts';
import type { Metrics } from '../ops/metrics.ts';
import type { AuthInfo } from '../ports.ts';
import { AppError } from '../errors.ts';
import { discardBody, readBody, sendJson } from './body.ts';
import { createGraphiQL, wantsGraphiQL } from './graphiql.ts';
import { SseStreams } from './sse-streams.ts';
import type { Yoga } from './yoga.ts';

export interface GraphQLHttpOptions {
  yoga: Yoga;
  auth: ApiKeyAuth;
  maxBodyBytes: number;
  /** limits.sseMaxStreamsPerKey; absent = unbounded. */
  sseMaxStreamsPerKey?: number;
  metrics?: Pick<Metrics, 'limitRefused'>;
  title?: string;
}

export type GraphQLHttp = ReturnType<typeof createGraphQLHttp>;

function sendGraphQLError(res: ServerResponse, e: AppError, headers: Record<string, string> = {}): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  sendJson(res, e.status, { errors: [{ message: e.message, extensions: { code: e.code } }] });
}

export function createGraphQLHttp(options: GraphQLHttpOptions) {
  const graphiql = createGraphiQL({ auth: options.auth, title: options.title ?? 'Unified Surveillance API' });
  const sse = new SseStreams(options.sseMaxStreamsPerKey ?? Number.POSITIVE_INFINITY);
  return {
    async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
      if (wantsGraphiQL(req)) return graphiql.page(req, res, url);
      // A CORS preflight never carries Authorization and has no body: yoga answers it.
      if (req.method === 'OPTIONS') return options.yoga(req, res);
      let auth: AuthInfo | null = null;
      if (!options.auth.open) {
        try {
          auth = options.auth.authenticate(req.headers.authorization);
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          discardBody(req);
          return sendGraphQLError(res, e, { 'www-authenticate': 'Bearer' });
        }
      }
      if (req.headers.accept?.includes('text/event-stream')) {
        const release = sse.acquire(auth?.keyName ? `key:${auth.keyName}` : `addr:${req.socket.remoteAddress ?? '?'}`);
        if (!release) {
          discardBody(req);
          options.metrics?.limitRefused.inc({ limit: 'sseMaxStreamsPerKey' });
          return sendGraphQLError(res, new AppError('LIMIT_EXCEEDED', `Too many open SSE streams for this API key (limits.sseMaxStreamsPerKey = ${sse.maxPerKey}); end one and retry`));
        }
        res.once('close', release);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        let body: Buffer;
        try {
          body = await readBody(req, options.maxBodyBytes);
        } catch (e) {
          if (e instanceof AppError) return sendGraphQLError(res, e);
          throw e;
        }
        // @whatwg-node/server (under yoga) takes a body already read from `req.body`.
        if (body.length > 0) (req as IncomingMessage & { body?: Buffer }).body = body;
      }
      return options.yoga(req, res);
    },
    /** GET /graphql/graphiql/{file}: GraphiQL's static assets. */
    asset: graphiql.asset,
  };
}
