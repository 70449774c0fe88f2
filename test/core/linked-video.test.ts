/**
 * The cross-vendor promise end to end: an FF LPR camera and an IVMS channel (IVMS simulator) are one
 * camera (config `cameras:` with a site, or `linkCameras` at run time). A plate read pushed to FF
 * resolves to that camera; its `video` opens an ARCHIVE session at IVMS starting occurredAt − beforeSec
 * (as the simulator received it) with the playlist served under /streams/; its `related` returns the
 * IVMS alerts of the same channel around it, nearest first. After `unlinkCameraSource` of the IVMS
 * source the FF event has no video and no IVMS alert among its related events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimSession } from '@unified-surveillance/simulators/ivms';
import { encodeGlobalId } from '../../src/sdk.ts';
import { startIvms, type IvmsHarness } from '../adapters/ivms/harness.ts';
import { drivers, type TestDb } from '../helpers/db.ts';
import { ffJson, postFf } from '../helpers/ff-events.ts';
import { waitFor } from '../helpers/wait-for.ts';

const ADMIN = 'admin-key-0123456789abcdef';
const VIEWER = 'viewer-key-0123456789abcdef';
const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const cam = (id: string) => encodeGlobalId('Camera', id);

const GATE_NORTH = 'ff/default/GATE-NORTH';
const GATE_SOUTH = 'ff/default/GATE-SOUTH';
/** IVMS simulator's default channels: 2 ("192.168.1.47") and 1 ("Entry_View") are active. */
const CH2 = 'ivms/hq/2';
const CH1 = 'ivms/hq/1';

type ArchiveSession = SimSession & { startTs?: number };
type Video = { id: string; mode: string; state: string; playlistUrl: string; camera: { id: string } };
type Related = { id: string; occurredAt: string; source: { adapter: string }; camera: { id: string } };

const EVENT = `query($id: ID!) {
  event(id: $id) { id occurredAt camera { id key status sources { adapter instance vendorId status } site { key timezone } } }
}`;
const VIDEO = `query($id: ID!) { event(id: $id) { id camera { id } video(beforeSec: 5) { id mode state playlistUrl camera { id } } } }`;
const RELATED = `query($id: ID!) { event(id: $id) { related(withinSec: 10) { id occurredAt source { adapter } camera { id } } } }`;
const LINK = 'mutation($input: LinkCamerasInput!) { linkCameras(input: $input) { id sources { adapter vendorId } } }';
const UNLINK = 'mutation($input: UnlinkCameraSourceInput!) { unlinkCameraSource(input: $input) { id sources { adapter vendorId } } }';

for (const driver of drivers) {
  describe(`an FF plate read leads to IVMS video of the same gate (${driver.name})`, () => {
    let h: IvmsHarness;
    let db: TestDb;
    let packet = 0;
    const gql = (query: string, variables: Record<string, unknown> = {}, key = VIEWER) => h.t.gql(query, variables, auth(key));

    /** The newest event of `adapter` with a seq above `after` (polled until stored). */
    const newest = async (adapter: string, after: bigint, what: string): Promise<{ id: string; seq: string; occurredAt: string }> =>
      waitFor(
        async () => {
          const r = await gql('query($f: EventFilter) { events(first: 1, filter: $f) { edges { node { id seq occurredAt } } } }', { f: { adapters: [adapter] } });
          const n = r.data.events.edges[0]?.node;
          return n && BigInt(n.seq) > after ? n : null;
        },
        10_000,
        what,
      );
    const lastSeq = async (): Promise<bigint> => BigInt((await gql('{ events(first: 1) { edges { node { seq } } } }')).data.events.edges[0]?.node.seq ?? '0');

    /** A plate read of FF camera `device` captured at `at`, stored; its global id and occurredAt. */
    const plateRead = async (device: string, at: number) => {
      const after = await lastSeq();
      packet += 1;
      const res = await postFf(h.t.url, ffJson(packet, { sensorProviderID: device, capture_timestamp: String(at) }), 'default', auth(ADMIN));
      expect(res.status).toBe(200);
      return newest('ff', after, `plate read of ${device} stored`);
    };
    /** An IVMS alert on `channel` at `at` (IVMS sends whole seconds), stored. */
    const alert = async (channel: number, at: number) => {
      const after = await lastSeq();
      h.sim.alert({ cameraId: channel, eventTime: new Date(at) });
      return newest('ivms', after, `IVMS alert on channel ${channel} stored`);
    };
    const newSessions = (known: Set<string>): ArchiveSession[] => [...h.sim.sessions.values()].filter((s) => !known.has(s.id));

    beforeAll(async () => {
      db = await driver.open();
      h = await startIvms(db, {
        adapters: [{ type: 'ff', id: 'default', tcpPort: 0 }],
        app: {
          auth: {
            apiKeys: [
              { key: ADMIN, scopes: ['admin'] },
              { key: VIEWER, scopes: ['events:read', 'streams'] },
            ],
          },
          sites: [{ id: 'gate', name: 'Gate', timezone: 'Europe/Prague' }],
          cameras: [{ id: 'gate-north', name: 'North gate', site: 'gate', sources: [GATE_NORTH, CH2] }],
        },
      });
      await h.internals().channels.refreshNow();
    });
    afterAll(async () => {
      await h?.close();
      await db?.cleanup();
    });

    it('config link: the plate read resolves to the linked camera, its video is an IVMS archive from occurredAt − 5 s, related has the IVMS alerts nearest first; unlinked at run time, neither', async () => {
      // Whole seconds, ten minutes ago: the IVMS alerts around it carry whole-second times.
      const t0 = Math.floor(Date.now() / 1000) * 1000 - 600_000;
      const read = await plateRead('GATE-NORTH', t0);
      expect(read.occurredAt).toBe(new Date(t0).toISOString());

      const ev = await gql(EVENT, { id: read.id });
      expect(ev.errors).toBeUndefined();
      expect(ev.data.event.camera).toMatchObject({
        id: cam(GATE_NORTH),
        key: 'gate-north',
        status: 'ONLINE', // over its video source (the IVMS channel) only: FF's UNKNOWN does not count
        sources: [
          { adapter: 'ff', instance: 'default', vendorId: 'GATE-NORTH', status: 'UNKNOWN' },
          { adapter: 'ivms', instance: 'hq', vendorId: '2', status: 'ONLINE' },
        ],
        site: { key: 'gate', timezone: 'Europe/Prague' },
      });

      // video: an ARCHIVE session at IVMS on channel 2 from occurredAt − 5 s, played through /streams/.
      const known = new Set(h.sim.sessions.keys());
      const r = await gql(VIDEO, { id: read.id });
      expect(r.errors).toBeUndefined();
      const v: Video = r.data.event.video;
      expect(v).toMatchObject({ mode: 'ARCHIVE', state: 'ACTIVE', playlistUrl: `/streams/${v.id}/index.m3u8` });
      expect(v.camera.id).toBe(r.data.event.camera.id); // the linked camera, though the IVMS source serves it
      expect(newSessions(known)).toEqual([expect.objectContaining({ kind: 'archive', channelId: 2, startTs: t0 - 5000 })]);
      const playlist = await fetch(`${h.t.url}${v.playlistUrl}`, { headers: auth(VIEWER) });
      expect(playlist.status).toBe(200);
      const text = await playlist.text();
      expect(text).toContain('#EXTM3U');
      expect(text).not.toContain(h.sim.url);

      // related: IVMS alerts of channel 2 within ±10 s, nearest first; channel 1 and the one 30 s later are not.
      const later = await alert(2, t0 + 3000);
      const earlier = await alert(2, t0 - 1000);
      await alert(2, t0 + 30_000);
      const otherChannel = await alert(1, t0 + 1000);
      const rel = await gql(RELATED, { id: read.id });
      expect(rel.errors).toBeUndefined();
      const related: Related[] = rel.data.event.related;
      expect(related.map((e) => e.id)).toEqual([earlier.id, later.id]);
      expect(related.map((e) => [e.source.adapter, e.camera.id])).toEqual([
        ['ivms', cam(GATE_NORTH)],
        ['ivms', cam(GATE_NORTH)],
      ]);
      expect(related.map((e) => e.id)).not.toContain(otherChannel.id);

      // Unlinked at run time: the FF camera alone has no archive and no IVMS alerts.
      const u = await gql(UNLINK, { input: { cameraId: cam(GATE_NORTH), source: { adapter: 'ivms', instance: 'hq', vendorId: '2' } } }, ADMIN);
      expect(u.errors).toBeUndefined();
      expect(u.data.unlinkCameraSource).toEqual({ id: cam(GATE_NORTH), sources: [{ adapter: 'ff', vendorId: 'GATE-NORTH' }] });
      const starts = h.sim.stats.startArchive;
      const after = await gql(VIDEO, { id: read.id });
      expect(after.errors).toBeUndefined();
      expect(after.data.event.video).toBeNull();
      expect(h.sim.stats.startArchive).toBe(starts);
      const relAfter = await gql(RELATED, { id: read.id });
      expect(relAfter.errors).toBeUndefined();
      expect(relAfter.data.event.related).toEqual([]);
      // The alert is the IVMS channel's own again.
      expect((await gql(EVENT, { id: earlier.id })).data.event.camera.id).toBe(cam(CH2));
    });

    it('run-time link: linkCameras from the FF camera into the IVMS channel gives the FF plate read the same video', async () => {
      const t0 = Math.floor(Date.now() / 1000) * 1000 - 300_000;
      const read = await plateRead('GATE-SOUTH', t0);
      expect((await gql(VIDEO, { id: read.id })).data.event.video).toBeNull(); // not linked yet

      const l = await gql(LINK, { input: { into: cam(CH1), from: [cam(GATE_SOUTH)] } }, ADMIN);
      expect(l.errors).toBeUndefined();
      expect(l.data.linkCameras).toEqual({
        id: cam(CH1),
        sources: [
          { adapter: 'ivms', vendorId: '1' },
          { adapter: 'ff', vendorId: 'GATE-SOUTH' },
        ],
      });
      expect((await gql(EVENT, { id: read.id })).data.event.camera).toMatchObject({ id: cam(CH1), key: null, site: null });

      const known = new Set(h.sim.sessions.keys());
      const r = await gql(VIDEO, { id: read.id });
      expect(r.errors).toBeUndefined();
      const v: Video = r.data.event.video;
      expect(v).toMatchObject({ mode: 'ARCHIVE', state: 'ACTIVE', playlistUrl: `/streams/${v.id}/index.m3u8` });
      expect(newSessions(known)).toEqual([expect.objectContaining({ kind: 'archive', channelId: 1, startTs: t0 - 5000 })]);
      const playlist = await fetch(`${h.t.url}${v.playlistUrl}`, { headers: auth(VIEWER) });
      expect(playlist.status).toBe(200);
      expect(await playlist.text()).toContain('#EXTM3U');
    });
  });
}
