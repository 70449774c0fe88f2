/**
 * Webhook sinks end to end, on both drivers: a real server ingesting FF events, a real receiver
 * verifying each request with `standardwebhooks`, retries on the server's ManualClock. Shows
 * at-least-once in log order, the FAILING → ACTIVE path, 410 → DISABLED, pause /
 * resume / replay, and a restart resuming from the stored cursor.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/time/manual-clock.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { drivers, type TestDb } from '../../helpers/db.ts';
import { ffJson, postFf } from '../../helpers/ff-events.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { WebhookReceiver } from '../../helpers/webhook-receiver.ts';

const CONFIG = { adapters: [{ type: 'ff', id: 'default', tcpPort: 0 }], outbound: { allowHosts: ['127.0.0.1'] } };
const CREATE = `mutation($input: CreateWebhookSinkInput!) { createWebhookSink(input: $input) { secret sink { id name state kind } } }`;
const SINK = `query($id: ID!) { node(id: $id) { ... on Sink { id state lastError lag lastDeliveredSeq deliveries(first: 50) { edges { node { seq status attempts httpStatus messageId } } } } } }`;

for (const driver of drivers) {
  describe(`webhook sinks (${driver.name})`, () => {
    let db: TestDb;
    let app: TestApp;
    let rx: WebhookReceiver;
    let clock: ManualClock;
    let counter = 0;

    beforeEach(async () => {
      db = await driver.open();
      clock = new ManualClock(Date.now());
      app = await startTestApp({ config: CONFIG, db, clock });
      rx = await WebhookReceiver.start();
    });
    afterEach(async () => {
      await app.close();
      await rx.close();
      await db.cleanup();
    });

    async function createSink(filter?: unknown): Promise<string> {
      const r = await app.gql(CREATE, { input: { name: `hook-${++counter}`, url: rx.url, filter } });
      expect(r.errors).toBeUndefined();
      rx.setSecret(r.data.createWebhookSink.secret);
      expect(r.data.createWebhookSink.secret).toMatch(/^whsec_/);
      return r.data.createWebhookSink.sink.id;
    }
    async function post(n: number, over: Record<string, unknown> = {}): Promise<string[]> {
      const seqs: string[] = [];
      for (let i = 0; i < n; i++) {
        const r = await postFf(app.url, ffJson(++counter * 100, over));
        expect(r.status).toBe(200);
        seqs.push(String(r.body.seq));
      }
      return seqs;
    }
    const sink = async (id: string) => (await app.gql(SINK, { id })).data.node;

    it('delivers each matching event once, signed, in log order, with a stable webhook-id and the contract payload', async () => {
      const id = await createSink({ kinds: ['PLATE_READ'] });
      const seqs = await post(5);
      await waitFor(() => rx.requests.length === 5, 10_000, 'five deliveries');
      expect(rx.requests.map((q) => q.seq)).toEqual(seqs);
      expect(rx.requests.every((q) => q.verified)).toBe(true);
      const localId = Buffer.from(id, 'base64').toString().split(':')[1];
      expect(rx.requests.map((q) => q.id)).toEqual(seqs.map((s) => `msg_${localId}_${s}`));
      const d = rx.requests[0]!.body;
      expect(d.type).toBe('event');
      expect(d.data).toMatchObject({ seq: seqs[0], kind: 'PLATE_READ', camera: { name: 'CAM-1' }, plate: { plateNormalized: expect.any(String) } });
      expect(Date.parse(d.data.occurredAt)).not.toBeNaN();
      expect(Array.isArray(d.data.media)).toBe(true);
      await waitFor(async () => (await sink(id)).lastDeliveredSeq === seqs[4], 5000, 'cursor saved');
      const s = await sink(id);
      expect(s).toMatchObject({ state: 'ACTIVE', lag: 0, lastError: null });
      expect(s.deliveries.edges.map((e: any) => e.node.seq)).toEqual([...seqs].reverse());
      expect(s.deliveries.edges.every((e: any) => e.node.status === 'DELIVERED' && e.node.httpStatus === 200)).toBe(true);
    });

    it('retries a receiver answering 500 with backoff, in order: FAILING, then ACTIVE with nothing missing', async () => {
      const id = await createSink();
      let failures = 3;
      rx.behave = () => (failures-- > 0 ? 500 : 200);
      const seqs = await post(4);
      await waitFor(async () => (await sink(id)).state === 'FAILING', 10_000, 'FAILING');
      expect((await sink(id)).lastError).toMatch(/500/);
      for (let k = 1; k <= 3; k++) {
        // Move time past the backoff until the next attempt arrives (timing is not what is checked here).
        await waitFor(
          async () => {
            if (rx.requests.length > k) return true;
            await clock.advance(1000); // backoffs here are 1, 2, 4 s at most (SINK_RETRY); a longer step fires every app timer of the span
            return false;
          },
          10_000,
          `attempt ${k + 1}`,
        );
      }
      await waitFor(() => rx.delivered().length === 4, 10_000, 'all four delivered');
      expect(rx.delivered()).toEqual(seqs);
      // Head of line: the first event was retried before anything after it was sent.
      expect(rx.requests.slice(0, 4).map((q) => q.seq)).toEqual([seqs[0], seqs[0], seqs[0], seqs[0]]);
      await waitFor(async () => (await sink(id)).state === 'ACTIVE', 5000, 'ACTIVE again');
      const first = (await sink(id)).deliveries.edges.find((e: any) => e.node.seq === seqs[0]).node;
      expect(first).toMatchObject({ status: 'DELIVERED', attempts: 4 });
    });

    it('disables the sink at once on 410 Gone, naming the reason', async () => {
      const id = await createSink();
      rx.behave = () => 410;
      await post(2);
      await waitFor(async () => (await sink(id)).state === 'DISABLED', 10_000, 'DISABLED');
      expect((await sink(id)).lastError).toMatch(/410/);
      expect(rx.requests).toHaveLength(1);
    });

    it('resumeSink restarts a DISABLED sink from its cursor', async () => {
      const id = await createSink();
      rx.behave = () => 410;
      const seqs = await post(2);
      await waitFor(async () => (await sink(id)).state === 'DISABLED', 10_000, 'DISABLED');
      rx.behave = () => 200;
      const r = await app.gql(`mutation($id: ID!) { resumeSink(id: $id) { state } }`, { id });
      expect(r.data.resumeSink.state).toBe('ACTIVE');
      await waitFor(() => rx.delivered().length === 2, 10_000, 'delivered after resume');
      expect(rx.delivered()).toEqual(seqs);
    });

    it('pauses (nothing sent, the cursor kept), resumes from the cursor, replays from a seq', async () => {
      const id = await createSink();
      const a = await post(2);
      await waitFor(() => rx.delivered().length === 2, 10_000, 'first two');
      expect((await app.gql(`mutation($id: ID!) { pauseSink(id: $id) { state } }`, { id })).data.pauseSink.state).toBe('PAUSED');
      const b = await post(2);
      await waitFor(async () => (await sink(id)).lag === 2, 5000, 'lag while paused');
      expect(rx.requests).toHaveLength(2);
      await app.gql(`mutation($id: ID!) { resumeSink(id: $id) { state } }`, { id });
      await waitFor(() => rx.delivered().length === 4, 10_000, 'the two written while paused');
      expect(rx.delivered()).toEqual([...a, ...b]);
      const r = await app.gql(`mutation($id: ID!, $from: String!) { replaySink(id: $id, fromSeq: $from) { id } }`, { id, from: a[1] });
      expect(r.errors).toBeUndefined();
      await waitFor(() => rx.delivered().length === 7, 10_000, 'replayed three');
      expect(rx.delivered().slice(4)).toEqual([a[1], ...b]);
      expect(rx.requests.slice(4).every((q) => q.verified)).toBe(true);
    });

    it('only delivers events matching the filter (cameraIds of a camera, plate prefix)', async () => {
      await createSink({ plate: 'T0002*' });
      await post(1, { plateText: 'T000100' });
      const wanted = await post(1, { plateText: 'T000200' });
      const later = await post(1, { plateText: 'T000201' });
      await waitFor(() => rx.delivered().length === 2, 10_000, 'two matching');
      expect(rx.delivered()).toEqual([...wanted, ...later]);
    });

    it('after a restart, resumes from the stored cursor: nothing missing', async () => {
      const id = await createSink();
      const a = await post(2);
      await waitFor(() => rx.delivered().length === 2, 10_000, 'before restart');
      rx.behave = () => 500; // the next ones stay undelivered
      const b = await post(2);
      await waitFor(() => rx.requests.length >= 3, 10_000, 'a failed attempt');
      await app.close();
      rx.behave = () => 200;
      app = await startTestApp({ config: CONFIG, db, clock: new ManualClock(Date.now()) });
      await waitFor(() => rx.delivered().length === 4, 10_000, 'delivered after restart');
      expect(rx.delivered()).toEqual([...a, ...b]);
      expect(rx.requests.filter((q) => q.status === 200).every((q) => q.verified)).toBe(true);
      expect((await sink(id)).state).toBe('ACTIVE');
    });
  });
}
