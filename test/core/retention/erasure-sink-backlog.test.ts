/**
 * Erasure versus a sink's pending backlog, end to end on both drivers: a real server, a webhook sink,
 * a real receiver. A sink whose cursor is behind when erasePlate runs — its receiver failing with the
 * erased read at the head of the line, or the sink paused — never delivers an erased read after it
 * resumes: the consumer reads the log after its cursor again on every attempt, and the log no longer
 * has those events. The reads around them are delivered, in order, nothing missing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/time/manual-clock.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { drivers, type TestDb } from '../../helpers/db.ts';
import { ffJson, postFf } from '../../helpers/ff-events.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { WebhookReceiver } from '../../helpers/webhook-receiver.ts';

const CONFIG = { adapters: [{ type: 'ff', id: 'default', tcpPort: 0 }], outbound: { allowHosts: ['127.0.0.1'] } };
const CREATE = `mutation($input: CreateWebhookSinkInput!) { createWebhookSink(input: $input) { secret sink { id } } }`;
const SINK = `query($id: ID!) { node(id: $id) { ... on Sink { state lag lastDeliveredSeq } } }`;
const ERASE = `mutation($input: ErasePlateInput!) { erasePlate(input: $input) { events media listEntries } }`;

for (const driver of drivers) {
  describe(`erasure vs a sink's pending backlog (${driver.name})`, () => {
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

    async function createSink(): Promise<string> {
      const r = await app.gql(CREATE, { input: { name: `erase-hook-${++counter}`, url: rx.url } });
      expect(r.errors).toBeUndefined();
      rx.setSecret(r.data.createWebhookSink.secret);
      return r.data.createWebhookSink.sink.id;
    }
    async function post(plate: string): Promise<string> {
      const r = await postFf(app.url, ffJson(++counter * 100, { plateText: plate }));
      expect(r.status).toBe(200);
      return String(r.body.seq);
    }
    const sink = async (id: string) => (await app.gql(SINK, { id })).data.node;
    async function erase(plate: string) {
      const r = await app.gql(ERASE, { input: { plate } });
      expect(r.errors).toBeUndefined();
      return r.data.erasePlate;
    }

    it('a failing receiver: the erased read at the head of the line and those behind it are never delivered; the rest are, in order', async () => {
      const id = await createSink();
      const before = await post('KB0001');
      await waitFor(() => rx.delivered().length === 1, 10_000, 'the first read delivered');
      rx.behave = () => 500;
      const gone1 = await post('GB0001'); // the head of the line while the receiver fails
      await waitFor(async () => (await sink(id)).state === 'FAILING', 10_000, 'FAILING on the erased read');
      expect(rx.requests.at(-1)!.seq).toBe(gone1);
      const keep1 = await post('KB0002');
      const gone2 = await post('GB0001');
      const keep2 = await post('KB0003');
      await waitFor(async () => (await sink(id)).lag >= 1, 5000, 'the backlog counted');
      const attemptsBefore = rx.requests.length;

      expect(await erase('GB0001')).toMatchObject({ events: 2 });
      rx.behave = () => 200;
      await waitFor(
        async () => {
          if (rx.delivered().length >= 3) return true;
          await clock.advance(1000); // the first retry's backoff is 0.5–1 s (SINK_RETRY): the next attempt
          return false;
        },
        15_000,
        'the backlog delivered after the erasure',
      );
      await waitFor(async () => (await sink(id)).lastDeliveredSeq === keep2, 5000, 'the cursor past the backlog');
      expect(rx.delivered()).toEqual([before, keep1, keep2]);
      const after = rx.requests.slice(attemptsBefore).map((q) => q.seq);
      expect(after).not.toContain(gone1);
      expect(after).not.toContain(gone2);
      expect(rx.requests.every((q) => q.body.data.plate?.plateNormalized !== 'GB0001' || q.status === 500)).toBe(true);
      expect((await sink(id)).state).toBe('ACTIVE');
    }, 60_000);

    it('a paused sink: reads erased while it was paused are not delivered when it resumes', async () => {
      const id = await createSink();
      const a = await post('KP0001');
      await waitFor(() => rx.delivered().length === 1, 10_000, 'the first read delivered');
      expect((await app.gql(`mutation($id: ID!) { pauseSink(id: $id) { state } }`, { id })).data.pauseSink.state).toBe('PAUSED');
      const gone = [await post('GP0001'), await post('GP0001')];
      const b = await post('KP0002');
      const gone3 = await post('GP0001');
      const c = await post('KP0003');
      await waitFor(async () => (await sink(id)).lag === 5, 5000, 'lag 5 while paused');
      expect(rx.requests).toHaveLength(1);

      expect(await erase('GP0001')).toMatchObject({ events: 3 });
      await app.gql(`mutation($id: ID!) { resumeSink(id: $id) { state } }`, { id });
      await waitFor(() => rx.delivered().length === 3, 10_000, 'the backlog delivered after resume');
      await waitFor(async () => (await sink(id)).lastDeliveredSeq === c, 5000, 'the cursor past the backlog');
      expect(rx.delivered()).toEqual([a, b, c]);
      for (const s of [...gone, gone3]) expect(rx.requests.map((q) => q.seq)).not.toContain(s);
    });
  });
}
