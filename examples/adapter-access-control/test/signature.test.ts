/** The webhook signature (PROTOCOL.md §1.1): what verifies, why a delivery is refused, and the simulator's signing agrees. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { sign, verify } from '../src/signature.ts';
import { AcmeAccessController } from '../src/simulator/index.ts';

const SECRET = 'acme-webhook-secret-0123';
const NOW = Date.UTC(2024, 5, 14, 12, 0, 0);
const TS = String(NOW / 1000);
const body = Buffer.from('{"id":"ev_1","type":"door.opened"}');
const delivery = (signature: string | undefined, timestamp: string | undefined = TS, b: Uint8Array = body) => ({ signature, timestamp, body: b });

describe('signature', () => {
  it('accepts a delivery signed with the secret over timestamp.body, upper-case hex too', () => {
    const good = `sha256=${sign(SECRET, TS, body)}`;
    expect(verify(delivery(good), SECRET, NOW, 300)).toEqual({ ok: true });
    expect(verify(delivery(`sha256=${sign(SECRET, TS, body).toUpperCase()}`), SECRET, NOW, 300)).toEqual({ ok: true });
    expect(verify(delivery(good), SECRET, NOW + 299_000, 300)).toEqual({ ok: true });
  });

  it('refuses a wrong secret, a changed body, another timestamp, missing headers, another scheme, saying which', () => {
    const good = `sha256=${sign(SECRET, TS, body)}`;
    expect(verify(delivery(`sha256=${sign('another-secret-0123456', TS, body)}`), SECRET, NOW, 300)).toEqual({ ok: false, reason: 'signature does not match' });
    expect(verify(delivery(good, TS, Buffer.from('{"id":"ev_2","type":"door.opened"}')), SECRET, NOW, 300)).toEqual({ ok: false, reason: 'signature does not match' });
    expect(verify(delivery(good, String(NOW / 1000 - 1)), SECRET, NOW, 300)).toEqual({ ok: false, reason: 'signature does not match' });
    expect(verify(delivery(`sha256=${sign(SECRET, TS, body).slice(0, 10)}`), SECRET, NOW, 300)).toEqual({ ok: false, reason: 'signature does not match' });
    expect(verify(delivery(undefined), SECRET, NOW, 300)).toEqual({ ok: false, reason: 'no Acme-Signature header' });
    expect(verify({ signature: good, timestamp: undefined, body }, SECRET, NOW, 300)).toEqual({ ok: false, reason: 'no Acme-Timestamp header (Unix seconds)' });
    expect(verify(delivery(good, '2024-06-14T12:00:00Z'), SECRET, NOW, 300)).toEqual({ ok: false, reason: 'no Acme-Timestamp header (Unix seconds)' });
    expect(verify(delivery(`v1=${sign(SECRET, TS, body)}`), SECRET, NOW, 300)).toEqual({ ok: false, reason: 'Acme-Signature is not sha256=<hex>' });
  });

  it('refuses a stale or future timestamp even when correctly signed (replays)', () => {
    const old = String(NOW / 1000 - 301);
    expect(verify(delivery(`sha256=${sign(SECRET, old, body)}`, old), SECRET, NOW, 300)).toEqual({ ok: false, reason: 'Acme-Timestamp is 301 s away from our clock (at most 300 s)' });
    const future = String(NOW / 1000 + 900);
    expect(verify(delivery(`sha256=${sign(SECRET, future, body)}`, future), SECRET, NOW, 300)).toMatchObject({ ok: false, reason: expect.stringContaining('900 s away') });
  });

  it('verifies what the simulator (written from PROTOCOL.md, not from this code) sends, retries included', async () => {
    const seen: Array<{ ok: boolean }> = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r = verify(
          { signature: req.headers['acme-signature'] as string | undefined, timestamp: req.headers['acme-timestamp'] as string | undefined, body: Buffer.concat(chunks) },
          SECRET,
          Date.now(),
          300,
        );
        seen.push({ ok: r.ok });
        res.writeHead(r.ok ? 200 : 401).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
      const vendor = new AcmeAccessController('api-key-0123456789abcdef', SECRET);
      await vendor.emit(url);
      expect((await vendor.retryLast(url)).status).toBe(200);
      expect((await vendor.deliver(url, vendor.nextEvent(), { secret: 'wrong-secret-0123456789' })).status).toBe(401);
      expect((await vendor.deliver(url, vendor.nextEvent(), { unsigned: true })).status).toBe(401);
      expect(seen).toEqual([{ ok: true }, { ok: true }, { ok: false }, { ok: false }]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
