/**
 * Retention policies and erasure through GraphQL: the config's policies until setRetentionPolicies
 * stores some, an empty list returning to the config's, each bad input refused with
 * BAD_USER_INPUT naming its field, a bad config refused at start-up, and scope admin on every field
 * (FORBIDDEN for a reader). Both drivers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/config/load.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { drivers, type TestDb } from '../../helpers/db.ts';
import { ADMIN, READER, bearer } from './helpers.ts';

const config = {
  auth: {
    apiKeys: [
      { key: ADMIN, scopes: ['admin'] },
      { key: READER, scopes: ['events:read', 'events:write', 'streams'] },
    ],
  },
  adapters: [{ type: 'ff', id: 'default', tcpPort: 0 }],
  retention: [{ kinds: ['PLATE_READ'], events: '30d', media: '7d' }, { events: '90d' }],
  retentionIntervalSec: 60,
};

const POLICIES = `{ retentionPolicies { kinds siteIds adapters cameraIds events media } }`;
const SET = `mutation($input: [RetentionPolicyInput!]!) { setRetentionPolicies(input: $input) { kinds siteIds adapters cameraIds events media } }`;
const ERASE = `mutation($input: ErasePlateInput!) { erasePlate(input: $input) { events media listEntries } }`;

type Gql = { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
const none = { kinds: null, siteIds: null, adapters: null, cameraIds: null, events: null, media: null };

for (const driver of drivers) {
  describe(`retention API on ${driver.name}`, () => {
    let t: TestApp;
    let db: TestDb;
    const gql = (q: string, v?: Record<string, unknown>, key = ADMIN) => t.gql(q, v, bearer(key)) as Promise<Gql>;
    const refused = async (input: unknown, field: string) => {
      const r = await gql(SET, { input });
      expect(r.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([['BAD_USER_INPUT', field]]);
    };

    beforeAll(async () => {
      db = await driver.open();
      t = await startTestApp({ config, db });
    });
    afterAll(async () => {
      await t?.close();
      await db?.cleanup();
    });

    it("answers the config's policies until some are set; set ones win (stored) and [] returns to the config's", async () => {
      const fromConfig = [
        { ...none, kinds: ['PLATE_READ'], events: '30d', media: '7d' },
        { ...none, events: '90d' },
      ];
      expect((await gql(POLICIES)).data.retentionPolicies).toEqual(fromConfig);
      const set = [{ cameraIds: ['ff/default/GATE'], adapters: ['ff'], siteIds: ['hq'], events: '12h' }, {}];
      const expected = [{ ...none, cameraIds: ['ff/default/GATE'], adapters: ['ff'], siteIds: ['hq'], events: '12h' }, none];
      expect((await gql(SET, { input: set })).data.setRetentionPolicies).toEqual(expected);
      expect((await gql(POLICIES)).data.retentionPolicies).toEqual(expected);
      expect((await gql(SET, { input: [] })).data.setRetentionPolicies).toEqual(fromConfig);
    });

    it('refuses bad input with BAD_USER_INPUT naming the field, storing nothing', async () => {
      await refused([{ events: '30days' }], 'input[0].events');
      await refused([{}, { media: '0d' }], 'input[1].media');
      await refused([{ events: '36501d' }], 'input[0].events');
      await refused([{ kinds: ['PLATE_READ', 'NO_SUCH_KIND'] }], 'input[0].kinds[1]');
      await refused([{ events: '7d', media: '8d' }], 'input[0].media');
      await refused([{ cameraIds: [''] }], 'input[0].cameraIds[0]');
      // 101 policies: the operation's list bound (limits.maxListItems, 100 = the most policies) refuses it first, naming $input.
      const many = await gql(SET, { input: Array.from({ length: 101 }, () => ({})) });
      expect(many.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      expect(many.errors?.[0].message).toContain('$input');
      expect((await gql(POLICIES)).data.retentionPolicies).toHaveLength(2); // still the config's
      for (const [input, field] of [
        [{ plate: '' }, 'plate'],
        [{ plate: '--' }, 'plate'],
        [{ plate: 'A'.repeat(21) }, 'plate'],
        [{ plate: 'AB123', from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'from'],
      ] as const) {
        const r = await gql(ERASE, { input });
        expect(r.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([['BAD_USER_INPUT', field]]);
      }
    });

    it('requires scope admin for every field (FORBIDDEN for a reader)', async () => {
      for (const [q, v] of [
        [POLICIES, undefined],
        [SET, { input: [] }],
        [ERASE, { input: { plate: 'AB123' } }],
      ] as const) {
        const r = await gql(q, v as Record<string, unknown> | undefined, READER);
        expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      }
    });

    it('refuses a config whose policy names an unknown kind or a bad duration, naming the path', async () => {
      // Refused before the database is touched: the suite's database serves as the app's.
      const bad = (retention: unknown[]) =>
        startTestApp({ config: { ...config, retention }, db }).then(
          async (app) => {
            await app.close();
            return null;
          },
          (e: unknown) => e,
        );
      const e1 = await bad([{ kinds: ['NO_SUCH_KIND'], events: '1d' }]);
      expect(e1).toBeInstanceOf(ConfigError);
      expect(String((e1 as Error).message)).toContain('retention[0].kinds[0]');
      const e2 = await bad([{}, { events: '3 weeks' }]);
      expect(String((e2 as Error).message)).toContain('retention[1].events');
    });
  });
}
