/**
 * Cross-origin access: same-origin only unless the config lists browser origins
 * (`cors.origins`). A listed origin gets `Access-Control-Allow-Origin: <that origin>` (never `*`,
 * never credentials: the API authenticates with a bearer header, not cookies); any other origin gets
 * no CORS header at all, so browsers keep its pages from reading answers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CORSOptions } from 'graphql-yoga';

export interface CorsPolicy {
  /** True when `origin` is on the allow-list. */
  allows(origin: string | null | undefined): origin is string;
  /** For yoga's `cors` option (/graphql). */
  yoga(request: Request): CORSOptions | false;
  /**
   * For node:http routes: sets the CORS headers when the request's Origin is allowed. Answers a
   * preflight (OPTIONS) itself with 204 and returns true then (with no CORS headers for a foreign origin).
   */
  handle(req: IncomingMessage, res: ServerResponse, route: { methods: string[]; allowHeaders: string[]; exposeHeaders?: string[] }): boolean;
}

const MAX_AGE_SEC = 600;

export function createCorsPolicy(origins: readonly string[]): CorsPolicy {
  const allowed = new Set(origins);
  const allows = (origin: string | null | undefined): origin is string => typeof origin === 'string' && allowed.has(origin);
  return {
    allows,
    yoga: (request) => {
      const origin = request.headers.get('origin');
      if (!allows(origin)) return false;
      return {
        origin: [origin],
        credentials: false,
        methods: ['GET', 'POST', 'OPTIONS'],
        allowedHeaders: ['authorization', 'content-type', 'accept', 'x-graphql-yoga-csrf'],
        maxAge: MAX_AGE_SEC,
      };
    },
    handle: (req, res, route) => {
      if (allowed.size) res.setHeader('vary', 'Origin');
      const origin = req.headers.origin;
      if (allows(origin)) {
        res.setHeader('access-control-allow-origin', origin);
        res.setHeader('access-control-allow-methods', [...route.methods, 'OPTIONS'].join(', '));
        res.setHeader('access-control-allow-headers', route.allowHeaders.join(', '));
        if (route.exposeHeaders?.length) res.setHeader('access-control-expose-headers', route.exposeHeaders.join(', '));
        res.setHeader('access-control-max-age', String(MAX_AGE_SEC));
      }
      if (req.method !== 'OPTIONS') return false;
      req.resume();
      res.writeHead(204, { 'content-length': '0' });
      res.end();
      return true;
    },
  };
}
