/**
 * The example plugin installed the way a user installs it (`npm install ./examples/adapter-example`
 * puts a link in the project's node_modules) and named in the config's `plugins`: its types are in
 * the schema, signed webhooks arrive through a graphql-ws subscription with their snapshot,
 * retries are stored once, bad signatures are refused. PGlite and, with TEST_DATABASE_URL, PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers, type TestDb } from '../helpers/db.ts';
import { collect, wsClient } from '../helpers/ws-client.ts';
import { eventSubscriptions } from '../helpers/subscriptions.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { EXAMPLE_DIR, EXAMPLE_PACKAGE, startPluginApp, userProject, type PluginApp, type UserProject } from './helpers.ts';
import { HmacWebhookVendor, SNAPSHOT_JPEG } from '../../examples/adapter-example/src/simulator/index.ts';

const SECRET = 'example-plugin-secret-0123';
const EVENT_FIELDS = `seq kind vendorType occurredAt source { adapter instance } camera { name }
  media { role contentType url }
  ... on AnalyticsEvent { ruleId ruleName objectClass objectId }
  ... on HmacWebhookEvent { eventId payload }`;

for (const driver of drivers) {
  describe(`example plugin from config (${driver.name})`, () => {
    let db: TestDb;
    let project: UserProject;
    let t: PluginApp;
    const vendor = new HmacWebhookVendor(SECRET);
    const ingest = () => `${t.url}/adapters/hmac-webhook/acme/events`;

    beforeAll(async () => {
      db = await driver.open();
      project = userProject({ [EXAMPLE_PACKAGE]: EXAMPLE_DIR });
      const statusUrl = await vendor.start();
      t = await startPluginApp(db, { plugins: [EXAMPLE_PACKAGE], adapters: [{ type: 'hmac-webhook', id: 'acme', secret: SECRET, statusUrl }] }, { projectRoot: project.dir });
    });
    afterAll(async () => {
      await t?.close();
      await vendor.stop();
      await db?.cleanup();
      project?.cleanup();
    });

    it('adds its types to the schema (introspection) beside the built-ins', async () => {
      const r = await t.gql(`{
        event: __type(name: "HmacWebhookEvent") { kind interfaces { name } fields { name } }
        query: __type(name: "Query") { fields { name } }
        adapters { type id status version }
      }`);
      expect(r.errors).toBeUndefined();
      expect(r.data.event.interfaces.map((i: { name: string }) => i.name).sort()).toEqual(['AnalyticsEvent', 'Event', 'Node']);
      expect(r.data.event.fields.map((f: { name: string }) => f.name)).toEqual(expect.arrayContaining(['eventId', 'payload', 'ruleName', 'seq']));
      expect(r.data.query.fields.map((f: { name: string }) => f.name)).toEqual(expect.arrayContaining(['hmacWebhookStats', 'ffPlateTracks']));
      expect(r.data.adapters).toEqual([{ type: 'hmac-webhook', id: 'acme', status: 'READY', version: '1.0.0' }]);
    });

    it('a signed webhook arrives live on the events subscription, with its snapshot served', async () => {
      const listening = await eventSubscriptions(t.app);
      const client = wsClient(t.url);
      let sent: Awaited<ReturnType<typeof vendor.emit>> | undefined;
      const [{ events: ev }] = await collect<{ events: Record<string, any> }>(client, `subscription { events(filter: { adapters: ["hmac-webhook"] }) { ${EVENT_FIELDS} } }`, {}, 1, () => {
        // Sent once the subscription listens (the server counts it): no `after`, so earlier would be missed.
        void waitFor(async () => (await eventSubscriptions(t.app)) > listening, 10_000, 'subscription listening')
          .then(() => vendor.emit(ingest(), { type: 'line.crossed' }))
          .then((e) => (sent = e));
      });
      await client.dispose();
      expect(ev).toMatchObject({
        kind: 'LINE_CROSSED',
        vendorType: 'line.crossed',
        occurredAt: sent!.occurred_at,
        source: { adapter: 'hmac-webhook', instance: 'acme' },
        camera: { name: sent!.camera.name },
        ruleId: sent!.rule!.id,
        ruleName: sent!.rule!.name,
        objectClass: 'person',
        objectId: sent!.object!.id,
        eventId: sent!.id,
        payload: sent!.data,
      });
      expect(ev.media).toEqual([{ role: 'SNAPSHOT', contentType: 'image/jpeg', url: expect.stringMatching(/^\/media\//) }]);
      const image = await fetch(`${t.url}${ev.media[0].url}`);
      expect(image.headers.get('content-type')).toBe('image/jpeg');
      expect(Buffer.from(await image.arrayBuffer()).equals(SNAPSHOT_JPEG)).toBe(true);
    });

    it('a retried delivery answers "duplicate" and is stored once; a bad signature is refused with 401', async () => {
      const ev = await vendor.emit(ingest());
      const retry = await vendor.retryLast(ingest());
      expect(retry.status).toBe(200);
      expect(JSON.parse(retry.body)).toMatchObject({ status: 'duplicate' });
      const forged = await vendor.deliver(ingest(), vendor.nextEvent(), { secret: 'not-the-vendor-secret-00' });
      expect(forged.status).toBe(401);
      expect(JSON.parse(forged.body)).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'signature does not match' } });

      const r = await t.gql(`{ events(first: 50, filter: { adapters: ["hmac-webhook"] }) { edges { node { ... on HmacWebhookEvent { eventId } } } }
        hmacWebhookStats(instance: "acme") { received stored duplicates badSignatures lastDeliveryAt } }`);
      expect(r.errors).toBeUndefined();
      expect(r.data.events.edges.filter((e: { node: { eventId: string } }) => e.node.eventId === ev.id)).toHaveLength(1);
      expect(r.data.hmacWebhookStats).toMatchObject({ stored: 2, duplicates: 1, badSignatures: 1, received: 4 });
    });
  });
}
