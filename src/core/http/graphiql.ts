/**
 * GraphiQL, offline and light. A browser's GET /graphql answers a small page (a few KB); the
 * editor's assets (~9 MB, from the installed @graphql-yoga/render-graphiql: no CDN) are static
 * files under /graphql/graphiql/…, loaded into memory on first use, gzip-compressed once, and cached
 * by the browser (ETag, max-age).
 *
 * With API keys configured, the page and its assets need a key. A browser cannot send a header when
 * it navigates, so open `/graphql?access_token=<key>`: the page hands the key to GraphiQL, which
 * sends it as `Authorization: Bearer <key>` with every operation and in the graphql-ws
 * connection_init payload. The page is never cached and sends no Referer (the key is in its URL).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { ApiKeyAuth } from '../auth/api-keys.ts';
import { AppError } from '../errors.ts';
import { sendJson } from './body.ts';

export const GRAPHIQL_ASSETS_PATH = '/graphql/graphiql/';

interface Asset {
  body: Buffer;
  gzipped: Buffer;
  etag: string;
  contentType: string;
}

const DEFAULT_QUERY = `# Live plate reads. Run "npm run demo" for a simulated camera.
subscription {
  events(filter: { kinds: [PLATE_READ] }) {
    seq
    occurredAt
    camera { name }
    ... on PlateReadEvent { plate direction phase confidence }
  }
}
`;

/** A browser asking for the GraphiQL page (not a GraphQL-over-HTTP GET). */
export function wantsGraphiQL(req: IncomingMessage): boolean {
  return req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');
}

export function createGraphiQL(settings: { auth: ApiKeyAuth; title: string }) {
  let assets: Promise<Map<string, Asset>> | null = null;
  const load = () =>
    (assets ??= (async () => {
      const g = await import('@graphql-yoga/render-graphiql/graphiql');
      const js = 'text/javascript; charset=utf-8';
      const files: Array<[string, string | Buffer, string]> = [
        ['graphiql.js', g.js, js],
        ['graphiql.css', g.css, 'text/css; charset=utf-8'],
        ['editor.worker.js', g.editorWorkerService, js],
        ['json.worker.js', g.jsonWorker, js],
        ['graphql.worker.js', g.graphqlWorker, js],
        ['favicon.ico', Buffer.from(g.favicon.slice(g.favicon.indexOf(',') + 1), 'base64'), 'image/x-icon'],
      ];
      const out = new Map<string, Asset>();
      for (const [name, content, contentType] of files) {
        const body = Buffer.from(content);
        out.set(name, { body, gzipped: await promisify(gzip)(body), etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`, contentType });
      }
      return out;
    })());

  /** The key from `Authorization` or `?access_token=`; throws UNAUTHENTICATED when keys exist and it is missing or wrong. */
  const keyOf = (req: IncomingMessage, url: URL): string | null => {
    const token = url.searchParams.get('access_token');
    const header = req.headers.authorization ?? (token ? `Bearer ${token}` : undefined);
    settings.auth.authenticate(header);
    if (settings.auth.open) return null;
    return /^Bearer\s+(\S+)/i.exec(header ?? '')?.[1] ?? null;
  };

  const refuse = (res: ServerResponse, e: unknown) => {
    if (!(e instanceof AppError)) throw e;
    res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer', 'cache-control': 'no-store' });
    res.end(`${e.message}\nGraphiQL with API keys: open /graphql?access_token=<your key>\n`);
  };

  return {
    /** GET /graphql from a browser: the small page. */
    page(req: IncomingMessage, res: ServerResponse, url: URL): void {
      let key: string | null;
      try {
        key = keyOf(req, url);
      } catch (e) {
        return refuse(res, e);
      }
      const q = key ? `?access_token=${encodeURIComponent(key)}` : '';
      const asset = (name: string) => `${GRAPHIQL_ASSETS_PATH}${name}${q}`;
      const headers = key ? { authorization: `Bearer ${key}` } : {};
      const options = { title: settings.title, subscriptionsProtocol: 'WS', defaultQuery: DEFAULT_QUERY, additionalHeaders: headers, connectionParams: headers };
      const json = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');
      const html = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${settings.title.replace(/[<&"]/g, '')}</title>
    <link rel="icon" href="${asset('favicon.ico')}" />
    <link rel="stylesheet" href="${asset('graphiql.css')}" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>You need to enable JavaScript to run this app.</noscript>
    <div id="root"></div>
    <script>
      const workers = ${json({ editorWorkerService: asset('editor.worker.js'), json: asset('json.worker.js'), graphql: asset('graphql.worker.js') })};
      self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_moduleId, label) => workers[label] };
    </script>
    <script src="${asset('graphiql.js')}"></script>
    <script>
      YogaGraphiQL.renderYogaGraphiQL(document.querySelector('#root'), ${json(options)});
    </script>
  </body>
</html>
`;
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
      });
      res.end(html);
    },

    /** GET /graphql/graphiql/{name}: a static asset. */
    async asset(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: { code: 'BAD_USER_INPUT', message: `${req.method} is not allowed on ${url.pathname}` } });
      try {
        keyOf(req, url);
      } catch (e) {
        return refuse(res, e);
      }
      const a = (await load()).get(url.pathname.slice(GRAPHIQL_ASSETS_PATH.length));
      if (!a) return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `no route ${url.pathname}` } });
      const headers: Record<string, string> = {
        'content-type': a.contentType,
        etag: a.etag,
        'cache-control': 'private, max-age=86400',
        'x-content-type-options': 'nosniff',
        vary: 'accept-encoding',
      };
      if (req.headers['if-none-match'] === a.etag) {
        res.writeHead(304, headers);
        return void res.end();
      }
      const gz = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      const body = gz ? a.gzipped : a.body;
      res.writeHead(200, { ...headers, ...(gz ? { 'content-encoding': 'gzip' } : {}), 'content-length': String(body.length) });
      res.end(req.method === 'HEAD' ? undefined : body);
    },
  };
}
