/**
 * The sink runner's state machine on both drivers, time moved by a ManualClock: a receiver that
 * keeps failing is retried with backoff until 24 h after the first failure, then the sink is
 * DISABLED with the reason; a receiver that hangs or closes the connection is a failure retried in
 * order; the delivery records stay bounded; deliverNow (the rules engine's port); a healthy
 * receiver gets several deliveries at once, pipelined in order on one connection.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SINK_DELIVERIES_KEPT, listDeliveries, recordDeliveries, sinkById } from '../../../src/core/sinks/repo.ts';
import { drivers, type TestDb } from '../../helpers/db.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { WebhookReceiver } from '../../helpers/webhook-receiver.ts';
import { startSinkHarness, type SinkHarness } from './harness.ts';

const HOUR = 3_600_000;

for (const driver of drivers) {
  describe(`sink runner (${driver.name})`, () => {
    let t: TestDb;
    let h: SinkHarness;
    let rx: WebhookReceiver;

    beforeEach(async () => {
      t = await driver.open();
      rx = await WebhookReceiver.start();
    });
    afterEach(async () => {
      await h.close();
      await rx.close();
      await t.cleanup();
    });

    async function webhook(name = 'w') {
      const { sink, secret } = await h.manager.createWebhook({ name, url: rx.url });
      rx.setSecret(secret);
      await h.manager.start();
      return sink;
    }

    it('retries for 24 h after the first failure, then DISABLED with the reason; nothing after the failing event is sent', async () => {
      h = startSinkHarness(t, { retry: { baseMs: HOUR, capMs: HOUR, jitter: 'none' } });
      const sink = await webhook();
      rx.behave = () => 500;
      await h.append(2);
      await waitFor(async () => (await sinkById(t.database.db, sink.id))?.state === 'FAILING', 10_000, 'FAILING');
      /** The consumer sleeps out its backoff: its timer is the only one, due in `ms`. */
      const backingOff = (ms: number) => waitFor(() => h.clock.nextAt() === h.clock.nowMs() + ms, 10_000, 'the backoff timer');
      for (let i = 1; i <= 23; i++) {
        await backingOff(HOUR);
        await h.clock.advance(HOUR);
        await waitFor(() => rx.requests.length === i + 1, 10_000, `attempt ${i + 1}`);
      }
      expect((await sinkById(t.database.db, sink.id))?.state).toBe('FAILING');
      await backingOff(HOUR);
      await h.clock.advance(HOUR);
      await waitFor(async () => (await sinkById(t.database.db, sink.id))?.state === 'DISABLED', 10_000, 'DISABLED');
      const s = await sinkById(t.database.db, sink.id);
      expect(s?.lastError).toMatch(/gave up after retrying for 24 h: the receiver answered 500/);
      expect(new Set(rx.requests.map((q) => q.seq)).size).toBe(1); // head of line: only the first event
      expect(rx.requests[0]!.verified).toBe(true); // later ones carry the moved clock's time, which a receiver rightly refuses
      const d = await listDeliveries(t.database.db, sink.id, 10, null);
      expect(d.deliveries[0]).toMatchObject({ status: 'GAVE_UP', attempts: 25, httpStatus: 500 });
      await h.clock.advance(10 * HOUR);
      expect(rx.requests).toHaveLength(25); // disabled: no more attempts
    });

    it('a receiver that hangs past the timeout, or closes the connection, is retried in order until it answers', async () => {
      h = startSinkHarness(t, { retry: { baseMs: 1000, capMs: 1000, jitter: 'none' } }, 300);
      const sink = await webhook();
      const plan: Array<'hang' | 'close' | 200> = ['hang', 'close', 200, 200];
      rx.behave = (n) => plan[n] ?? 200;
      const evs = await h.append(2);
      await waitFor(() => rx.requests.length === 1, 10_000, 'first attempt');
      await waitFor(async () => (await sinkById(t.database.db, sink.id))?.state === 'FAILING', 10_000, 'FAILING after the timeout');
      expect((await sinkById(t.database.db, sink.id))?.lastError).toMatch(/no complete answer within 300 ms/);
      const backingOff = () => waitFor(() => h.clock.nextAt() === h.clock.nowMs() + 1000, 10_000, 'the backoff timer');
      await backingOff();
      await h.clock.advance(1000);
      await waitFor(() => rx.requests.length === 2, 10_000, 'second attempt (closed)');
      await waitFor(async () => (await listDeliveries(t.database.db, sink.id, 1, null)).deliveries[0]?.attempts === 2, 10_000, 'second failure recorded');
      await backingOff();
      await h.clock.advance(1000);
      await waitFor(() => rx.delivered().length === 2, 10_000, 'both delivered');
      expect(rx.delivered()).toEqual(evs.map((e) => e.seq.toString()));
      await waitFor(async () => (await sinkById(t.database.db, sink.id))?.state === 'ACTIVE', 5000, 'ACTIVE');
    });

    it('keeps at most SINK_DELIVERIES_KEPT delivery records per sink (the newest)', async () => {
      h = startSinkHarness(t);
      const sink = await webhook();
      const at = new Date();
      const rows = Array.from({ length: SINK_DELIVERIES_KEPT + 30 }, (_, i) => ({
        sinkId: sink.id,
        seq: BigInt(i + 1),
        messageId: `m${i}`,
        status: 'DELIVERED' as const,
        attempts: 1,
        httpStatus: 200,
        error: null,
        at,
      }));
      await recordDeliveries(t.database.db, rows.slice(0, 50));
      await recordDeliveries(t.database.db, rows.slice(50));
      const all = await listDeliveries(t.database.db, sink.id, 500, null);
      expect(all.deliveries).toHaveLength(SINK_DELIVERIES_KEPT);
      expect(all.deliveries[0]!.seq).toBe(BigInt(SINK_DELIVERIES_KEPT + 30));
      expect(all.deliveries.at(-1)!.seq).toBe(31n);
    });

    it('deliverNow sends one signed event outside the cursor; exists; NOT_FOUND for an unknown sink', async () => {
      h = startSinkHarness(t);
      const sink = await webhook();
      await h.manager.pause(sink.id);
      const [e] = await h.append(1);
      await h.manager.deliverNow(sink.id, e!, 'rule_1_42');
      expect(rx.requests).toHaveLength(1);
      expect(rx.requests[0]).toMatchObject({ id: 'rule_1_42', verified: true, seq: e!.seq.toString() });
      expect(await h.manager.exists(sink.id)).toBe(true);
      expect(await h.manager.exists('nope')).toBe(false);
      await expect(h.manager.deliverNow('nope', e!, 'x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      rx.behave = () => 500;
      await expect(h.manager.deliverNow(sink.id, e!, 'rule_1_43')).rejects.toMatchObject({ code: 'VENDOR_UNAVAILABLE' });
      expect(await h.manager.lastDeliveredSeq(sink.id)).toBeLessThan(e!.seq); // the cursor did not move
    });
    it('a healthy receiver gets up to maxInFlight deliveries at once, pipelined in log order on one connection; the window opens one delivery at a time', async () => {
      h = startSinkHarness(t, { maxInFlight: 4 });
      // Answers at once for the first 3 requests (the window opens: 1, 2, 3, then 4); after that it
      // answers only when 3 requests wait unanswered, or when all 9 arrived: a sink sending one at a
      // time would never get an answer (the test times out).
      const got: Array<{ seq: string; port: number; waiting: number }> = [];
      const waiting: ServerResponse[] = [];
      const answer = (res: ServerResponse) => res.writeHead(200).end('ok');
      const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          got.push({ seq: JSON.parse(Buffer.concat(chunks).toString('utf8')).data.seq, port: req.socket.remotePort ?? 0, waiting: waiting.length });
          if (got.length <= 3) return answer(res);
          waiting.push(res);
          if (waiting.length >= 3 || got.length === 9) for (const w of waiting.splice(0)) answer(w);
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const { sink } = await h.manager.createWebhook({ name: 'pipelined', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` });
        await h.manager.start();
        const first = await h.append(3);
        await waitFor(() => got.length === 3, 10_000, 'the first three, one at a time');
        const rest = await h.append(6);
        await waitFor(() => got.length === 9, 10_000, 'all nine (several in flight at once)');
        expect(got.map((g) => g.seq)).toEqual([...first, ...rest].map((e) => e.seq.toString())); // log order
        expect(new Set(got.map((g) => g.port)).size).toBe(1); // one connection
        expect(Math.max(...got.map((g) => g.waiting))).toBeGreaterThanOrEqual(2); // ≥ 3 under way at once
        await waitFor(async () => (await h.manager.lastDeliveredSeq(sink.id)) === rest.at(-1)!.seq, 10_000, 'the cursor past all nine');
      } finally {
        server.closeAllConnections();
        server.close();
      }
    });
  });
}
