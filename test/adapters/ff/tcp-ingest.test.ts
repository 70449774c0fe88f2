/**
 * FF TCP push end to end: the simulator's TCP client (and raw sockets for hand-made byte streams)
 * against the adapter's real listener; results read back through GraphQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { ffTcpPort, startTestApp, type TestApp } from '../../helpers/app.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { drivers, type TestDb } from '../../helpers/db.ts';
import { PassGenerator, TcpPushClient, type FfJson, type TcpFraming, type TcpWriteStrategy } from '@unified-surveillance/simulators/ff';

type Ev = Record<string, any>;
const T0 = Date.UTC(2024, 5, 14, 12, 0, 0);

/** `n` events of generated passes; the same `seed` gives the same events whatever the device. */
function genEvents(deviceId: string, n: number, seed = deviceId): FfJson[] {
  const gen = new PassGenerator({ deviceId, seed, extraFieldRate: 0.3, firstCarID: 100 });
  const out: FfJson[] = [];
  for (let i = 0; out.length < n; i++) out.push(...gen.next(T0 + i * 60_000).events.map((e) => e.json));
  return out.slice(0, n);
}
const line = (o: FfJson) => JSON.stringify(o);
/** Identity of an event within a device: phase and capture time. */
const key = (o: FfJson) => `${String(o.carState)}@${String(o.capture_timestamp)}`;

/** Connects, writes `chunks` one by one (pausing so they arrive as separate reads), then closes. */
async function sendRaw(port: number, chunks: Array<string | Buffer>, o: { end?: boolean } = {}): Promise<net.Socket> {
  const s = net.connect({ port, host: '127.0.0.1' });
  s.setNoDelay(true);
  s.on('error', () => undefined);
  await new Promise<void>((r) => s.once('connect', () => r()));
  for (const c of chunks) {
    await new Promise<void>((r) => s.write(c, () => r()));
    // Not synchronisation: the scenario drips bytes, so each chunk reaches the listener as a read of its own.
    await new Promise((r) => setTimeout(r, 5));
  }
  if (o.end !== false) await new Promise<void>((r) => s.end(() => r()));
  return s;
}
const closed = (s: net.Socket) => (s.destroyed && s.readyState === 'closed' ? Promise.resolve() : new Promise<void>((r) => s.once('close', () => r())));

for (const driver of drivers) {
  describe(`FF TCP ingest (${driver.name})`, () => {
    let t: TestApp;
    let db: TestDb;
    const port = (instance = 'default') => ffTcpPort(t, instance);
    beforeAll(async () => {
      db = await driver.open();
      const tcp = { tcpPort: 0, tcpHost: '127.0.0.1' };
      t = await startTestApp({
        db,
        config: {
          adapters: [
            { type: 'ff', id: 'default', ...tcp },
            { type: 'ff', id: 'small', ...tcp, limits: { maxObjectBytes: 2048 } },
            { type: 'ff', id: 'allow', ...tcp, allowIps: ['10.9.9.9'] },
            { type: 'ff', id: 'idle', ...tcp, limits: { idleTimeoutSec: 1 } },
          ],
        },
      });
    });
    afterAll(async () => {
      await t?.close();
      await db?.cleanup();
    });

    const counters = async (instance = 'default'): Promise<Record<string, number>> => {
      const r = await t.gql('{ adapters { id counters { name value } } }');
      const a = r.data.adapters.find((x: Ev) => x.id === instance);
      return Object.fromEntries(a.counters.map((c: Ev) => [c.name, c.value]));
    };
    const delta = async (instance: string, before: Record<string, number>) => {
      const now = await counters(instance);
      return (name: string) => (now[name] ?? 0) - (before[name] ?? 0);
    };
    /** Events of one device (oldest first), found through its Camera.id as a client would. */
    const deviceEvents = async (deviceId: string, instance = 'default'): Promise<Ev[]> => {
      const cams = await t.gql('{ cameras(first: 500) { edges { node { id sources { instance vendorId } } } } }');
      const cam = cams.data.cameras.edges.map((e: Ev) => e.node).find((c: Ev) => c.sources[0].vendorId === deviceId && c.sources[0].instance === instance);
      if (!cam) return [];
      const r = await t.gql(
        `query($c: [ID!]) { events(first: 500, filter: { cameraIds: $c }) { edges { node { seq occurredAt raw media { id }
          ... on PlateReadEvent { plate plateNormalized confidence direction phase vehicle { make } } ... on FfPlateEvent { carId packetCounter deviceId } } } } }`,
        { c: [cam.id] },
      );
      expect(r.errors).toBeUndefined();
      return r.data.events.edges.map((e: Ev) => e.node).reverse();
    };
    const settle = async (deviceId: string, n: number, instance = 'default'): Promise<Ev[]> => {
      let evs: Ev[] = [];
      await waitFor(async () => (evs = await deviceEvents(deviceId, instance)).length >= n, 15_000, `${n} events of ${deviceId}`);
      return evs;
    };

    it('every framing × write strategy stores identical events (per-object, batches of 100, fragments down to 1 byte)', async () => {
      const framings: TcpFraming[] = ['none', 'crlf', 'lf', 'nul', 'pretty'];
      const strategies: TcpWriteStrategy[] = ['per-object', 'batch', 'fragments'];
      const runs = framings.flatMap((framing) => strategies.map((strategy) => ({ framing, strategy, device: `T-${framing}-${strategy}`, n: strategy === 'fragments' ? 8 : 100 })));
      const before = await counters();
      await Promise.all(
        runs.map(async (run) => {
          const client = new TcpPushClient({
            host: '127.0.0.1',
            port: port(),
            framing: run.framing,
            writeStrategy: run.strategy,
            batchSize: 100,
            fragment: { minBytes: 1, maxBytes: 48, delayMs: 0 },
            seed: run.device,
          });
          expect(await client.start()).toBe(true);
          const results = await Promise.all(genEvents(run.device, run.n, 'tcp-ref').map((e) => client.send(e)));
          expect(results.every((r) => r.ok)).toBe(true);
          if (run.strategy === 'batch') expect(client.stats.writes).toBe(1);
          if (run.strategy === 'fragments') expect(client.stats.writes).toBeGreaterThan(run.n * 40);
          await client.stop();
        }),
      );
      // Compare everything but the device: the reference is the stream as sent.
      const project = (e: Ev) => ({ ...e, seq: undefined, deviceId: undefined, raw: { ...e.raw, sensorProviderID: undefined } });
      const sent = genEvents('X', 100, 'tcp-ref');
      const reference = (await settle('T-none-per-object', 100)).map(project);
      await Promise.all(
        runs.map(async (run) => {
          const evs = await settle(run.device, run.n);
          expect(evs, run.device).toHaveLength(run.n);
          evs.forEach((e, i) => {
            expect(e.raw, `${run.device} #${i}`).toEqual({ ...sent[i], sensorProviderID: run.device, packetCounter: String(i + 1) });
            expect(e.packetCounter).toBe(i + 1);
          });
          expect(evs.map(project), run.device).toEqual(reference.slice(0, run.n));
        }),
      );
      const d = await delta('default', before);
      expect(d('tcp.stored')).toBe(runs.reduce((s, r) => s + r.n, 0));
      expect(d('tcp.garbage_bytes') + d('tcp.duplicates') + d('tcp.oversize_objects')).toBe(0);
    });

    it('garbage between objects: the valid ones stored, the garbage bytes counted', async () => {
      const [a, b, c] = genEvents('T-garbage', 3);
      const before = await counters();
      // 'garbage!!' = 9 bytes; after the LF (whitespace, ignored) '[1,2]xx\n' = 8 bytes up to the next '{'.
      const s = await sendRaw(port(), [line(a), 'garbage!!', line(b), '\n[1,2]xx\n', line(c), '\r\n\0']);
      await closed(s);
      expect((await settle('T-garbage', 3)).map((e) => key(e.raw))).toEqual([a, b, c].map(key));
      await waitFor(async () => (await delta('default', before))('tcp.garbage_bytes') === 17, 5000, 'garbage counted');
    });

    it('an unterminated object ({"oops": and a line break) loses only its own bytes: the next objects are stored', async () => {
      const [a, b, c] = genEvents('T-oops', 3);
      const before = await counters();
      await closed(await sendRaw(port(), [line(a), '\n{"oops": \n', line(b), '\n{"x": 1, "y": ', JSON.stringify(c, null, 2), '\n']));
      expect((await settle('T-oops', 3)).map((e) => key(e.raw))).toEqual([a, b, c].map(key));
      const d = await delta('default', before);
      expect([d('tcp.stored'), d('tcp.garbage_bytes')]).toEqual([3, '{"oops": \n'.length + '{"x": 1, "y": '.length]);
    });

    it('an object cut mid-way by closing the socket is not stored (and can be sent again later)', async () => {
      const [a, b] = genEvents('T-cut', 2);
      const half = line(b).slice(0, Math.floor(line(b).length / 2));
      const before = await counters();
      await closed(await sendRaw(port(), [line(a), half]));
      await waitFor(async () => (await delta('default', before))('tcp.garbage_bytes') === Buffer.byteLength(half), 5000, 'truncated tail counted');
      // The tail is counted when the socket closes; the complete object before it commits on its own time.
      await waitFor(async () => (await delta('default', before))('tcp.stored') === 1, 15_000, 'the complete object stored');
      expect((await deviceEvents('T-cut')).map((e) => key(e.raw))).toEqual([key(a)]);
      await closed(await sendRaw(port(), [line(b)]));
      expect((await settle('T-cut', 2)).map((e) => key(e.raw))).toEqual([key(a), key(b)]);
    });

    it('an oversize object (limits.maxObjectBytes) is skipped and counted; objects around it are stored', async () => {
      const [a, b, c] = genEvents('T-big', 3);
      expect(line(a).length).toBeLessThan(2048);
      const big = { ...b, padding: 'x'.repeat(5000) };
      const before = await counters('small');
      await closed(await sendRaw(port('small'), [line(a), line(big), line(c)]));
      const evs = await settle('T-big', 2, 'small');
      expect(evs.map((e) => key(e.raw))).toEqual([key(a), key(c)]);
      const d = await delta('small', before);
      expect([d('tcp.oversize_objects'), d('tcp.rejected.oversize'), d('tcp.stored')]).toEqual([1, 1, 2]);
    });

    it('malformed JSON and objects with missing/mistyped fields are skipped and counted; later objects still stored', async () => {
      const [a, b, c, d, e] = genEvents('T-bad', 5);
      const noPlate = Object.fromEntries(Object.entries(b).filter(([k]) => !/^plate(Text|UTF8|Unicode|ASCII)$/.test(k)));
      const noCar = Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'carID'));
      const before = await counters();
      await closed(await sendRaw(port(), ['{"carID":"1", not json}', line(noPlate), line(noCar), line({ ...d, plateConfidence: 'abc' }), '{"a":1,}', line(a), line(e)]));
      expect((await settle('T-bad', 2)).map((x) => key(x.raw))).toEqual([key(a), key(e)]);
      const dd = await delta('default', before);
      expect([dd('tcp.rejected.malformed_json'), dd('tcp.rejected.BAD_USER_INPUT'), dd('tcp.stored'), dd('tcp.garbage_bytes')]).toEqual([2, 3, 2, 0]);
    });

    it('reconnect with packetCounter restarting: distinct events never merged, re-sent ones not duplicated', async () => {
      const evs = genEvents('T-reconnect', 6);
      const before = await counters();
      const one = new TcpPushClient({ host: '127.0.0.1', port: port(), framing: 'lf' });
      await one.start();
      for (const e of evs.slice(0, 3)) expect((await one.send(e)).packetCounter).toMatch(/^[123]$/);
      await one.stop();
      const two = new TcpPushClient({ host: '127.0.0.1', port: port(), framing: 'crlf' });
      await two.start();
      // The camera's buffer re-sends 2 and 3 after reconnecting, then goes on with 4..6.
      const counters2 = [];
      for (const e of [evs[1], evs[2], ...evs.slice(3)]) counters2.push((await two.send(e)).packetCounter);
      await two.stop();
      expect(counters2).toEqual(['1', '2', '3', '4', '5']);
      const stored = await settle('T-reconnect', 6);
      await waitFor(async () => (await delta('default', before))('tcp.duplicates') === 2, 5000, 'duplicates counted');
      expect(stored.map((e) => key(e.raw))).toEqual(evs.map(key));
      expect(stored.map((e) => e.packetCounter)).toEqual([1, 2, 3, 3, 4, 5]);
      expect(await deviceEvents('T-reconnect')).toHaveLength(6);
    });

    it('allowIps: a connection from 127.0.0.1 to an instance allowing only 10.9.9.9 is refused and counted', async () => {
      const before = await counters('allow');
      const s = net.connect({ port: port('allow'), host: '127.0.0.1' });
      s.on('error', () => undefined);
      s.write(line(genEvents('T-allow', 1)[0]));
      await closed(s);
      expect((await delta('allow', before))('tcp.refused')).toBe(1);
      expect((await delta('allow', before))('tcp.connections')).toBe(0);
      expect(await deviceEvents('T-allow', 'allow')).toEqual([]);
    });

    it('idle timeout (limits.idleTimeoutSec: 1) closes a silent socket; what was sent before is stored', async () => {
      const before = await counters('idle');
      const started = Date.now();
      const s = await sendRaw(port('idle'), [line(genEvents('T-idle', 1)[0])], { end: false });
      await closed(s);
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(900);
      expect(took).toBeLessThan(5000);
      expect((await delta('idle', before))('tcp.idle_timeouts')).toBe(1);
      expect(await settle('T-idle', 1, 'idle')).toHaveLength(1);
    });
  });
}
