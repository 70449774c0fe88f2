/**
 * A duplicate that carries images the stored event lacks (the same pass sent over FF TCP without
 * images, then over HTTP with them, as `scripts/ff-sim.ts --http … --tcp …` does): the images are
 * added to the stored event once, also when the re-sends race; queries and /media then serve them.
 * Real FF TCP and HTTP routes, PGlite and (with TEST_DATABASE_URL) PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { ffTcpPort, startTestApp, type TestApp } from '../../helpers/app.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { drivers, type TestDb } from '../../helpers/db.ts';
import { PassGenerator, postEvent, type PushImage } from '@unified-surveillance/simulators/ff';
import { makeJpeg } from '@unified-surveillance/simulators/kit';

type Ev = Record<string, any>;
const EVENTS = `{ events(first: 200) { edges { node { seq media { role byteSize url } ... on FfPlateEvent { deviceId } } } } }`;

function updateOf(deviceId: string) {
  const p = new PassGenerator({ deviceId, seed: deviceId, extraFieldRate: 0 }).next(Date.UTC(2024, 5, 14, 14, 4, 36, 372));
  return p.events.filter((e) => e.carState === 'update').at(-1)!;
}
const images = (seed: string): PushImage[] => [
  { kind: 'vehicle', fileName: 'x_1roi_AB_1.jpg', data: makeJpeg(`${seed}/v`, 5000) },
  { kind: 'plate', fileName: 'x_1lp_AB_1.jpg', data: makeJpeg(`${seed}/p`, 900) },
];

for (const driver of drivers) {
  describe(`FF duplicate with images the stored event lacks (${driver.name})`, () => {
    let t: TestApp;
    let db: TestDb;
    beforeAll(async () => {
      db = await driver.open();
      t = await startTestApp({ db, config: { adapters: [{ type: 'ff', id: 'default', tcpPort: 0, tcpHost: '127.0.0.1' }] } });
    });
    afterAll(async () => {
      await t?.close();
      await db?.cleanup();
    });

    const eventsOf = async (deviceId: string): Promise<Ev[]> => {
      const r = await t.gql(EVENTS);
      expect(r.errors).toBeUndefined();
      return r.data.events.edges.map((e: Ev) => e.node).filter((n: Ev) => n.deviceId === deviceId);
    };
    const sendTcp = async (json: object) => {
      const s = net.connect({ port: ffTcpPort(t), host: '127.0.0.1' });
      await new Promise<void>((r) => s.once('connect', () => r()));
      await new Promise<void>((r) => s.end(`${JSON.stringify(json)}\r\n`, () => r()));
      await new Promise<void>((r) => s.once('close', () => r()));
    };
    const post = async (json: object, imgs: PushImage[], mode: 'multipart-file' | 'json' = 'multipart-file') => {
      const res = await postEvent({ url: `${t.url}/adapters/ff/default/events`, mode, event: json as never, images: imgs });
      return { status: res.status, body: JSON.parse(res.body) as Ev };
    };

    it('TCP without images, then HTTP with two: the stored event gains both, served by /media', async () => {
      const ev = updateOf('DUP-MEDIA-1');
      await sendTcp(ev.json);
      await waitFor(async () => (await eventsOf('DUP-MEDIA-1')).length === 1, 10_000, 'TCP event stored');
      const [stored] = await eventsOf('DUP-MEDIA-1');
      expect(stored.media).toEqual([]);

      const imgs = images('one');
      const res = await post(ev.json, imgs);
      expect(res).toEqual({ status: 200, body: { status: 'duplicate', seq: stored.seq } });
      const [after, ...more] = await eventsOf('DUP-MEDIA-1');
      expect(more).toEqual([]);
      expect(after.media.map((m: Ev) => [m.role, m.byteSize])).toEqual([
        ['VEHICLE', 5000],
        ['PLATE_CROP', 900],
      ]);
      for (const [i, m] of after.media.entries()) {
        const r = await fetch(new URL(m.url, t.url));
        expect(r.status).toBe(200);
        expect(Buffer.from(await r.arrayBuffer()).equals(imgs[i].data)).toBe(true);
      }
    });

    it('added once: concurrent re-sends with other image bytes, and later ones, add nothing more', async () => {
      const ev = updateOf('DUP-MEDIA-2');
      await sendTcp(ev.json);
      await waitFor(async () => (await eventsOf('DUP-MEDIA-2')).length === 1, 10_000, 'TCP event stored');
      const results = await Promise.all(['a', 'b', 'c', 'd'].map((seed, i) => post(ev.json, images(seed), i % 2 ? 'json' : 'multipart-file')));
      expect(results.map((r) => [r.status, r.body.status])).toEqual(Array(4).fill([200, 'duplicate']));
      const again = await post(ev.json, images('e'));
      expect(again.body.status).toBe('duplicate');
      const [stored] = await eventsOf('DUP-MEDIA-2');
      expect(stored.media.map((m: Ev) => m.role).sort()).toEqual(['PLATE_CROP', 'VEHICLE']);
    });

    it('a duplicate without images, or with only roles the event has, changes nothing', async () => {
      const ev = updateOf('DUP-MEDIA-3');
      const first = await post(ev.json, images('first').slice(0, 1));
      expect(first.body.status).toBe('stored');
      await sendTcp(ev.json); // no images
      expect((await post(ev.json, [{ ...images('other')[0] }])).body.status).toBe('duplicate'); // VEHICLE again
      await waitFor(
        async () => (await t.gql('{ adapters { id counters { name value } } }')).data.adapters[0].counters.some((c: Ev) => c.name === 'tcp.duplicates' && c.value >= 1),
        10_000,
        'TCP duplicate seen',
      );
      const [stored] = await eventsOf('DUP-MEDIA-3');
      expect(stored.media.map((m: Ev) => [m.role, m.byteSize])).toEqual([['VEHICLE', 5000]]);
    });
  });
}
