/**
 * Event → video against the IVMS simulator: an IVMS alert's `video` opens an archive session at
 * IVMS whose start (as IVMS receives it) is occurredAt − beforeSec, through the core's stream
 * sessions (shared by a second call, playlist through /streams/); null for an event whose camera
 * has no archive (FF); argument bounds; IVMS down or hanging → VENDOR_UNAVAILABLE; the scopes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SimSession } from '@unified-surveillance/simulators/ivms';
import { waitFor } from '../../helpers/wait-for.ts';
import { drivers, type TestDb } from '../../helpers/db.ts';
import { ffJson, postFf } from '../../helpers/ff-events.ts';
import { startIvms, type IvmsHarness } from './harness.ts';

const ADMIN = 'admin-key-0123456789abcdef';
const READER = 'reader-key-0123456789abcdef';
const VIEWER = 'viewer-key-0123456789abcdef';
const auth = (key: string) => ({ authorization: `Bearer ${key}` });

const VIDEO = `query($id: ID!, $before: Int, $after: Int) {
  event(id: $id) { seq occurredAt video(beforeSec: $before, afterSec: $after) { id mode state playlistUrl camera { name } } }
}`;
const VIDEO_DEFAULTS = `query($id: ID!) { event(id: $id) { seq video { id mode } } }`;

/** SimSession with the archive start it received (declared on SimSession in this branch's simulator; the worktree's package link still points at main's). */
type ArchiveSession = SimSession & { startTs?: number };
type Video = { id: string; mode: string; state: string; playlistUrl: string; camera: { name: string } };

for (const driver of drivers) {
  describe(`Event.video on IVMS (${driver.name})`, () => {
    let h: IvmsHarness;
    let db: TestDb;
    const gql = (query: string, variables: Record<string, unknown>, key = ADMIN) => h.t.gql(query, variables, auth(key));

    /** Send an alert on `channel` at `eventTime` and wait until it is stored; its global id and occurredAt. */
    const alertEvent = async (channel: number, eventTime: Date): Promise<{ id: string; occurredAt: string }> => {
      const before = (await gql('{ events(first: 1) { edges { node { seq } } } }', {})).data.events.edges[0]?.node.seq ?? '0';
      h.sim.alert({ cameraId: channel, eventTime });
      const found = await waitFor(
        async () => {
          const r = await gql('query($f: EventFilter) { events(first: 10, filter: $f) { edges { node { id seq occurredAt camera { sources { vendorId } } } } } }', { f: { adapters: ['ivms'] } });
          return r.data.events.edges.map((e: { node: { id: string; seq: string; occurredAt: string } }) => e.node).find((n: { seq: string }) => BigInt(n.seq) > BigInt(before));
        },
        10_000,
        `alert on channel ${channel} stored`,
      );
      return found;
    };
    /** The IVMS session a call opened (the one new since `known`). */
    const newSessions = (known: Set<string>): ArchiveSession[] => [...h.sim.sessions.values()].filter((v) => !known.has(v.id));

    beforeAll(async () => {
      db = await driver.open();
      h = await startIvms(db, {
        config: { limits: { requestTimeoutMs: 500 } },
        adapters: [{ type: 'ff', id: 'default', tcpPort: 0 }],
        app: {
          auth: {
            apiKeys: [
              { key: ADMIN, scopes: ['admin'] },
              { key: READER, scopes: ['events:read'] },
              { key: VIEWER, scopes: ['events:read', 'streams'] },
            ],
          },
        },
      });
      await h.internals().channels.refreshNow();
    });
    afterAll(async () => {
      await h?.close();
      await db?.cleanup();
    });
    beforeEach(() => {
      h.sim.fault = 'none';
    });

    it('opens an IVMS archive session starting occurredAt − beforeSec; a second call shares it; the playlist comes through /streams/', async () => {
      const ev = await alertEvent(2, new Date(Date.now() - 600_000));
      const occurredMs = Date.parse(ev.occurredAt);
      const known = new Set(h.sim.sessions.keys());
      const archivesBefore = h.sim.stats.startArchive;

      const r = await gql(VIDEO, { id: ev.id, before: 30, after: 60 }, VIEWER);
      expect(r.errors).toBeUndefined();
      const v: Video = r.data.event.video;
      expect(v).toMatchObject({ mode: 'ARCHIVE', state: 'ACTIVE', playlistUrl: `/streams/${v.id}/index.m3u8`, camera: { name: '192.168.1.47' } });
      const [vendor] = newSessions(known);
      expect(newSessions(known)).toHaveLength(1);
      // IVMS takes the archive start as epoch ms (no zone): exactly occurredAt − 30 s.
      expect(vendor).toMatchObject({ kind: 'archive', channelId: 2, startTs: occurredMs - 30_000 });

      const again = await gql(VIDEO, { id: ev.id, before: 30, after: 60 }, VIEWER);
      expect(again.data.event.video.id).toBe(v.id);
      expect(h.sim.stats.startArchive).toBe(archivesBefore + 1);

      const playlist = await fetch(`${h.t.url}${v.playlistUrl}`, { headers: auth(VIEWER) });
      expect(playlist.status).toBe(200);
      const text = await playlist.text();
      expect(text).toContain('#EXTM3U');
      expect(text).not.toContain(h.sim.url);

      // Defaults: beforeSec 10 → another start time, so another session.
      const byDefault = await gql(VIDEO_DEFAULTS, { id: ev.id }, VIEWER);
      expect(byDefault.data.event.video.id).not.toBe(v.id);
      expect(newSessions(new Set([...known, vendor.id]))).toMatchObject([{ kind: 'archive', channelId: 2, startTs: occurredMs - 10_000 }]);
    });

    it('null for an event whose camera has no archive (FF), without an error', async () => {
      expect((await postFf(h.t.url, ffJson(1, { sensorProviderID: 'GATE-1' }), 'default', auth(ADMIN))).status).toBe(200);
      const ff = await gql('{ events(first: 1, filter: { adapters: ["ff"] }) { edges { node { id } } } }', {});
      const starts = h.sim.stats.startArchive + h.sim.stats.startLive;
      const r = await gql(VIDEO_DEFAULTS, { id: ff.data.events.edges[0].node.id });
      expect(r.errors).toBeUndefined();
      expect(r.data.event.video).toBeNull();
      expect(h.sim.stats.startArchive + h.sim.stats.startLive).toBe(starts);
    });

    it('bounds: beforeSec and afterSec 0..3600, BAD_USER_INPUT naming the argument, nothing started', async () => {
      const ev = await alertEvent(1, new Date(Date.now() - 120_000));
      const starts = h.sim.stats.startArchive;
      for (const [before, after, name] of [
        [-1, 20, 'beforeSec'],
        [3601, 20, 'beforeSec'],
        [10, -1, 'afterSec'],
        [10, 3601, 'afterSec'],
      ] as const) {
        const r = await gql(VIDEO, { id: ev.id, before, after });
        expect([name, r.errors?.[0].extensions?.code]).toEqual([name, 'BAD_USER_INPUT']);
        expect(r.errors?.[0].message).toMatch(new RegExp(`^${name}: expected 0\\.\\.3600`));
        expect(r.data.event.video).toBeNull();
      }
      expect(h.sim.stats.startArchive).toBe(starts);
      const edges = await gql(VIDEO, { id: ev.id, before: 3600, after: 0 });
      expect(edges.errors).toBeUndefined();
      expect(edges.data.event.video.mode).toBe('ARCHIVE');
    });

    it('IVMS down (1504) or not answering: VENDOR_UNAVAILABLE within the request deadline, and video again once it is back', async () => {
      const ev = await alertEvent(3, new Date(Date.now() - 300_000));
      h.sim.fault = 'site-down';
      const down = await gql(VIDEO, { id: ev.id, before: 5, after: 5 });
      expect(down.errors?.[0].extensions).toMatchObject({ code: 'VENDOR_UNAVAILABLE', vendorStatus: 1504 });
      expect(down.data.event).toMatchObject({ seq: expect.any(String), video: null }); // the rest of the query answers

      h.sim.fault = 'hang';
      const hung = await gql(VIDEO, { id: ev.id, before: 5, after: 5 });
      expect(hung.errors?.[0].extensions?.code).toBe('VENDOR_UNAVAILABLE');
      expect(hung.errors?.[0].message).toMatch(/(no complete answer within 500 ms|HEADERS_TIMEOUT)/); // the instance's requestTimeoutMs

      h.sim.fault = 'none';
      const known = new Set(h.sim.sessions.keys());
      const back = await gql(VIDEO, { id: ev.id, before: 5, after: 5 });
      expect(back.errors).toBeUndefined();
      expect(back.data.event.video.state).toBe('ACTIVE');
      expect(newSessions(known)).toMatchObject([{ kind: 'archive', channelId: 3, startTs: Date.parse(ev.occurredAt) - 5000 }]);
    });

    it('scope streams: an events:read key reads the event but gets FORBIDDEN on video, and nothing starts at IVMS', async () => {
      const ev = await alertEvent(1, new Date(Date.now() - 900_000));
      const starts = h.sim.stats.startArchive;
      const r = await gql(VIDEO_DEFAULTS, { id: ev.id }, READER);
      expect(r.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', scopes: ['streams'] });
      expect(r.errors?.[0].message).toContain('Event.video');
      expect(r.data.event).toMatchObject({ seq: expect.any(String), video: null });
      expect(h.sim.stats.startArchive).toBe(starts);
    });
  });
}
