/** Core queries through GraphQL over HTTP: ids, pagination, filters, typed errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { ffJson, postFf } from '../helpers/ff-events.ts';
import { CamerasDocument, EventByIdDocument, RecentEventsDocument } from '../generated/graphql.ts';

describe('core queries', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    for (let i = 0; i < 12; i++) expect((await postFf(t.url, ffJson(i, { plateText: i % 3 === 0 ? `1AB-12${i}` : `XY ${i}`, sensorProviderID: i % 2 ? 'CAM-A' : 'CAM-B' }))).status).toBe(200);
  });
  afterAll(() => t.close());

  it('pages newest first with seq cursors, both directions', async () => {
    const p1 = await t.gql(RecentEventsDocument, { first: 5 });
    const seqs1 = p1.data!.events.edges.map((e) => Number(e.node.seq));
    expect(seqs1).toEqual([12, 11, 10, 9, 8]);
    expect(p1.data!.events.pageInfo.hasNextPage).toBe(true);
    const p2 = await t.gql(RecentEventsDocument, { first: 5, after: p1.data!.events.pageInfo.endCursor });
    expect(p2.data!.events.edges.map((e) => Number(e.node.seq))).toEqual([7, 6, 5, 4, 3]);
    const back = await t.gql('query($b: String) { events(last: 2, before: $b) { edges { node { seq } } pageInfo { hasPreviousPage } } }', { b: '10' });
    expect(back.data.events.edges.map((e: any) => Number(e.node.seq))).toEqual([12, 11]);
  });

  it('filters by normalized plate (exact and prefix) and camera', async () => {
    const exact = await t.gql(RecentEventsDocument, { filter: { plate: '1ab 120' } });
    expect(exact.data!.events.edges.map((e) => ('plate' in e.node ? e.node.plate : null))).toEqual(['1AB-120']);
    const prefix = await t.gql(RecentEventsDocument, { filter: { plate: '1ab*' } });
    expect(prefix.data!.events.edges).toHaveLength(4);
    const cams = await t.gql(CamerasDocument, {});
    const camA = cams.data!.cameras.edges.find((e) => e.node.sources[0].vendorId === 'CAM-A')!.node;
    expect(camA.status).toBe('ONLINE');
    const byCam = await t.gql(RecentEventsDocument, { filter: { cameraIds: [camA.id] }, first: 50 });
    expect(byCam.data!.events.edges).toHaveLength(6);
    expect(byCam.data!.events.edges.every((e) => e.node.camera?.id === camA.id)).toBe(true);
  });

  it('answers raw when asked for, through a fragment too, and the same page without it (events and Camera.events)', async () => {
    const q = (sel: string) => `query { events(first: 3) { edges { node { seq ${sel} } } } cameras(first: 1) { edges { node { events(first: 2) { edges { node { seq ${sel} } } } } } } }`;
    const withRaw = await t.gql(`${q('...R')} fragment R on Event { raw }`);
    const without = await t.gql(q('kind'));
    expect([withRaw.errors, without.errors]).toEqual([undefined, undefined]);
    const pages = (r: any) => [r.data.events.edges, r.data.cameras.edges[0].node.events.edges];
    for (const [i, page] of pages(withRaw).entries()) {
      expect(page.length).toBeGreaterThan(0);
      for (const e of page) expect(e.node.raw).toMatchObject({ plateText: expect.any(String) });
      expect(pages(without)[i].map((e: any) => e.node.seq)).toEqual(page.map((e: any) => e.node.seq));
    }
  });

  it('resolves events by global id, by seq and through node()', async () => {
    const first = (await t.gql(RecentEventsDocument, { first: 1 })).data!.events.edges[0].node;
    const byId = await t.gql(EventByIdDocument, { id: first.id });
    const bySeq = await t.gql(EventByIdDocument, { id: first.seq });
    expect(byId.data!.event!.seq).toBe(first.seq);
    expect(bySeq.data!.event!.id).toBe(first.id);
    const node = await t.gql('query($id: ID!) { node(id: $id) { id __typename ... on PlateReadEvent { plate } } }', { id: first.id });
    expect(node.data.node.__typename).toBe('FfPlateEvent');
    expect(node.data.node.plate).toBe('plate' in first ? first.plate : undefined);
    expect(node.data.node.plate).toMatch(/\w/);
  });

  it('answers bad arguments with BAD_USER_INPUT naming the argument', async () => {
    const big = await t.gql(RecentEventsDocument, { first: 5000 });
    expect(big.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(big.errors![0].message).toMatch(/^first/);
    const cursor = await t.gql(RecentEventsDocument, { after: 'abc' });
    expect(cursor.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(cursor.errors![0].message).toMatch(/^after/);
    const date = await t.gql(RecentEventsDocument, { filter: { from: 'yesterday' } });
    expect(date.errors![0].message).toMatch(/DateTime/);
    const unknown = await t.gql(EventByIdDocument, { id: 'nonsense' });
    expect(unknown.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('refuses mutations on cameras without the capability, typed', async () => {
    const cams = await t.gql(CamerasDocument, {});
    const cam = cams.data!.cameras.edges[0].node;
    const r = await t.gql('mutation($c: ID!) { triggerEvent(input: { cameraId: $c, type: "x" }) { accepted } }', { c: cam.id });
    expect(r.errors![0].extensions!.code).toBe('UNSUPPORTED_CAPABILITY');
    const s = await t.gql('mutation($c: ID!) { startStream(input: { cameraId: $c, mode: LIVE }) { id } }', { c: cam.id });
    expect(s.errors![0].extensions!.code).toBe('UNSUPPORTED_CAPABILITY');
    const missing = await t.gql('mutation { triggerEvent(input: { cameraId: "ff/default/nope", type: "x" }) { accepted } }');
    expect(missing.errors![0].extensions!.code).toBe('NOT_FOUND');
  });
});
