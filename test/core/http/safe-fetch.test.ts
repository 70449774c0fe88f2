import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { blockedAddressReason, createHostPolicy, createSafeFetch } from '../../../src/core/http/safe-fetch.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

/** A server on 127.0.0.1 that counts requests. */
async function serve(handler: http.RequestListener = (_q, s) => s.end('hello')) {
  const server = http.createServer((req, res) => {
    state.hits++;
    handler(req, res);
  });
  const state = { hits: 0, port: 0, url: '' };
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${state.port}/`;
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise((r) => server.close(r));
  });
  return state;
}

function client(defaults: Parameters<typeof createSafeFetch>[0] = {}) {
  const f = createSafeFetch(defaults);
  cleanups.push(() => f.close());
  return f;
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: { code?: string }) => e.code,
  );

describe('blockedAddressReason', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '::1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    '0.0.0.0',
    '::',
    '100.64.0.1',
    '224.0.0.1',
    'ff02::1',
    '255.255.255.255',
    '::ffff:10.0.0.1',
    '::ffff:7f00:1',
    '64:ff9b::a00:1',
    '[::1]',
  ])('blocks %s', (ip) => {
    expect(blockedAddressReason(ip)).not.toBeNull();
  });

  it.each(['8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808'])('allows %s', (ip) => {
    expect(blockedAddressReason(ip)).toBeNull();
  });
});

describe('createSafeFetch: SSRF', () => {
  it('refuses loopback by default, before connecting', async () => {
    const srv = await serve();
    const f = client();
    const p = srv.port;
    for (const url of [
      `http://127.0.0.1:${p}/`,
      `http://[::1]:${p}/`,
      `http://localhost:${p}/`,
      `http://0x7f000001:${p}/`,
      `http://2130706433:${p}/`,
      `http://127.1:${p}/`,
      `http://[::ffff:127.0.0.1]:${p}/`,
      `http://0.0.0.0:${p}/`,
    ]) {
      expect(await codeOf(f(url)), url).toBe('VENDOR_REJECTED');
    }
    expect(srv.hits).toBe(0);
  });

  it('names the address class in the refusal and hides credentials and query', async () => {
    const f = client();
    const err = await f('http://user:secret@10.0.0.1/snap.jpg?token=abc').catch((e) => e);
    expect(err.code).toBe('VENDOR_REJECTED');
    expect(err.message).toBe('refused to fetch http://10.0.0.1/snap.jpg: private address');
  });

  it('refuses non-http schemes', async () => {
    const f = client({ allowPrivate: true });
    for (const url of ['file:///etc/passwd', 'ftp://example.com/x', 'gopher://127.0.0.1:70/', 'data:text/plain,hi', 'not a url']) {
      expect(await codeOf(f(url)), url).toBe('VENDOR_REJECTED');
    }
  });

  it('allows a host listed in allowHosts (host:port, host, or URL), only on that port', async () => {
    const srv = await serve((_q, s) => s.end('{"ok":true}'));
    const byIpPort = client({ allowHosts: [`127.0.0.1:${srv.port}`] });
    const res = await byIpPort(srv.url);
    expect(res.status).toBe(200);
    expect(res.json<{ ok: boolean }>()).toEqual({ ok: true });
    expect(res.text()).toBe('{"ok":true}');
    expect((await client({ allowHosts: [`localhost:${srv.port}`] })(`http://localhost:${srv.port}/`)).status).toBe(200);
    expect((await client({ allowHosts: ['localhost'] })(`http://localhost:${srv.port}/`)).status).toBe(200);
    expect((await client({ allowHosts: [`http://127.0.0.1:${srv.port}/api`] })(srv.url)).status).toBe(200);
    expect(await codeOf(client({ allowHosts: ['127.0.0.1:1'] })(srv.url))).toBe('VENDOR_REJECTED');
    expect(await codeOf(byIpPort(`http://localhost:${srv.port}/`))).toBe('VENDOR_REJECTED');
  });

  it('allowPrivate on the client or per request lets loopback through', async () => {
    const srv = await serve();
    expect((await client({ allowPrivate: true })(srv.url)).text()).toBe('hello');
    const f = client();
    expect((await f(srv.url, { allowPrivate: true })).status).toBe(200);
    expect(await codeOf(f(srv.url))).toBe('VENDOR_REJECTED');
  });

  it('refuses a redirect from an allowed host to a blocked one', async () => {
    const target = await serve();
    const entry = await serve((_q, s) => s.writeHead(302, { location: target.url }).end());
    const viaName = await serve((_q, s) => s.writeHead(307, { location: `http://localhost:${target.port}/` }).end());
    const f = client({ allowHosts: [`127.0.0.1:${entry.port}`, `127.0.0.1:${viaName.port}`] });
    expect(await codeOf(f(entry.url))).toBe('VENDOR_REJECTED');
    expect(await codeOf(f(viaName.url))).toBe('VENDOR_REJECTED');
    expect(target.hits).toBe(0);
  });

  it('follows redirects between allowed hosts, counting hops', async () => {
    const srv = await serve((req, s) => {
      const n = Number(req.url!.slice(1) || 0);
      if (n < 5) s.writeHead(303, { location: `/${n + 1}` }).end();
      else s.end(`hop ${n}`);
    });
    const f = client({ allowHosts: [`127.0.0.1:${srv.port}`] });
    expect((await f(`${srv.url}2`)).text()).toBe('hop 5');
    expect(await codeOf(f(`${srv.url}0`))).toBe('VENDOR_REJECTED');
    expect(await codeOf(f(`${srv.url}4`, { maxRedirects: 0 }))).toBe('VENDOR_REJECTED');
  });
});

describe('createSafeFetch: limits and failures', () => {
  it('enforces maxBytes with and without Content-Length', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 1);
    const srv = await serve((req, s) => {
      if (req.url === '/chunked') {
        s.write(big.subarray(0, 1024 * 1024));
        s.end(big.subarray(1024 * 1024));
      } else s.end(big);
    });
    const f = client({ allowPrivate: true });
    expect(await codeOf(f(srv.url, { maxBytes: 1024 * 1024 }))).toBe('PAYLOAD_TOO_LARGE');
    expect(await codeOf(f(`${srv.url}chunked`, { maxBytes: 1024 * 1024 }))).toBe('PAYLOAD_TOO_LARGE');
    expect((await f(srv.url, { maxBytes: 2 * 1024 * 1024 })).body.length).toBe(2 * 1024 * 1024);
  });

  it('times out on a server that never answers headers', async () => {
    const srv = await serve(() => {});
    const f = client({ allowPrivate: true });
    const t0 = Date.now();
    expect(await codeOf(f(srv.url, { timeoutMs: 300 }))).toBe('VENDOR_UNAVAILABLE');
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('hits the deadline on a slow-drip body even though each byte arrives in time', async () => {
    const srv = await serve((_q, s) => {
      s.writeHead(200, { 'content-type': 'image/jpeg' });
      const timer = setInterval(() => s.write('x'), 50);
      s.on('close', () => clearInterval(timer));
    });
    const f = client({ allowPrivate: true });
    const t0 = Date.now();
    expect(await codeOf(f(srv.url, { timeoutMs: 500 }))).toBe('VENDOR_UNAVAILABLE');
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('answers VENDOR_UNAVAILABLE on a refused connection', async () => {
    const srv = await serve();
    const port = srv.port;
    await cleanups.pop()!();
    expect(await codeOf(client({ allowPrivate: true })(`http://127.0.0.1:${port}/`))).toBe('VENDOR_UNAVAILABLE');
  });

  it('rethrows the caller abort reason', async () => {
    const ac = new AbortController();
    const srv = await serve(() => ac.abort(new Error('caller gave up'))); // gives up while the request is in flight
    const p = client({ allowPrivate: true })(srv.url, { signal: ac.signal });
    await expect(p).rejects.toThrow('caller gave up');
  });

  it('sends method, headers, body and user agent; flattens response headers; invalid JSON is VENDOR_REJECTED', async () => {
    const srv = await serve((req, s) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        s.setHeader('set-cookie', ['a=1', 'b=2']);
        s.end(JSON.stringify({ method: req.method, ua: req.headers['user-agent'], x: req.headers['x-key'], body }));
      });
    });
    const f = client({ allowPrivate: true, userAgent: 'usa-test/1' });
    const res = await f(srv.url, { method: 'post', headers: { 'X-Key': 'k' }, body: 'payload' });
    expect(res.json()).toEqual({ method: 'POST', ua: 'usa-test/1', x: 'k', body: 'payload' });
    expect(res.headers['set-cookie']).toBe('a=1, b=2');
    const text = await serve((_q, s) => s.end('not json'));
    const bad = await f(text.url);
    expect(() => bad.json()).toThrow(expect.objectContaining({ code: 'VENDOR_REJECTED' }));
  });
});

describe('createSafeFetch: outbound sinks (allowHosts CIDRs, redirects not followed, truncated bodies)', () => {
  it('allows an address inside an allowHosts CIDR, and nothing outside it', async () => {
    const s = await serve();
    expect((await client({ allowHosts: ['127.0.0.0/8'] })(s.url)).status).toBe(200);
    expect(await codeOf(client({ allowHosts: ['10.0.0.0/8'] })(s.url))).toBe('VENDOR_REJECTED');
    expect(s.hits).toBe(1);
    // A name resolving into the CIDR is allowed too (localhost → 127.0.0.1 or ::1).
    expect((await client({ allowHosts: ['127.0.0.0/8', '::1/128'] })(`http://localhost:${s.port}/`)).status).toBe(200);
  });

  it('createHostPolicy refuses malformed entries and matches host, host:port and CIDR', () => {
    expect(() => createHostPolicy(['10.0.0.0/33'])).toThrow();
    const p = createHostPolicy(['broker.local', '127.0.0.1:8080', '192.168.0.0/16', 'fd00::/8']);
    expect(p.allows('broker.local', 1883)).toBe(true);
    expect(p.allows('127.0.0.1', 8080)).toBe(true);
    expect(p.allows('127.0.0.1', 8081)).toBe(false);
    expect(p.allows('192.168.4.5', 1)).toBe(true);
    expect(p.allows('[fd00::1]', 1)).toBe(true);
    expect(p.allowsAddress('10.0.0.1')).toBe(false);
  });

  it('followRedirects: false returns the redirect itself', async () => {
    const s = await serve((_q, r) => {
      r.writeHead(302, { location: 'http://127.0.0.1:1/' });
      r.end();
    });
    const res = await client({ allowHosts: ['127.0.0.1'] })(s.url, { followRedirects: false });
    expect(res.status).toBe(302);
    expect(s.hits).toBe(1);
  });

  it('truncateBody reads at most maxBytes and answers', async () => {
    const s = await serve((_q, r) => r.end('x'.repeat(100_000)));
    const res = await client({ allowHosts: ['127.0.0.1'] })(s.url, { maxBytes: 4096, truncateBody: true });
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(4096);
  });
});

describe('createSafeFetch: pipelined client (one connection, deadlines kept by one sweep)', () => {
  const post = { method: 'POST', body: 'x', discardBody: true, followRedirects: false } as const;

  it('a request past its deadline fails, with those queued behind it on the connection; the next one opens a new connection', async () => {
    let hang = true;
    const sockets = new Set<unknown>();
    const srv = await serve((q, s) => {
      sockets.add(q.socket);
      q.resume();
      if (!hang) s.end('ok');
    });
    const f = client({ allowHosts: ['127.0.0.1'], pipelining: 4 });
    const first = f(srv.url, { ...post, timeoutMs: 300 }).then(
      () => 'resolved',
      (e: Error & { code?: string }) => `${e.code}: ${e.message}`,
    );
    const second = f(srv.url, { ...post, timeoutMs: 60_000 }).then(
      () => 'resolved',
      (e: Error & { code?: string }) => `${e.code}: ${e.message}`,
    );
    expect(await first).toMatch(/^VENDOR_UNAVAILABLE: .*no complete answer within 300 ms/);
    expect(await second).toMatch(/^VENDOR_UNAVAILABLE: .*an earlier request on the connection got no answer in time/);
    hang = false;
    const res = await f(srv.url, { ...post, timeoutMs: 5000 });
    expect(res.status).toBe(200);
    expect(sockets.size).toBe(2); // the stuck connection was ended; a new one carried the last request
  });

  it('the caller abort ends the requests under way with its reason', async () => {
    const ac = new AbortController();
    let arrived = 0;
    const srv = await serve((q) => {
      q.resume();
      if (++arrived === 2) ac.abort(new Error('runner stopping'));
    });
    const f = client({ allowHosts: ['127.0.0.1'], pipelining: 4 });
    const a = f(srv.url, { ...post, signal: ac.signal });
    const b = f(srv.url, { ...post, signal: ac.signal });
    await expect(a).rejects.toThrow('runner stopping');
    await expect(b).rejects.toThrow('runner stopping');
    await expect(f(srv.url, { ...post, signal: ac.signal })).rejects.toThrow('runner stopping'); // already aborted: not sent
    expect(arrived).toBe(2);
  });

  it('answers in order, many under way on one connection, with nothing left running after', async () => {
    const sockets = new Set<unknown>();
    const srv = await serve((q, s) => {
      sockets.add(q.socket);
      q.resume();
      q.on('end', () => s.end('ok'));
    });
    const f = client({ allowHosts: ['127.0.0.1'], pipelining: 8 });
    const all = await Promise.all(Array.from({ length: 50 }, () => f(srv.url, { ...post, timeoutMs: 5000 })));
    expect(all.every((r) => r.status === 200)).toBe(true);
    expect(sockets.size).toBe(1);
  });
});
