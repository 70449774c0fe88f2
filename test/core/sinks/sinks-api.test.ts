/**
 * The sinks API: scope admin on every field (root fields, node(id:), mutations: FORBIDDEN for other
 * keys), bad input answered BAD_USER_INPUT naming the field, bounds, the secret shown once, and
 * config `sinks:` upserted by name at start-up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { openPgliteTestDb } from '../../helpers/db.ts';

const ADMIN_KEY = 'admin-key-0123456789';
const READ_KEY = 'read-key-0123456789ab';
const bearer = (k: string) => ({ authorization: `Bearer ${k}` });
const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

describe('sinks API', () => {
  let app: TestApp;
  beforeAll(async () => {
    process.env.TEST_WH_SECRET = SECRET;
    app = await startTestApp({
      config: {
        adapters: [{ type: 'ff', id: 'default', tcpPort: 0 }],
        auth: {
          apiKeys: [
            { key: ADMIN_KEY, scopes: ['admin'] },
            { key: READ_KEY, scopes: ['events:read', 'events:write', 'streams'] },
          ],
        },
        outbound: { allowHosts: ['127.0.0.1', '10.1.0.0/16'] },
        sinks: [
          { kind: 'WEBHOOK', name: 'from-config', url: 'http://127.0.0.1:9/hook', secret: '${TEST_WH_SECRET}', filter: { kinds: ['PLATE_READ'] } },
          { kind: 'MQTT', name: 'mqtt-config', url: 'mqtt://127.0.0.1:1883', topic: 'x/{camera}' },
        ],
      },
    });
  });
  afterAll(async () => {
    await app.close();
    delete process.env.TEST_WH_SECRET;
  });
  const admin = (q: string, v?: Record<string, unknown>) => app.gql(q, v, bearer(ADMIN_KEY));

  it('config sinks are there, upserted by name; the secret is never readable', async () => {
    const r = await admin('{ sinks { id name kind state url topic qos filter origin } }');
    expect(r.data.sinks).toEqual([
      expect.objectContaining({ name: 'from-config', kind: 'WEBHOOK', state: 'ACTIVE', filter: { kinds: ['PLATE_READ'] }, origin: 'config', topic: null }),
      expect.objectContaining({ name: 'mqtt-config', kind: 'MQTT', topic: 'x/{camera}', qos: 1 }),
    ]);
    expect(JSON.stringify(r)).not.toContain(SECRET.slice(6));
    // Upsert on the next start: same name, new URL → one sink, updated.
    const db = await openPgliteTestDb();
    try {
      const cfg = (url: string) => ({ adapters: [], outbound: { allowHosts: ['127.0.0.1'] }, sinks: [{ kind: 'WEBHOOK', name: 'n', url, secret: SECRET }] });
      const a = await startTestApp({ db, config: cfg('http://127.0.0.1:9/a') });
      const first = (await a.gql('{ sinks { id url } }')).data.sinks;
      await a.close();
      const b = await startTestApp({ db, config: cfg('http://127.0.0.1:9/b') });
      const second = (await b.gql('{ sinks { id url } }')).data.sinks;
      await b.close();
      expect(second).toEqual([{ id: first[0].id, url: 'http://127.0.0.1:9/b' }]);
    } finally {
      await db.cleanup();
    }
  });

  it('needs scope admin on every field, node(id:) included', async () => {
    const created = await admin(`mutation { createWebhookSink(input: { name: "scoped", url: "http://127.0.0.1:9/x" }) { secret sink { id } } }`);
    const id = created.data.createWebhookSink.sink.id;
    const checks: Array<[string, Record<string, unknown>?]> = [
      ['{ sinks { id } }'],
      ['query($id: ID!) { node(id: $id) { ... on Sink { name url } } }', { id }],
      ['mutation { createWebhookSink(input: { name: "x", url: "http://127.0.0.1:9/x" }) { secret } }'],
      ['mutation { createMqttSink(input: { name: "x", url: "mqtt://127.0.0.1:1883" }) { id } }'],
      ['mutation($id: ID!) { pauseSink(id: $id) { id } }', { id }],
      ['mutation($id: ID!) { resumeSink(id: $id) { id } }', { id }],
      ['mutation($id: ID!) { replaySink(id: $id, fromSeq: "1") { id } }', { id }],
      ['mutation($id: ID!) { deleteSink(id: $id) }', { id }],
    ];
    for (const [q, v] of checks) {
      const r = await app.gql(q, v, bearer(READ_KEY));
      expect(r.errors?.[0]?.extensions?.code, q).toBe('FORBIDDEN');
      expect(JSON.stringify(r.data ?? {}), q).not.toContain('127.0.0.1');
    }
    const node = await admin('query($id: ID!) { node(id: $id) { ... on Sink { name } } }', { id });
    expect(node.data.node.name).toBe('scoped');
    expect((await admin('mutation($id: ID!) { deleteSink(id: $id) }', { id })).data.deleteSink).toBe(true);
  });

  it('refuses bad input with BAD_USER_INPUT naming the field', async () => {
    const web = (input: Record<string, unknown>) =>
      admin('mutation($i: CreateWebhookSinkInput!) { createWebhookSink(input: $i) { secret } }', { i: { name: 'bad', url: 'http://127.0.0.1:9/', ...input } });
    const mq = (input: Record<string, unknown>) => admin('mutation($i: CreateMqttSinkInput!) { createMqttSink(input: $i) { id } }', { i: { name: 'bad', url: 'mqtt://127.0.0.1:1883', ...input } });
    const cases: Array<[Promise<any>, string]> = [
      [web({ url: 'not a url' }), 'url'],
      [web({ url: 'ftp://127.0.0.1/x' }), 'url'],
      [web({ url: 'mqtt://127.0.0.1:1883' }), 'url'],
      [web({ url: 'http://10.0.0.1/hook' }), 'url'], // private, not allowed
      [web({ url: 'http://169.254.169.254/latest' }), 'url'], // link-local
      [web({ url: 'http://[::1]:9/x' }), 'url'], // loopback v6, only 127.0.0.1 allowed
      [web({ url: `http://127.0.0.1/${'a'.repeat(2001)}` }), 'url'],
      [web({ name: 'n'.repeat(101) }), 'name'],
      [web({ name: '   ' }), 'name'],
      [web({ filter: { kinds: ['PLATE_READ'], colour: 'red' } }), 'filter.colour'],
      [web({ filter: { kinds: 'PLATE_READ' } }), 'filter.kinds'],
      [web({ filter: { plate: 'x'.repeat(101) } }), 'filter.plate'],
      [web({ filter: { plateFuzzy: { plate: 'AB1', maxDistance: 5 } } }), 'filter.plateFuzzy.maxDistance'],
      [mq({ url: 'http://127.0.0.1:1883' }), 'url'],
      [mq({ url: 'mqtt://127.0.0.1:1883/path' }), 'url'],
      [mq({ topic: 'usa/{site}/{plate}' }), 'topic'],
      [mq({ topic: 'usa/#' }), 'topic'],
      [mq({ qos: 3 }), 'qos'],
    ];
    for (const [p, field] of cases) {
      const r = await p;
      expect(r.errors?.[0]?.extensions, field).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    // An address inside an allowed CIDR is accepted.
    const ok = await web({ name: 'in-cidr', url: 'http://10.1.2.3:9/hook' });
    expect(ok.errors).toBeUndefined();
    const dup = await web({ name: 'in-cidr' });
    expect(dup.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
  });

  it('bounds the number of sinks', async () => {
    const existing = (await admin('{ sinks { id } }')).data.sinks.length;
    for (let i = existing; i < 100; i++) {
      const r = await admin(`mutation { createMqttSink(input: { name: "m${i}", url: "mqtt://127.0.0.1:1883" }) { id } }`);
      expect(r.errors).toBeUndefined();
    }
    const over = await admin('mutation { createMqttSink(input: { name: "one-too-many", url: "mqtt://127.0.0.1:1883" }) { id } }');
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    for (const s of (await admin('{ sinks { id name } }')).data.sinks) if (/^m\d+$/.test(s.name)) await admin('mutation($id: ID!) { deleteSink(id: $id) }', { id: s.id });
  }, 180_000);
});
