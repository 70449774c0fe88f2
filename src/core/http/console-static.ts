/**
 * /console/* : the web console's built files (console/dist, produced by `vite build`).
 * - `assets/*` carry a content hash in their names: `Cache-Control: public, max-age=31536000, immutable`;
 *   everything else (index.html) `no-cache`, so a new build is picked up at the next load.
 * - An unknown path that is not under `assets/` answers index.html (the single-page app's router
 *   takes it from there); an unknown asset is a 404, never HTML in place of a script.
 * - Paths are decoded, normalised and must stay inside the build folder: `..`, encoded `%2e%2e`,
 *   backslashes and NUL are refused (404 / 400) before the file system is asked.
 * - ETag from size and modification time; `If-None-Match` answers 304.
 * - No build (no index.html): 503 saying how to build it.
 * The console holds no secrets: these files are public, like any web page's scripts.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { sendJson } from './body.ts';

export const CONSOLE_PATH = '/console/';
const IMMUTABLE = 'public, max-age=31536000, immutable';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** The file a request path names inside `root`, or why not: 'bad' (undecodable, NUL, backslash) or 'outside' (escapes root). */
export function resolveConsolePath(root: string, relative: string): { file: string } | 'bad' | 'outside' {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relative);
  } catch {
    return 'bad';
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return 'bad';
  const base = resolve(root);
  const file = resolve(base, `.${decoded.startsWith('/') ? '' : '/'}${decoded}`);
  if (file !== base && !file.startsWith(base + sep)) return 'outside';
  return { file };
}

export type ConsoleStatic = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>;

/** Serve `root` (the console's build folder) under /console/. */
export function createConsoleStatic(root: string): ConsoleStatic {
  const base = resolve(root);
  const index = join(base, 'index.html');

  async function fileInfo(file: string) {
    try {
      const s = await stat(file);
      return s.isFile() ? s : null;
    } catch {
      return null;
    }
  }

  function send(req: IncomingMessage, res: ServerResponse, file: string, size: number, mtimeMs: number, cacheControl: string) {
    const etag = `W/"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
    const headers: Record<string, string> = {
      'content-type': contentTypeOf(file),
      'cache-control': cacheControl,
      etag,
      'x-content-type-options': 'nosniff',
    };
    if (file === index) headers['x-frame-options'] = 'DENY';
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      return void res.end();
    }
    res.writeHead(200, { ...headers, 'content-length': String(size) });
    if (req.method === 'HEAD') return void res.end();
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  return async (req, res, path) => {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return sendJson(res, 405, { error: { code: 'BAD_USER_INPUT', message: `${method} is not allowed on ${path}` } });
    }
    if (path === '/console') {
      res.writeHead(301, { location: CONSOLE_PATH });
      return void res.end();
    }
    const indexInfo = await fileInfo(index);
    if (!indexInfo) {
      return sendJson(res, 503, {
        error: {
          code: 'SERVICE_UNAVAILABLE',
          message: 'the web console is not built: run `npm run console:build` (npm install and npm start build it when console/dist is missing)',
        },
      });
    }
    const relative = path.slice(CONSOLE_PATH.length);
    const target = resolveConsolePath(base, relative);
    if (target === 'bad') return sendJson(res, 400, { error: { code: 'BAD_USER_INPUT', message: 'malformed console path' } });
    if (target === 'outside') return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `no console file ${path}` } });
    const isAsset = target.file.startsWith(join(base, 'assets') + sep);
    const info = target.file === base ? null : await fileInfo(target.file);
    if (info) return send(req, res, target.file, info.size, info.mtimeMs, isAsset ? IMMUTABLE : 'no-cache');
    if (isAsset) return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `no console asset ${path}` } });
    // A route of the single-page app (/console/events?plate=…): its page.
    return send(req, res, index, indexInfo.size, indexInfo.mtimeMs, 'no-cache');
  };
}
