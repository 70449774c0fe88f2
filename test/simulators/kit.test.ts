/**
 * The simulators' shared kit: the seeded PRNG is pinned (demos and tests replay the same vendor
 * traffic from a seed, so its sequence must not drift), the images are valid, and the HTTP helpers
 * report the port the OS chose for port 0.
 */
import http from 'node:http';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServer, createRng, httpUrl, listen, looksLikeJpeg, makeJpeg, readBody } from '@unified-surveillance/simulators/kit';

describe('createRng', () => {
  it('gives the pinned sequence for a seed, numbers and texts alike', () => {
    expect(createRng('pin').next()).toBe(0.0512210545130074);
    expect(createRng('pin').hex(8)).toBe('0d90f609');
    expect(createRng('pin').hex(8, true)).toBe('0D90F609');
    expect(createRng('pin').guid()).toBe('0d90f609-b5d4-48e8-9776-07a93acc070e');
    expect(createRng(7).next()).toBe(createRng('7').next());
    const a = createRng('x'),
      b = createRng('y');
    expect(Array.from({ length: 5 }, () => a.next())).not.toEqual(Array.from({ length: 5 }, () => b.next()));
  });

  it('keeps int, pick and shuffleKeys in range and content', () => {
    const r = createRng('range');
    const ints = Array.from({ length: 500 }, () => r.int(3, 5));
    expect(new Set(ints)).toEqual(new Set([3, 4, 5]));
    expect(['a', 'b']).toContain(r.pick(['a', 'b']));
    const obj = { a: 1, b: 2, c: 3, d: 4, e: 5 };
    expect(r.shuffleKeys(obj)).toEqual(obj);
  });
});

describe('makeJpeg', () => {
  it('is a JPEG near the requested size, the same for the same seed text', () => {
    const j = makeJpeg('kit', 5000);
    expect(looksLikeJpeg(j)).toBe(true);
    expect(Math.abs(j.length - 5000)).toBeLessThan(16);
    expect(j.equals(makeJpeg('kit', 5000))).toBe(true);
    expect(j.equals(makeJpeg('kit2', 5000))).toBe(false);
  });
});

describe('HTTP helpers', () => {
  const servers: http.Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) if (s.listening) await closeServer(s);
  });

  it('listen on port 0 resolves with the bound port; httpUrl reaches it; closeServer ends open requests', async () => {
    const server = http.createServer((req, res) => {
      if (req.url === '/ok') res.end('ok');
    }); // '/hang' is never answered
    servers.push(server);
    const port = await listen(server, 0, '127.0.0.1');
    expect(port).toBeGreaterThan(0);
    expect(httpUrl('127.0.0.1', port)).toBe(`http://127.0.0.1:${port}`);
    expect(await (await fetch(`${httpUrl('127.0.0.1', port)}/ok`)).text()).toBe('ok');
    const hanging = fetch(`${httpUrl('127.0.0.1', port)}/hang`).then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise<void>((resolve) => server.once('request', () => resolve()));
    await closeServer(server);
    expect(await hanging).toBe('cut');
    expect(server.listening).toBe(false);
  });

  it('listen rejects when the port is taken', async () => {
    const a = http.createServer();
    const b = http.createServer();
    servers.push(a, b);
    const port = await listen(a, 0, '127.0.0.1');
    await expect(listen(b, port, '127.0.0.1')).rejects.toThrow(/EADDRINUSE/);
  });

  it('httpUrl brackets IPv6 and shows a wildcard host as loopback', () => {
    expect(httpUrl('::1', 80)).toBe('http://[::1]:80');
    expect(httpUrl('0.0.0.0', 81)).toBe('http://127.0.0.1:81');
    expect(httpUrl('::', 82)).toBe('http://127.0.0.1:82');
  });

  it('readBody keeps the first maxBytes and reports the full size', async () => {
    const chunks = () => Readable.from([Buffer.from('abc'), Buffer.from('defg'), Buffer.from('h')]);
    expect(await readBody(chunks())).toEqual({ body: Buffer.from('abcdefgh'), size: 8 });
    expect(await readBody(chunks(), 5)).toEqual({ body: Buffer.from('abcde'), size: 8 });
    expect(await readBody(chunks(), 3)).toEqual({ body: Buffer.from('abc'), size: 8 });
  });
});
