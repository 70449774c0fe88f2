/**
 * The web console's static files: cache headers (hashed assets immutable, index.html no-cache),
 * the single-page-app fallback, content types, ETag/304, no way out of the build folder, 503 when
 * there is no build; and `/` sends a browser to /console/ while other clients keep /graphql.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleStatic, resolveConsolePath } from '../../../src/core/http/console-static.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';

/** A raw GET (the path is sent as written: no client-side normalisation of `..`). */
function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('console static files', () => {
  let dir: string;
  let dist: string;
  let server: Server;
  let port: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'usa-console-'));
    dist = join(dir, 'dist');
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(dist, 'assets', 'index-AbC123.js'), 'console.log(1)');
    writeFileSync(join(dist, 'assets', 'index-AbC123.css'), 'body{}');
    writeFileSync(join(dist, 'favicon.svg'), '<svg/>');
    writeFileSync(join(dir, 'secret.txt'), 'outside the build');
    const handle = createConsoleStatic(dist);
    server = createServer((req, res) => {
      void handle(req, res, (req.url ?? '/').split('?')[0]);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves hashed assets immutable and index.html no-cache, with their content types', async () => {
    const js = await get(port, '/console/assets/index-AbC123.js');
    expect(js.status).toBe(200);
    expect(js.body).toBe('console.log(1)');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await get(port, '/console/assets/index-AbC123.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    const svg = await get(port, '/console/favicon.svg');
    expect(svg.headers['content-type']).toBe('image/svg+xml');
    expect(svg.headers['cache-control']).toBe('no-cache');
    const index = await get(port, '/console/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>console</title>');
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-cache');
    const head = await get(port, '/console/', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect((await get(port, '/console/', {}, 'POST')).status).toBe(405);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await get(port, '/console/assets/index-AbC123.js');
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^W\/"/);
    const again = await get(port, '/console/assets/index-AbC123.js', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
  });

  it("falls back to index.html for the app's routes, not for missing assets", async () => {
    for (const path of ['/console/events', '/console/events/RXZlbnQ6MQ', '/console/cameras?site=gate']) {
      const r = await get(port, path);
      expect(r.status, path).toBe(200);
      expect(r.body, path).toContain('<title>console</title>');
      expect(r.headers['cache-control'], path).toBe('no-cache');
    }
    const missing = await get(port, '/console/assets/index-gone.js');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body).error.code).toBe('NOT_FOUND');
    const bare = await get(port, '/console');
    expect(bare.status).toBe(301);
    expect(bare.headers.location).toBe('/console/');
  });

  it('never serves a file outside the build folder', async () => {
    for (const path of [
      '/console/../secret.txt',
      '/console/assets/../../secret.txt',
      '/console/%2e%2e/secret.txt',
      '/console/%2E%2E%2Fsecret.txt',
      '/console/assets/..%2f..%2fsecret.txt',
      '/console/..%5csecret.txt',
      '/console/%00',
      '/console/%E0%A4%A',
    ]) {
      const r = await get(port, path);
      expect(r.body, path).not.toContain('outside the build');
      expect([400, 404], path).toContain(r.status);
    }
    expect(resolveConsolePath(dist, '../secret.txt')).toBe('outside');
    expect(resolveConsolePath(dist, '..%2Fsecret.txt')).toBe('outside');
    expect(resolveConsolePath(dist, 'a\\..\\..\\secret.txt')).toBe('bad');
    expect(resolveConsolePath(dist, 'assets/x.js')).toEqual({ file: join(dist, 'assets', 'x.js') });
  });

  it('answers 503 saying how to build when there is no build', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'usa-console-empty-'));
    const handle = createConsoleStatic(join(empty, 'dist'));
    const s = createServer((req, res) => void handle(req, res, (req.url ?? '/').split('?')[0]));
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    try {
      const r = await get((s.address() as AddressInfo).port, '/console/');
      expect(r.status).toBe(503);
      expect(JSON.parse(r.body).error.message).toContain('npm run console:build');
    } finally {
      await new Promise<void>((r) => s.close(() => r()));
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('GET / on the server', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ config: { adapters: [] } });
  });
  afterAll(() => t.close());

  it('redirects a browser to /console/ and other clients to /graphql', async () => {
    const browser = await fetch(`${t.url}/`, { redirect: 'manual', headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(browser.status).toBe(302);
    expect(browser.headers.get('location')).toBe('/console/');
    const client = await fetch(`${t.url}/`, { redirect: 'manual', headers: { accept: 'application/json' } });
    expect(client.status).toBe(302);
    expect(client.headers.get('location')).toBe('/graphql');
    // /console/ is served by the app (the build or the 503 that says how to make it).
    expect([200, 503]).toContain((await fetch(`${t.url}/console/`)).status);
  });
});
