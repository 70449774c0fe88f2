/**
 * Event.related through GraphQL (FF events posted to a real server) and the repo query under it:
 * nearest first (ties by seq), the ±withinSec window (edges included), the event itself and other
 * cameras left out, `first`, bounds; and, at the repo, several sources of one camera at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers, type TestDb } from '../helpers/db.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { ffJson, postFf } from '../helpers/ff-events.ts';
import { relatedEvents, type RelatedEventsQuery } from '../../src/core/db/event-repo.ts';

const T = Date.UTC(2024, 5, 14, 12, 0, 0);
/** Events by name: [camera, seconds from T]. Posted in this order (so seqs ascend in it). */
const EVENTS: Array<[name: string, camera: string, offsetSec: number]> = [
  ['self', 'CAM-R', 0],
  ['p3', 'CAM-R', 3],
  ['m2', 'CAM-R', -2],
  ['p2', 'CAM-R', 2], // same distance as m2, later seq: after it
  ['m9', 'CAM-R', -9],
  ['p11', 'CAM-R', 11], // outside ±10
  ['p10', 'CAM-R', 10], // on the edge: inside
  ['zero', 'CAM-R', 0], // same time as self: nearest
  ['other', 'CAM-O', 1], // another camera
  ['m10', 'CAM-R', -10], // on the other edge
  ['m11', 'CAM-R', -11],
];

const RELATED = `query($id: ID!, $within: Int, $first: Int) { event(id: $id) { related(withinSec: $within, first: $first) { seq occurredAt } } }`;

for (const driver of drivers) {
  describe(`Event.related (${driver.name})`, () => {
    let db: TestDb;
    let t: TestApp;
    /** seq → name, and name → seq. */
    const nameOf = new Map<string, string>();
    const seqOf = new Map<string, string>();
    let selfId: string;

    beforeAll(async () => {
      db = await driver.open();
      t = await startTestApp({ db });
      for (const [i, [, camera, offset]] of EVENTS.entries()) {
        expect((await postFf(t.url, ffJson(i + 1, { sensorProviderID: camera, capture_timestamp: String(T + offset * 1000) }))).status).toBe(200);
      }
      const r = await t.gql('{ events(first: 50) { edges { node { id seq occurredAt } } } }');
      const nodes: Array<{ id: string; seq: string; occurredAt: string }> = r.data.events.edges.map((e: { node: unknown }) => e.node);
      expect(nodes).toHaveLength(EVENTS.length);
      // Oldest seq first = posting order.
      for (const [i, n] of [...nodes].reverse().entries()) {
        nameOf.set(n.seq, EVENTS[i][0]);
        seqOf.set(EVENTS[i][0], n.seq);
        expect(Date.parse(n.occurredAt)).toBe(T + EVENTS[i][2] * 1000);
      }
      selfId = nodes.find((n) => nameOf.get(n.seq) === 'self')!.id;
    });
    afterAll(async () => {
      await t?.close();
      await db?.cleanup();
    });

    const related = async (vars: Record<string, unknown>) => {
      const r = await t.gql(RELATED, { id: selfId, ...vars });
      expect(r.errors).toBeUndefined();
      return (r.data.event.related as Array<{ seq: string }>).map((e) => nameOf.get(e.seq));
    };

    it('nearest first, ties by seq; the window includes its edges; itself and other cameras left out', async () => {
      expect(await related({})).toEqual(['zero', 'm2', 'p2', 'p3', 'm9', 'p10', 'm10']);
      expect(await related({ within: 2 })).toEqual(['zero', 'm2', 'p2']);
      expect(await related({ within: 0 })).toEqual(['zero']);
      expect(await related({ within: 11 })).toEqual(['zero', 'm2', 'p2', 'p3', 'm9', 'p10', 'm10', 'p11', 'm11']);
    });

    it('first: the nearest N', async () => {
      expect(await related({ first: 3 })).toEqual(['zero', 'm2', 'p2']);
      expect(await related({ first: 1, within: 3600 })).toEqual(['zero']);
    });

    it('the related events are full events (nested fields resolve)', async () => {
      const r = await t.gql(`query($id: ID!) { event(id: $id) { related(first: 2) { id kind camera { sources { vendorId } } ... on PlateReadEvent { plate } } } }`, { id: selfId });
      expect(r.errors).toBeUndefined();
      expect(r.data.event.related).toHaveLength(2);
      for (const e of r.data.event.related) expect(e).toMatchObject({ kind: 'PLATE_READ', camera: { sources: [{ vendorId: 'CAM-R' }] }, plate: expect.any(String) });
    });

    it('bounds: withinSec 0..3600, first 1..100, BAD_USER_INPUT naming the argument', async () => {
      for (const [vars, name] of [
        [{ within: -1 }, 'withinSec'],
        [{ within: 3601 }, 'withinSec'],
        [{ first: 0 }, 'first'],
        [{ first: 101 }, 'first'],
      ] as const) {
        const r = await t.gql(RELATED, { id: selfId, ...vars });
        expect([name, r.errors?.[0].extensions?.code]).toEqual([name, 'BAD_USER_INPUT']);
        expect(r.errors?.[0].message).toMatch(new RegExp(`^${name}: expected`));
      }
      expect(await related({ within: 3600, first: 100 })).toHaveLength(EVENTS.length - 2);
    });

    it('repo: several sources of one camera at once, nearest first across them, limit per the whole', async () => {
      const at = new Date(T);
      const q: Omit<RelatedEventsQuery, 'cameraIds'> = { at, withinMs: 10_000, excludeSeq: BigInt(seqOf.get('self')!), limit: 20 };
      const names = async (cameraIds: string[], over: Partial<typeof q> = {}) => (await relatedEvents(db.database.db, { cameraIds, ...q, ...over })).map((e) => nameOf.get(e.seq.toString()));
      expect(await names(['ff/default/CAM-R', 'ff/default/CAM-O'])).toEqual(['zero', 'other', 'm2', 'p2', 'p3', 'm9', 'p10', 'm10']);
      expect(await names(['ff/default/CAM-O', 'ff/default/CAM-R', 'ff/default/CAM-O'], { limit: 2 })).toEqual(['zero', 'other']);
      expect(await names(['ff/default/CAM-R'], { excludeSeq: null, limit: 2 })).toEqual(['self', 'zero']);
      expect(await names([])).toEqual([]);
      expect(await names(['ff/default/NONE'])).toEqual([]);
    });
  });
}
