/**
 * The audit log end to end on a real server (both drivers): admin mutations of several kinds
 * (plate lists, camera links and names, an adapter plugin's own mutation that declares no scope)
 * are recorded with the key's id, arguments with secrets removed and large lists summarised, and
 * their outcome; a FORBIDDEN attempt is recorded, a failed authentication is not; non-admin
 * mutations are not; auditLog is admin-only and pages newest first; the prune deletes entries past
 * audit.retainDays under the injected clock, in batches.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { z } from 'zod';
import { defineAdapter } from '../../src/sdk.ts';
import { builtInAdapters } from '../../src/adapters/index.ts';
import { appendAuditEntries, countAuditEntries, listAuditEntries } from '../../src/core/audit/repo.ts';
import { pruneAuditLog, startAuditPrune } from '../../src/core/audit/prune.ts';
import { LocalLeases } from '../../src/core/cluster/lease.ts';
import { ManualClock } from '../../src/core/time/manual-clock.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { drivers, openPgliteTestDb, type TestDb } from '../helpers/db.ts';
import { ffJson, postFf } from '../helpers/ff-events.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { collect, wsClient } from '../helpers/ws-client.ts';

const ADMIN = 'admin-key-0123456789abcdef';
const ADMIN2 = 'second-admin-key-0123456789';
const READER = 'read-key-0123456789abcdefg';
const bearer = (k: string) => ({ authorization: `Bearer ${k}` });
const ADMIN2_ID = `sha256:${createHash('sha256').update(ADMIN2).digest('hex').slice(0, 12)}`;

/** A plugin-style adapter with its own mutation that declares no scope (→ admin) and takes secrets. */
const configured: unknown[] = [];
const auditTestAdapter = defineAdapter({
  type: 'audittest',
  version: '1.0.0',
  graphqlPrefix: 'Audittest',
  configSchema: z.object({ type: z.string(), id: z.string() }),
  capabilities: [],
  graphql: (builder) => {
    const Input = builder.inputType('AudittestConfigureInput', {
      fields: (t) => ({
        name: t.string({ required: true }),
        url: t.string({ required: true }),
        password: t.string(),
        webhookToken: t.string(),
        headers: t.field({ type: 'JSON' }),
      }),
    });
    builder.mutationField('audittestConfigure', (t) =>
      t.boolean({
        args: { input: t.arg({ type: Input, required: true }) },
        resolve: (_r, { input }) => configured.push(input) > 0,
      }),
    );
  },
  start: async () => ({ stop: async () => {} }),
});

const config = {
  auth: {
    apiKeys: [
      { key: ADMIN, name: 'ops-admin', scopes: ['admin'] },
      { key: ADMIN2, scopes: ['admin'] },
      { key: READER, name: 'reader', scopes: ['events:read', 'events:write'] },
    ],
  },
  adapters: [{ type: 'ff', id: 'default', tcpPort: 0 }],
};

type Gql = { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }>; status: number };
const codes = (r: Gql) => (r.errors ?? []).map((e) => e.extensions?.code);
const AUDIT = `query($first: Int, $after: String) { auditLog(first: $first, after: $after) { edges { cursor node { id at keyId action args outcome } } pageInfo { hasNextPage endCursor } } }`;

for (const driver of drivers) {
  describe(`audit log on ${driver.name}`, () => {
    let t: TestApp;
    let db: TestDb;
    const gql = (q: string, v?: Record<string, unknown>, key = ADMIN) => t.gql(q, v, bearer(key)) as Promise<Gql>;
    /** The newest `n` entries, newest first. */
    const newest = async (n: number) => {
      const r = await gql(AUDIT, { first: n });
      expect(r.errors).toBeUndefined();
      return r.data.auditLog.edges.map((e: any) => e.node) as Array<{ id: string; at: string; keyId: string | null; action: string; args: any; outcome: string }>;
    };

    beforeAll(async () => {
      db = await driver.open();
      t = await startTestApp({ config, db, adapters: [...builtInAdapters, auditTestAdapter] });
    });
    afterAll(async () => {
      await t?.close();
      await db?.cleanup();
    });

    it('records admin mutations of several kinds with the key id, arguments and outcome; summarises a 10,000-entry call', async () => {
      const created = await gql(`mutation { createPlateList(input: { name: "watch", kind: WATCH }) { id } }`);
      expect(created.errors).toBeUndefined();
      const listId = created.data.createPlateList.id;
      const entries = Array.from({ length: 10_000 }, (_, i) => ({ plate: `AU${String(i).padStart(5, '0')}` }));
      const added = await gql(`mutation($input: AddPlatesInput!) { addPlates(input: $input) { size } }`, { input: { listId, entries } }, ADMIN2);
      expect(added.data.addPlates.size).toBe(10_000);

      for (const cam of ['A', 'B']) expect((await postFf(t.url, ffJson(cam.charCodeAt(0), { sensorProviderID: cam }), 'default', bearer(ADMIN))).status).toBe(200);
      const linked = await gql(`mutation($input: LinkCamerasInput!) { linkCameras(input: $input) { id } }`, { input: { into: 'ff/default/A', from: ['ff/default/B'] } });
      expect(linked.errors).toBeUndefined();
      const renamed = await gql(`mutation { updateCamera(input: { id: "ff/default/A", name: "Gate" }) { name } }`);
      expect(renamed.data.updateCamera.name).toBe('Gate');

      const [update, link, add, create] = await newest(4);
      expect(create).toMatchObject({ keyId: 'ops-admin', action: 'createPlateList', outcome: 'ok', args: { input: { name: 'watch', kind: 'WATCH', maxDistance: 0 } } });
      expect(add).toMatchObject({ keyId: ADMIN2_ID, action: 'addPlates', outcome: 'ok' });
      expect(add.args.input.listId).toBe(listId);
      expect(add.args.input.entries).toEqual({ $count: 10_000, $head: entries.slice(0, 5) });
      expect(link).toMatchObject({ keyId: 'ops-admin', action: 'linkCameras', outcome: 'ok', args: { input: { into: 'ff/default/A', from: ['ff/default/B'] } } });
      expect(update).toMatchObject({ action: 'updateCamera', args: { input: { id: 'ff/default/A', name: 'Gate' } } });
      expect(Date.parse(update.at)).toBeGreaterThanOrEqual(Date.parse(create.at));
      expect(BigInt(update.id)).toBeGreaterThan(BigInt(create.id));
    });

    it("removes secrets from an adapter plugin's own mutation (no declared scope → admin → audited)", async () => {
      const input = {
        name: 'vendor',
        url: 'https://svc:hunter2@vendor.example/hook?token=abc123&site=hq',
        password: 'hunter2',
        webhookToken: 'tok-secret',
        headers: { Authorization: 'Bearer xyz', 'X-Api-Key': 'k-secret', 'X-Site': 'hq' },
      };
      const r = await gql(`mutation($input: AudittestConfigureInput!) { audittestConfigure(input: $input) }`, { input });
      expect(r.data.audittestConfigure).toBe(true);
      const [e] = await newest(1);
      expect(e).toMatchObject({ action: 'audittestConfigure', outcome: 'ok' });
      expect(e.args.input).toEqual({
        name: 'vendor',
        url: 'https://***:***@vendor.example/hook?token=%5Bredacted%5D&site=hq',
        password: '[redacted]',
        webhookToken: '[redacted]',
        headers: { Authorization: '[redacted]', 'X-Api-Key': '[redacted]', 'X-Site': 'hq' },
      });
      expect(JSON.stringify(e)).not.toMatch(/hunter2|tok-secret|abc123|xyz|k-secret/);
    });

    it('records failures with their code and FORBIDDEN attempts with the caller; nothing for a failed authentication or a non-admin mutation', async () => {
      const dup = await gql(`mutation { createPlateList(input: { name: "watch", kind: DENY }) { id } }`);
      expect(codes(dup)).toEqual(['BAD_USER_INPUT']);
      const forbidden = await gql(`mutation { deletePlateList(id: "nope") }`, undefined, READER);
      expect(codes(forbidden)).toEqual(['FORBIDDEN']);
      const [denied, failed] = await newest(2);
      expect(failed).toMatchObject({ keyId: 'ops-admin', action: 'createPlateList', outcome: 'BAD_USER_INPUT' });
      expect(denied).toMatchObject({ keyId: 'reader', action: 'deletePlateList', outcome: 'FORBIDDEN', args: { id: 'nope' } });

      const before = await countAuditEntries(t.db.database.db);
      const unauth = await t.gql(`mutation { deletePlateList(id: "x") }`, undefined, bearer('wrong-key-0123456789abcdef'));
      expect(unauth.status).toBe(401);
      const none = await t.gql(`mutation { deletePlateList(id: "x") }`);
      expect(none.status).toBe(401);
      // A mutation whose scope is not admin (events:write) is not an admin action.
      const trig = await gql(`mutation { triggerEvent(input: { cameraId: "ff/default/A", type: "x" }) { accepted } }`, undefined, READER);
      expect(trig.errors?.length).toBeGreaterThan(0);
      expect(await countAuditEntries(t.db.database.db)).toBe(before);
    });

    it('records a mutation sent over graphql-ws the same way (one hook where GraphQL executes)', async () => {
      const client = wsClient(t.url, { authorization: `Bearer ${ADMIN}` });
      try {
        const [r] = await collect(client, `mutation($id: ID!) { deletePlateList(id: $id) }`, { id: 'over-ws' }, 1);
        expect(r).toEqual({ deletePlateList: false });
      } finally {
        await client.dispose();
      }
      const [e] = await newest(1);
      expect(e).toMatchObject({ keyId: 'ops-admin', action: 'deletePlateList', outcome: 'ok', args: { id: 'over-ws' } });
    });

    it('auditLog is FORBIDDEN for keys without admin; pages newest first with after', async () => {
      const denied = await gql(AUDIT, { first: 5 }, READER);
      expect(codes(denied)).toEqual(['FORBIDDEN']);
      expect(denied.data?.auditLog ?? null).toBeNull();

      const all = await newest(100);
      expect(all.length).toBeGreaterThanOrEqual(8);
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const r: Gql = await gql(AUDIT, { first: 3, after });
        expect(r.errors).toBeUndefined();
        seen.push(...r.data.auditLog.edges.map((e: any) => e.node.id));
        if (!r.data.auditLog.pageInfo.hasNextPage) break;
        after = r.data.auditLog.pageInfo.endCursor;
      }
      expect(seen).toEqual(all.map((e) => e.id));
      expect(codes(await gql(AUDIT, { first: 501 }))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await gql(AUDIT, { first: 1, after: 'x' }))).toEqual(['BAD_USER_INPUT']);
    });

    it('pruneAuditLog deletes entries past the retention in batches, newer ones stay', async () => {
      const clock = new ManualClock(Date.now() + 100 * 86_400_000); // the entries above (now) are within 365 days
      const old = new Date(Date.now() - 400 * 86_400_000);
      const rows = Array.from({ length: 2500 }, (_, i) => ({ at: old, keyId: 'k', action: `old${i}`, args: {}, outcome: 'ok' }));
      const dbh = t.db.database.db;
      await appendAuditEntries(dbh, rows);
      const before = await countAuditEntries(dbh);
      expect(await pruneAuditLog({ db: dbh, clock, retainDays: 365, batch: 1000 })).toBe(2500);
      expect(await countAuditEntries(dbh)).toBe(before - 2500);
    });
  });
}

const log = pino({ level: 'silent' });

describe('audit log prune job under the injected clock (PGlite)', () => {
  // The job alone (its lease, its clock): a whole app under a ManualClock would also fire every
  // other timer of the server for each simulated second of the days advanced here.
  let db: TestDb;
  const clock = new ManualClock(Date.UTC(2027, 0, 1));
  const DAY = 86_400_000;
  beforeAll(async () => {
    db = await openPgliteTestDb();
  });
  afterAll(() => db?.cleanup());

  it('an entry older than retainDays is deleted by the audit-prune job; a newer one stays', async () => {
    const dbh = db.database.db;
    const leases = new LocalLeases({ log, clock });
    let pruned = 0;
    const job = startAuditPrune({ db: dbh, leases, clock, log, retainDays: 30, intervalMs: DAY, onPruned: (n) => (pruned += n) });
    try {
      await appendAuditEntries(dbh, [{ at: clock.now(), keyId: 'ops', action: 'deletePlateList', args: { id: 'first' }, outcome: 'ok' }]);
      await clock.advance(20 * DAY);
      await appendAuditEntries(dbh, [{ at: clock.now(), keyId: 'ops', action: 'deletePlateList', args: { id: 'second' }, outcome: 'ok' }]);
      const ids = async () => (await listAuditEntries(dbh, 10, null)).entries.map((e) => (e.args as { id: string }).id);
      expect(await ids()).toEqual(['second', 'first']);
      await clock.advance(15 * DAY); // "first" is 35 days old, "second" 15
      await waitFor(
        async () => {
          await clock.advance(DAY);
          return (await ids()).length === 1;
        },
        10_000,
        'the prune job',
      );
      expect(await ids()).toEqual(['second']);
      expect(pruned).toBe(1);
      expect(leases.held('audit-prune')).toBe(true);
    } finally {
      await job.stop();
      await leases.close();
    }
  });
});

describe('audit log without API keys (open mode)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ config: { adapters: [] } });
  });
  afterAll(() => t?.close());

  it('records the action with keyId null', async () => {
    expect((await t.gql(`mutation { deletePlateList(id: "x") }`)).data.deletePlateList).toBe(false);
    const r = await t.gql(AUDIT, { first: 1 });
    expect(r.data.auditLog.edges[0].node).toMatchObject({ keyId: null, action: 'deletePlateList', outcome: 'ok', args: { id: 'x' } });
  });
});
