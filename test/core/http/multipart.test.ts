import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { isAppError } from '../../../src/core/errors.ts';
import { sendError, sendJson } from '../../../src/core/http/body.ts';
import { parseMultipart, safeFilename, type MultipartLimits, type MultipartPart } from '../../../src/core/http/multipart.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const MiB = 1024 * 1024;
const LIMITS: MultipartLimits = { maxFileBytes: 2 * MiB, maxFiles: 3, maxFields: 3, maxParts: 5, maxFieldBytes: 64 * 1024 };
const BOUNDARY = '----test-boundary-7MA4YWxkTrZu0gW';
const CT = `multipart/form-data; boundary=${BOUNDARY}`;

interface Part {
  name: string;
  filename?: string;
  type?: string;
  data: string | Buffer;
}
function partHead(p: Part): Buffer {
  const disp = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
  return Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disp}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`);
}
function multipartBody(parts: Part[], close = true): Buffer {
  const out: Buffer[] = [];
  for (const p of parts) out.push(partHead(p), Buffer.from(p.data), Buffer.from('\r\n'));
  if (close) out.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(out);
}

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A server that parses and answers a summary; `outcomes` records what each parse produced. */
async function startServer(limits = LIMITS) {
  const outcomes: Array<{ parts?: MultipartPart[]; error?: unknown }> = [];
  const requests: http.IncomingMessage[] = [];
  const server = http.createServer(async (req, res) => {
    requests.push(req);
    try {
      const parts = await parseMultipart(req, limits);
      outcomes.push({ parts });
      sendJson(
        res,
        200,
        parts.map((p) => ({ name: p.name, filename: p.filename, isFile: p.isFile, bytes: p.data.length })),
      );
    } catch (error) {
      outcomes.push({ error });
      sendError(res, error);
    }
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, outcomes, requests, port: (server.address() as AddressInfo).port };
}

async function post(url: string, body: Buffer | Readable, contentType = CT) {
  const res = await request(url, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: res.statusCode, json: (await res.body.json()) as any };
}

describe('parseMultipart', () => {
  it('parses two files and a field, in order, with bytes intact', async () => {
    const { url, outcomes } = await startServer();
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x80, 0x81, 0xfe, 0x00, 0x0d, 0x0a]);
    const body = multipartBody([
      { name: 'event', type: 'application/json', data: '{"plate":"ÄB-123"}' },
      { name: 'image', filename: 'full.jpg', type: 'image/jpeg', data: jpeg },
      { name: 'plate', type: 'image/jpeg', data: jpeg }, // no filename: must still be raw bytes
    ]);
    const res = await post(url, body);
    expect(res.status).toBe(200);
    const parts = outcomes[0].parts!;
    expect(parts.map((p) => [p.name, p.isFile])).toEqual([
      ['event', false],
      ['image', true],
      ['plate', true],
    ]);
    expect(JSON.parse(parts[0].data.toString('utf8'))).toEqual({ plate: 'ÄB-123' });
    expect(parts[1]).toMatchObject({ filename: 'full.jpg', contentType: 'image/jpeg' });
    expect(parts[1].data.equals(jpeg)).toBe(true);
    expect(parts[2].data.equals(jpeg)).toBe(true);
  });

  it('rejects an oversize file with 413 PAYLOAD_TOO_LARGE naming the part', async () => {
    const { url, outcomes } = await startServer();
    const res = await post(url, multipartBody([{ name: 'image', filename: 'a.jpg', type: 'image/jpeg', data: Buffer.alloc(2 * MiB + 1) }]));
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(res.json.error.message).toContain('"image"');
    expect(isAppError(outcomes[0].error) && outcomes[0].error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('accepts a file of exactly the limit', async () => {
    const { url } = await startServer();
    const res = await post(url, multipartBody([{ name: 'image', filename: 'a.jpg', data: Buffer.alloc(2 * MiB) }]));
    expect(res.status).toBe(200);
    expect(res.json[0].bytes).toBe(2 * MiB);
  });

  it('rejects an oversize field with 413', async () => {
    const { url } = await startServer();
    const res = await post(url, multipartBody([{ name: 'event', data: 'x'.repeat(64 * 1024 + 1) }]));
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it.each([
    ['parts', Array.from({ length: 6 }, (_, i) => (i % 2 ? { name: `f${i}`, data: 'v' } : { name: `i${i}`, filename: 'x.jpg', data: 'v' }))],
    ['files', Array.from({ length: 4 }, (_, i) => ({ name: `i${i}`, filename: 'x.jpg', data: 'v' }))],
    ['fields', Array.from({ length: 4 }, (_, i) => ({ name: `f${i}`, data: 'v' }))],
  ])('rejects too many %s with 413', async (what, parts) => {
    const { url } = await startServer();
    const res = await post(url, multipartBody(parts));
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(res.json.error.message).toContain(what);
  });

  it.each([
    ['application/json', 'application/json'],
    ['missing boundary', 'multipart/form-data'],
    ['urlencoded', 'application/x-www-form-urlencoded'],
  ])('rejects a body that is not multipart (%s) with 400', async (_label, type) => {
    const { url } = await startServer();
    const res = await post(url, Buffer.from('{"a":1}'), type);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('BAD_USER_INPUT');
  });

  it('rejects a body without its closing boundary with 400', async () => {
    const { url } = await startServer();
    const body = multipartBody([{ name: 'image', filename: 'a.jpg', data: Buffer.alloc(1000, 1) }], false);
    const res = await post(url, body.subarray(0, body.length - 300));
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('BAD_USER_INPUT');
  });

  it('rejects with BAD_USER_INPUT when the client disconnects mid-body', async () => {
    const { port, outcomes, requests } = await startServer();
    const body = multipartBody([{ name: 'image', filename: 'a.jpg', data: Buffer.alloc(100_000, 1) }]);
    const sock = net.connect(port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    const head = `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: ${CT}\r\nContent-Length: ${body.length}\r\n\r\n`;
    sock.write(head);
    sock.write(body.subarray(0, 50_000));
    // Gone only once the server is parsing and has received the half that was sent.
    await waitFor(() => requests[0]?.socket.bytesRead === Buffer.byteLength(head) + 50_000, 5000, 'half the body received');
    sock.destroy();
    await expect.poll(() => outcomes.length).toBe(1);
    expect(isAppError(outcomes[0].error) && outcomes[0].error.code).toBe('BAD_USER_INPUT');
  });

  it('returns path-trick filenames as sent; safeFilename neutralises them', async () => {
    const { url, outcomes } = await startServer();
    const res = await post(
      url,
      multipartBody([
        { name: 'a', filename: '../../etc/passwd', data: 'x' },
        { name: 'b', filename: 'C:\\x\\y.jpg', data: 'x' },
      ]),
    );
    expect(res.status).toBe(200);
    const [a, b] = outcomes[0].parts!;
    expect(a.filename).toBe('../../etc/passwd');
    expect(b.filename).toBe('C:\\x\\y.jpg');
    expect(safeFilename(a.filename)).toBe('passwd');
    expect(safeFilename(b.filename)).toBe('y.jpg');
    expect(safeFilename('..')).toBe('');
    expect(safeFilename('../')).toBe('');
    expect(safeFilename('C:evil.jpg')).toBe('evil.jpg');
    expect(safeFilename('a\u0000b\r\n\u202ec.jpg')).toBe('abc.jpg');
    expect(safeFilename('.hidden')).toBe('hidden');
    expect(safeFilename(undefined)).toBe('');
    expect(safeFilename('x'.repeat(300)).length).toBe(255);
  });

  it('rejects a 50 MB file against a 1 MB limit without buffering it, and still answers', async () => {
    const limit = 1 * MiB;
    const { url, outcomes } = await startServer({ ...LIMITS, maxFileBytes: limit });
    const total = 50 * MiB;
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, 7);
    async function* gen() {
      yield partHead({ name: 'image', filename: 'big.jpg', type: 'image/jpeg', data: '' });
      while (sent < total) {
        sent += chunk.length;
        yield chunk;
      }
      yield Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
    }
    const res = await post(url, Readable.from(gen()));
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe('PAYLOAD_TOO_LARGE');
    const err = outcomes[0].error;
    expect(isAppError(err) && err.code).toBe('PAYLOAD_TOO_LARGE');
    const details = (err as { details?: { bufferedBytes: number } }).details!;
    expect(details.bufferedBytes).toBeLessThanOrEqual(limit);
  });
});
