/**
 * EventFilter.plateFuzzy (contract, "Plate lists"): history search by OCR-aware edit distance —
 * look-alikes free, then insertions, deletions and replacements up to maxDistance — through GraphQL
 * on both drivers, live subscriptions with the same filter, bad input; the stored canonical column
 * against ocrCanonical; the SQL patterns against the Levenshtein distance.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundedLevenshtein, levenshteinPatterns, ocrCanonical } from '../../src/core/plates/ocr.ts';
import { normalizePlate } from '../../src/core/events/model.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { drivers } from '../helpers/db.ts';
import { ffJson, postFf } from '../helpers/ff-events.ts';
import { eventSubscriptions } from '../helpers/subscriptions.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { collect, wsClient } from '../helpers/ws-client.ts';

/** Stored plates (as the camera sent them) and their distance to the query "ABC-1234". */
const PLATES: Array<[plate: string, distance: number]> = [
  ['ABC 1234', 0],
  ['A8C1Z34', 0], // B/8 and 2/Z look alike
  ['A8C-I234', 0], // and 1/I
  ['ABC1235', 1], // last character replaced
  ['4BC1234', 1], // first character replaced: only the second half is intact
  ['ABC123', 1], // deleted
  ['XABC1234', 1], // inserted in front
  ['ABC12344', 1], // inserted at the end
  ['ABX1294', 2], // two replaced
  ['AC12345', 2], // deleted and inserted
  ['ZZZ9999', 9],
  ['AB%12', 9], // `%` is a plate character, not a wildcard
];
const QUERY = 'abc-1234';

const EVENTS = `query($f: EventFilter, $first: Int, $after: String) {
  events(first: $first, after: $after, filter: $f) { edges { node { seq vendorType ... on PlateReadEvent { plate plateNormalized } } } pageInfo { hasNextPage endCursor } }
}`;
const LIVE = 'subscription($f: EventFilter) { events(filter: $f) { seq ... on PlateReadEvent { plate } } }';

type Node = { seq: string; vendorType: string; plate: string; plateNormalized: string };

for (const driver of drivers) {
  describe(`plateFuzzy (${driver.name})`, () => {
    let t: TestApp;
    const platesOf = async (f: Record<string, unknown>): Promise<string[]> => {
      const r = await t.gql<{ events: { edges: Array<{ node: Node }> } }>(EVENTS, { f, first: 100 });
      expect(r.errors).toBeUndefined();
      return r.data!.events.edges.map((e) => e.node.plate).sort();
    };
    const within = (d: number) =>
      PLATES.filter(([, dist]) => dist <= d)
        .map(([p]) => p)
        .sort();

    beforeAll(async () => {
      t = await startTestApp({ db: await driver.open(), config: { adapters: [{ type: 'ff', id: 'default' }] } });
      for (const [i, [plate]] of PLATES.entries()) expect((await postFf(t.url, ffJson(i, { plateText: plate }))).status).toBe(200);
      // The same plate as the camera reads it again later, with another state (vendorType).
      expect((await postFf(t.url, ffJson(100, { plateText: 'ABC1235', carState: 'lost' }))).status).toBe(200);
      await waitFor(async () => (await t.gql(EVENTS, { first: 100 })).data.events.edges.length === PLATES.length + 1, 10_000, 'events stored');
    });
    afterAll(async () => {
      await t?.close();
      await t?.db.cleanup();
    });

    it('stores the canonical plate of every read: the SQL translate() equals ocrCanonical for every character', async () => {
      const chars = 'ODQILTZSBG0123456789ACEFHJKMNPRUVWXYÄŽ%';
      expect((await postFf(t.url, ffJson(200, { plateText: chars }))).status).toBe(200);
      const rows = (await waitFor(async () => {
        const r = await t.db.database.db.execute(sql`select plate_normalized, plate_canonical from events where plate_normalized is not null`);
        const list = (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Array<{ plate_normalized: string; plate_canonical: string }>;
        return list.some((x) => x.plate_normalized === normalizePlate(chars)) ? list : undefined;
      }))!;
      for (const r of rows) expect(r.plate_canonical, r.plate_normalized).toBe(ocrCanonical(r.plate_normalized));
      expect(rows.find((x) => x.plate_normalized === normalizePlate(chars))!.plate_canonical).toBe('00011125860123456789ACEFHJKMNPRUVWXYÄŽ%');
    });

    it('maxDistance 0 finds the plate and its look-alikes only', async () => {
      expect(await platesOf({ plateFuzzy: { plate: QUERY, maxDistance: 0 } })).toEqual(within(0));
    });

    it('the default distance 1 adds one replaced, deleted or inserted character anywhere, not two', async () => {
      const got = await platesOf({ plateFuzzy: { plate: QUERY } });
      expect(got).toEqual([...within(1), 'ABC1235'].sort()); // ABC1235 was read twice
      expect(got).not.toContain('ABX1294');
    });

    it('maxDistance 2 includes two edits and still excludes the rest', async () => {
      const got = await platesOf({ plateFuzzy: { plate: QUERY, maxDistance: 2 } });
      expect(got).toEqual([...within(2), 'ABC1235'].sort());
      expect(got).not.toContain('ZZZ9999');
    });

    it('a query with a LIKE wildcard character matches it literally', async () => {
      expect(await platesOf({ plateFuzzy: { plate: 'AB%12', maxDistance: 1 } })).toEqual(['AB%12']);
    });

    it('combines with other filters, and pages through the matches without loss', async () => {
      expect(await platesOf({ plateFuzzy: { plate: QUERY }, vendorTypes: ['lost'] })).toEqual(['ABC1235']);
      expect(await platesOf({ plateFuzzy: { plate: QUERY }, plate: 'ABC123' })).toEqual(['ABC123']);
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 10; page++) {
        const r: { data?: { events: { edges: Array<{ node: Node }>; pageInfo: { hasNextPage: boolean; endCursor: string } } } } = await t.gql(EVENTS, {
          f: { plateFuzzy: { plate: QUERY } },
          first: 2,
          after,
        });
        seen.push(...r.data!.events.edges.map((e) => e.node.plate));
        if (!r.data!.events.pageInfo.hasNextPage) break;
        after = r.data!.events.pageInfo.endCursor;
      }
      expect(seen.sort()).toEqual([...within(1), 'ABC1235'].sort());
    });

    it('filters live events with the same distance', async () => {
      await waitFor(async () => (await eventSubscriptions(t.app)) === 0, 10_000, 'no subscription yet');
      const client = wsClient(t.url);
      const got = collect<{ events: { plate: string } }>(client, LIVE, { f: { plateFuzzy: { plate: 'KL-55-OO', maxDistance: 1 } } }, 3);
      await waitFor(async () => (await eventSubscriptions(t.app)) === 1, 10_000, 'the subscription listening');
      const live = ['KL5500', 'XY1234', 'KI-SS-00', 'KL55', 'KL55Q0XY', 'KL5501'];
      for (const [i, plate] of live.entries()) expect((await postFf(t.url, ffJson(300 + i, { plateText: plate }))).status).toBe(200);
      const rows = await got;
      await client.dispose();
      // KL5500 (itself), KI-SS-00 (look-alikes), KL5501 (one edit); KL55 (two deleted) and KL55Q0XY (two inserted) are not.
      expect(rows.map((r) => r.events.plate)).toEqual(['KL5500', 'KI-SS-00', 'KL5501']);
      expect(await platesOf({ plateFuzzy: { plate: 'KL-55-OO', maxDistance: 1 } })).toEqual(['KI-SS-00', 'KL5500', 'KL5501']);
    });

    it('refuses a distance outside 0–2 and an empty or too long plate with BAD_USER_INPUT', async () => {
      for (const plateFuzzy of [{ plate: QUERY, maxDistance: -1 }, { plate: QUERY, maxDistance: 3 }, { plate: '' }, { plate: ' -- ' }, { plate: 'A'.repeat(21) }]) {
        const r = await t.gql(EVENTS, { f: { plateFuzzy } });
        expect(r.errors?.[0]?.extensions?.code, JSON.stringify(plateFuzzy)).toBe('BAD_USER_INPUT');
        expect(r.errors?.[0]?.message).toMatch(/filter\.plateFuzzy\.(maxDistance|plate)/);
      }
      expect((await t.gql(EVENTS, { f: { plateFuzzy: { plate: 'A'.repeat(20), maxDistance: 2 } } })).errors).toBeUndefined();
    });
  });
}

describe('levenshteinPatterns', () => {
  /** SQL LIKE without ESCAPE clause: `_` one character, `%` any, backslash escapes. */
  const likeToRegExp = (p: string) =>
    new RegExp(
      `^${p.replace(/\\(.)|([_%])|([^\\_%])/gu, (_m, esc: string, wild: string, ch: string) =>
        esc ? esc.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : wild === '_' ? '.' : wild === '%' ? '.*' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )}$`,
      'u',
    );
  const matches = (s: string, q: string, k: number) => {
    const { exact, like } = levenshteinPatterns(q, k);
    return exact.includes(s) || like.some((p) => likeToRegExp(p).test(s));
  };

  it('matches a string exactly when its Levenshtein distance is ≤ k (every string over a small alphabet)', () => {
    const alphabet = ['A', 'B', '%'];
    const all: string[] = [''];
    for (let len = 1; len <= 5; len++) for (const s of all.filter((x) => x.length === len - 1)) for (const c of alphabet) all.push(s + c);
    for (const q of ['AB%A', 'BAB', '%%A']) {
      for (const k of [0, 1, 2]) {
        for (const s of all) expect(matches(s, q, k), `${s} vs ${q} at ${k}`).toBe(boundedLevenshtein(s, q, k) <= k);
      }
    }
  });
});
