import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { request } from 'undici';
import { badInput, isAppError } from '../../../src/core/errors.ts';
import { locateJsonError, parseJsonText, readBody, readJsonBody, sendError, sendJson } from '../../../src/core/http/body.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function start(handler: http.RequestListener) {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/`, port };
}

/** A server that reads the body with `read` and answers what it got, or the error. */
async function startReader(read: (req: http.IncomingMessage) => Promise<unknown>) {
  const outcomes: unknown[] = [];
  const s = await start(async (req, res) => {
    try {
      const value = await read(req);
      outcomes.push(value);
      sendJson(res, 200, { value: Buffer.isBuffer(value) ? value.length : value });
    } catch (e) {
      outcomes.push(e);
      sendError(res, e);
    }
  });
  return { ...s, outcomes };
}

async function post(url: string, body: string | Buffer | Readable, headers: Record<string, string> = {}) {
  const res = await request(url, { method: 'POST', body, headers });
  return { status: res.statusCode, json: (await res.body.json()) as any };
}

describe('readBody', () => {
  it('reads a body up to the limit', async () => {
    const { url } = await startReader((req) => readBody(req, 1000));
    expect(await post(url, Buffer.alloc(1000))).toEqual({ status: 200, json: { value: 1000 } });
  });

  it('rejects early on a Content-Length over the limit, before the body is sent', async () => {
    const { port, outcomes } = await startReader((req) => readBody(req, 1000));
    const sock = net.connect(port, '127.0.0.1');
    let answer = '';
    sock.on('data', (d) => (answer += d));
    sock.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n'); // no body at all
    await expect.poll(() => answer).toMatch(/^HTTP\/1.1 413/);
    expect(answer).toContain('PAYLOAD_TOO_LARGE');
    expect(isAppError(outcomes[0]) && outcomes[0].code).toBe('PAYLOAD_TOO_LARGE');
    sock.destroy();
  });

  it('rejects a chunked body once the streamed bytes pass the limit', async () => {
    const { url } = await startReader((req) => readBody(req, 100_000));
    let sent = 0;
    async function* gen() {
      for (let i = 0; i < 400; i++) {
        sent += 64 * 1024;
        yield Buffer.alloc(64 * 1024);
      }
    }
    const res = await post(url, Readable.from(gen()));
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(sent).toBeLessThan(400 * 64 * 1024); // the server did not wait for 25 MB
  });

  it('rejects with BAD_USER_INPUT when the client goes away mid-body', async () => {
    const reading: http.IncomingMessage[] = [];
    const { port, outcomes } = await startReader((req) => (reading.push(req), readBody(req, 1000)));
    const sock = net.connect(port, '127.0.0.1');
    const sent = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\nabc';
    sock.write(sent);
    // Gone only once the server is reading the body and has received the part that was sent.
    await waitFor(() => reading[0]?.socket.bytesRead === sent.length, 5000, 'the partial body received');
    sock.destroy();
    await expect.poll(() => outcomes.length).toBe(1);
    expect(isAppError(outcomes[0]) && outcomes[0].code).toBe('BAD_USER_INPUT');
  });
});

describe('readJsonBody', () => {
  it('parses JSON (with a BOM)', async () => {
    const { url } = await startReader((req) => readJsonBody(req, 1000));
    expect((await post(url, '\uFEFF{"a":[1,2]}')).json).toEqual({ value: { a: [1, 2] } });
  });

  it.each([
    ['{"a":}', 5],
    ['{"a":1', 6],
    ['[1,2,,]', 5],
    ['{"abc": tru}', 11],
    ['{"a":1} x', 8],
    ["{'a':1}", 1],
  ])('answers 400 BAD_USER_INPUT naming the position for %s', async (text, pos) => {
    const { url } = await startReader((req) => readJsonBody(req, 1000));
    const res = await post(url, text);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('BAD_USER_INPUT');
    expect(res.json.error.message).toContain(`position ${pos}`);
  });

  it('answers 400 for an empty body and 413 for a big one', async () => {
    const { url } = await startReader((req) => readJsonBody(req, 10));
    expect((await post(url, '')).json.error.code).toBe('BAD_USER_INPUT');
    expect((await post(url, `[${'1,'.repeat(20)}1]`)).json.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('locateJsonError agrees with JSON.parse on valid input and survives deep nesting', () => {
    expect(locateJsonError('{"a":[1,-2.5e3,"\\u00e9\\n",true,false,null]}')).toBeNull();
    expect(locateJsonError('"\u0001"')).toEqual({ pos: 1, problem: expect.stringContaining('control') });
    const deep = '['.repeat(200_000);
    expect(() => parseJsonText(deep)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });
});

describe('sendJson / sendError', () => {
  it('answers an AppError with its status and code', async () => {
    const { url } = await start((_req, res) => sendError(res, badInput('nope')));
    const res = await request(url);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(await res.body.json()).toEqual({ error: { code: 'BAD_USER_INPUT', message: 'nope' } });
  });

  it('masks unexpected errors as 500 INTERNAL and logs the details with an id', async () => {
    const log = { error: vi.fn() };
    const { url } = await start((_req, res) => sendError(res, new Error('password=hunter2 in SQL'), log));
    const res = await request(url);
    const body = (await res.body.json()) as any;
    expect(res.statusCode).toBe(500);
    expect(body.error.code).toBe('INTERNAL');
    expect(body.error.message).not.toContain('hunter2');
    const [logged] = log.error.mock.calls[0];
    expect(logged.err.message).toContain('hunter2');
    expect(body.error.message).toContain(logged.errorId);
  });

  it('tolerates an already-ended response and destroys a started one', async () => {
    const { url } = await start((_req, res) => {
      res.end('done');
      expect(() => sendError(res, new Error('late'))).not.toThrow();
      expect(() => sendJson(res, 200, { late: true })).not.toThrow();
    });
    const res = await request(url);
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('done');

    const { url: url2 } = await start((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      sendError(res, new Error('mid-stream'));
    });
    await expect(request(url2).then((r) => r.body.text())).rejects.toThrow();
  });
});
