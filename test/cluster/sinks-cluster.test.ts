/**
 * A webhook sink across two instances on one PostgreSQL and one Redis (TEST_DATABASE_URL,
 * TEST_REDIS_URL): exactly one instance delivers it at a time (its lease `log:sink:<id>`), events
 * ingested on either are delivered once each, in order; when the delivering instance stops, the
 * other takes over from the stored cursor and nothing is missing. A pause made on the instance that
 * does not deliver stops the one that does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/core/db/client.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createPostgresDatabase, TEST_DATABASE_URL } from '../helpers/db.ts';
import { ffJson, postFf } from '../helpers/ff-events.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { WebhookReceiver } from '../helpers/webhook-receiver.ts';

const TEST_REDIS_URL = process.env.TEST_REDIS_URL || undefined;
const skip = !TEST_DATABASE_URL || !TEST_REDIS_URL;
if (skip) console.log('TEST_DATABASE_URL or TEST_REDIS_URL is not set: sinks across instances are skipped.');

describe.skipIf(skip)('webhook sink across two instances (postgres + redis)', () => {
  const apps: TestApp[] = [];
  const dbs: Database[] = [];
  let drop = async () => {};
  let rx: WebhookReceiver;
  let packet = 0;

  beforeAll(async () => {
    rx = await WebhookReceiver.start();
    const created = await createPostgresDatabase('sinks');
    drop = created.drop;
    const config = {
      adapters: [{ type: 'ff', id: 'default', tcpPort: 0 }],
      outbound: { allowHosts: ['127.0.0.1'] },
      cluster: { leaseRetrySec: 0.2, leaseHeartbeatSec: 0.2, leaseHeartbeatTimeoutSec: 1 },
    };
    for (let i = 0; i < 2; i++) {
      const database = await openDatabase({ url: created.url, maxConnections: 6 });
      dbs.push(database);
      apps.push(await startTestApp({ config, db: { name: 'postgres', database, cleanup: async () => {} }, redisUrl: TEST_REDIS_URL }));
    }
  }, 60_000);

  afterAll(async () => {
    for (const a of apps) await a.close().catch(() => {});
    for (const d of dbs) await d.close();
    await drop();
    await rx.close();
  });

  const post = async (t: TestApp) => {
    const r = await postFf(t.url, ffJson(++packet));
    expect(r.status).toBe(200);
    return String(r.body.seq);
  };
  const holders = () => apps.filter((a) => a.app.sinks.deliveringHere().length > 0);

  it('one instance delivers at a time; the other takes over from the cursor with nothing missing', async () => {
    const [a, b] = apps as [TestApp, TestApp];
    const created = await a.gql('mutation($i: CreateWebhookSinkInput!) { createWebhookSink(input: $i) { secret sink { id } } }', { i: { name: 'cluster', url: rx.url } });
    rx.setSecret(created.data.createWebhookSink.secret);
    const id = created.data.createWebhookSink.sink.id;
    await waitFor(() => holders().length === 1, 10_000, 'one instance holding the sink');
    const first = [await post(a), await post(b), await post(a), await post(b)];
    await waitFor(() => rx.delivered().length === 4, 10_000, 'four delivered');
    expect(rx.delivered()).toEqual(first);
    expect(holders()).toHaveLength(1);

    // A pause on either instance stops delivery wherever it runs.
    const other = holders()[0] === a ? b : a;
    expect((await other.gql('mutation($id: ID!) { pauseSink(id: $id) { state } }', { id })).data.pauseSink.state).toBe('PAUSED');
    await waitFor(() => holders().length === 0, 10_000, 'no holder while paused');
    const paused = [await post(a), await post(b)];
    expect(rx.requests).toHaveLength(4);
    await other.gql('mutation($id: ID!) { resumeSink(id: $id) { state } }', { id });
    await waitFor(() => rx.delivered().length === 6, 10_000, 'delivered after resume');
    expect(rx.delivered().slice(4)).toEqual(paused);

    // The holder stops: the other instance takes over from the stored cursor.
    await waitFor(() => holders().length === 1, 10_000, 'a holder again');
    const holder = holders()[0]!;
    const survivor = holder === a ? b : a;
    await holder.app.close();
    apps.splice(apps.indexOf(holder), 1);
    const after = [await post(survivor), await post(survivor)];
    await waitFor(() => rx.delivered().length >= 8, 15_000, 'delivered by the survivor');
    const seen = [...new Set(rx.delivered())];
    expect(seen).toEqual([...first, ...paused, ...after]);
    expect(rx.requests.every((q) => q.verified)).toBe(true);
  });
});
