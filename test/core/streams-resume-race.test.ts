/**
 * Resume (resume.ts) against a viewer on the same instance: while the new holder's keepalive for a
 * persisted session is out, a viewer's lookup may read the row and take the session in (it is then
 * driven here). Resume must leave that copy alone: stopping "the duplicate" at the vendor would stop
 * the very vendor session the copy keeps alive (seen as a flaky takeover in streams-cluster.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { openPgliteTestDb, type TestDb } from '../helpers/db.ts';
import { streamSessions } from '../../src/core/db/schema.ts';
import type { CameraRecord } from '../../src/core/cameras/repo.ts';
import type { StreamHandlers } from '../../src/core/adapter/types.ts';
import { resumePersisted } from '../../src/core/streams/resume.ts';
import { saveSession } from '../../src/core/streams/repo.ts';
import { newSession, streamRequestOf } from '../../src/core/streams/session.ts';
import { ManualClock } from '../../src/core/time/manual-clock.ts';

const camera: CameraRecord = {
  id: 'hlstest/a/cam1',
  adapter: 'hlstest',
  instance: 'a',
  vendorId: 'cam1',
  name: 'cam1',
  deviceType: 'Camera',
  status: 'ONLINE',
  capabilities: ['LIVE_STREAM'],
  details: {},
};

describe('resume while a viewer takes the session in', () => {
  let tdb: TestDb;
  beforeAll(async () => {
    tdb = await openPgliteTestDb();
  });
  afterAll(async () => {
    await tdb?.cleanup();
  });

  it('leaves a session taken in during its keepalive to that copy: no vendor stop, the row stays', async () => {
    const clock = new ManualClock();
    const s = newSession('sess-1', camera, streamRequestOf(camera, { mode: 'LIVE' }), clock.nowMs());
    s.vendor = { vendorSessionId: 'v1', playlistUrl: 'http://vendor.invalid/hls/v1/master.m3u8', keepaliveIntervalMs: 100 };
    await saveSession(tdb.database.db, s, 1000, clock.nowMs);
    const here = new Set<string>(); // the sessions known on this instance
    const calls: string[] = [];
    const handlers: StreamHandlers = {
      start: async () => {
        throw new Error('not started here');
      },
      keepalive: async (v) => {
        calls.push(`keepalive ${v.vendorSessionId}`);
        here.add(s.id); // meanwhile a viewer's lookup read the row and took the session in
      },
      stop: async (v) => void calls.push(`stop ${v.vendorSessionId}`),
    };
    const adopted: string[] = [];
    const r = resumePersisted({
      db: tdb.database.db,
      log: pino({ level: 'silent' }),
      idleTimeoutMs: 1000,
      cameraById: async () => camera,
      instance: () => ({ running: true, handlers }),
      adopt: (x) => {
        if (here.has(x.id)) return false; // as the stream manager: the id is live here already
        adopted.push(x.id);
        return true;
      },
      skip: (row) => here.has(row.id),
      clock,
    });
    await r.done;
    expect(calls).toEqual(['keepalive v1']);
    expect(adopted).toEqual([]);
    expect((await tdb.database.db.select().from(streamSessions)).map((x) => x.id)).toEqual(['sess-1']);
  });
});
