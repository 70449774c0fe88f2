/**
 * Camlytics faults with the simulator: down at start-up, HTML, invalid JSON, HTTP 500, a dropped
 * connection, a hang past the deadline, an oversized answer and duplicated answers. The adapter keeps
 * going, its status (in `adapters` and `adapterStatusChanged`) says why, and every event Camlytics
 * still returns is stored exactly once afterwards. One request in flight throughout; stop() aborts
 * a hanging request at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CamlyticsSimulator, DEFAULT_CHANNELS, type CamlyticsFault, type RestEvent } from '@unified-surveillance/simulators/camlytics';
import type { TestApp } from '../../helpers/app.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { drivers, type TestDb } from '../../helpers/db.ts';
import { wsClient } from '../../helpers/ws-client.ts';
import { adapterInfo, camlyticsEvents, camlyticsInstance, startCamlyticsApp, waitForValue, type Ev } from './helpers.ts';

const storedOnce = async (t: TestApp, events: RestEvent[]) => {
  const all = await camlyticsEvents(t);
  return events.every((e) => all.filter((x) => x.eventId === e.event_id).length === 1) && all;
};

for (const driver of drivers) {
  describe(`Camlytics faults (${driver.name})`, () => {
    let db: TestDb;
    let sim: CamlyticsSimulator;
    let t: TestApp;
    const emitted: RestEvent[] = [];
    const emit = () => {
      const e = sim.emit({ channel_id: DEFAULT_CHANNELS[emitted.length % 3].id });
      emitted.push(e);
      return e;
    };
    beforeAll(async () => {
      db = await driver.open();
      sim = new CamlyticsSimulator({ seed: `faults-${driver.name}` });
      sim.fault = 'down';
      await sim.start();
      // A 2 s request deadline (1 s long-poll + 1 s grace): the hang case waits it out twice.
      t = await startCamlyticsApp(db, [camlyticsInstance(sim.url, { requestGraceSec: 1 })]);
    });
    afterAll(async () => {
      await t?.close();
      await sim?.stop();
      await db?.cleanup();
    });

    it('Camlytics down at start-up: the instance starts, says why, turns ERROR, then recovers and stores what Camlytics holds', async () => {
      const first = await waitForValue(
        async () => {
          const a = await adapterInfo(t);
          return a.status !== 'STARTING' && a.status !== 'READY' && a;
        },
        5000,
        'a problem status',
      );
      expect(first.detail).toMatch(/events poll: GET 127\.0\.0\.1:\d+: ECONNREFUSED/);
      const error = await waitForValue(
        async () => {
          const a = await adapterInfo(t);
          return a.status === 'ERROR' && a;
        },
        5000,
        'ERROR after repeated refusals',
      );
      expect(error.detail).toMatch(/ECONNREFUSED \(connection refused: is Camlytics running with its REST API enabled\?\) \(\d+ in a row, next try in \d+\.\d s\)/);
      expect(error.detail).toMatch(/channels: GET 127\.0\.0\.1:\d+: ECONNREFUSED/);
      const during = [emit(), emit()];
      sim.fault = 'none';
      await sim.whenReady();
      await waitFor(async () => (await adapterInfo(t)).status === 'READY', 8000, 'READY');
      await waitFor(() => storedOnce(t, during), 8000, 'events stored after recovery');
    });

    // [fault, detail, status]: refused/timed-out requests turn ERROR after 3 in a row, bad answers stay DEGRADED.
    const faults: Array<[CamlyticsFault, RegExp, RegExp]> = [
      ['html', /events poll: GET 127\.0\.0\.1:\d+\/v1\/json\/events: answered HTML instead of JSON \(content-type text\/html\)/, /^DEGRADED$/],
      ['invalid-json', /events poll: GET 127\.0\.0\.1:\d+\/v1\/json\/events: answered invalid JSON \(content-type application\/json\): /, /^DEGRADED$/],
      ['http500', /events poll: GET 127\.0\.0\.1:\d+\/v1\/json\/events: answered HTTP 500/, /^DEGRADED$/],
      ['drop', /events poll: GET 127\.0\.0\.1:\d+: UND_ERR_SOCKET \(connection closed before the answer was complete\)/, /^(DEGRADED|ERROR)$/],
      ['hang', /events poll: GET 127\.0\.0\.1:\d+: no complete answer within 2000 ms/, /^(DEGRADED|ERROR)$/],
      ['huge', /events poll: response from 127\.0\.0\.1:\d+ exceeds 5242880 bytes \(lower pollLimit or raise maxResponseBytes\)/, /^DEGRADED$/],
    ];
    for (const [fault, detail, status] of faults) {
      it(`${fault}: status says why, polling goes on, nothing lost or duplicated after recovery`, async () => {
        const before = emit(); // arrives before the fault (the open long-poll returns it)
        await waitFor(() => storedOnce(t, [before]), 8000, 'the event before the fault');
        sim.fault = fault;
        const during: RestEvent[] = [];
        try {
          during.push(emit(), emit(), emit());
          const bad = await waitForValue(
            async () => {
              const a = await adapterInfo(t);
              return a.status !== 'READY' && detail.test(a.detail ?? '') && a;
            },
            10_000,
            `a status naming the ${fault} fault`,
          );
          expect(bad.status).toMatch(status);
          const failures = bad.counters['poll.failures'];
          await waitFor(async () => (await adapterInfo(t)).counters['poll.failures'] > failures, 10_000, 'retries');
        } finally {
          sim.fault = 'none';
        }
        await waitFor(async () => (await adapterInfo(t)).status === 'READY', 10_000, 'READY again');
        await waitFor(() => storedOnce(t, [before, ...during]), 8000, 'events stored once after recovery');
        expect(sim.stats.maxConcurrentEventRequests).toBe(1);
      });
    }

    it('duplicates: answers repeating every event twice are stored once and do not disturb the status', async () => {
      const before = [emit(), emit()];
      await waitFor(() => storedOnce(t, before), 8000, 'events before');
      const requests = sim.stats.eventRequests;
      sim.fault = 'duplicates';
      const during = [emit(), emit()];
      await waitFor(() => sim.stats.eventRequests > requests + 5, 8000, 'polls answered with duplicates');
      sim.fault = 'none';
      await waitFor(() => storedOnce(t, [...before, ...during]), 8000, 'events stored once');
      const all = await camlyticsEvents(t);
      expect(new Set(all.map((e) => e.eventId)).size).toBe(all.length);
      expect(all.length).toBe(emitted.length);
      expect(await adapterInfo(t)).toMatchObject({ status: 'READY', detail: null });
    });

    it('streams status transitions in adapterStatusChanged', async () => {
      const ws = wsClient(t.url);
      const seen: Ev[] = [];
      let started = false;
      const unsubscribe = ws.subscribe(
        { query: 'subscription { adapterStatusChanged { type id status detail } }' },
        {
          next: (r) => void seen.push((r.data as Ev).adapterStatusChanged),
          error: () => {},
          complete: () => {},
        },
      );
      try {
        // the subscription is live once the server answers a query on the same socket
        await ws.iterate({ query: '{ adapters { id } }' }).next();
        started = true;
        sim.fault = 'http500';
        await waitFor(() => seen.some((s) => s.type === 'camlytics' && s.status === 'DEGRADED' && /HTTP 500/.test(s.detail)), 8000, 'DEGRADED streamed');
        sim.fault = 'none';
        await waitFor(() => seen.some((s) => s.type === 'camlytics' && s.status === 'READY'), 8000, 'READY streamed');
      } finally {
        sim.fault = 'none';
        unsubscribe();
        await ws.dispose();
      }
      expect(started).toBe(true);
    });

    it('stop() aborts a hanging request at once', async () => {
      await t.close();
      // A request deadline far beyond the test's timeout: close() returns only if stop() aborts the request.
      const app = await startCamlyticsApp(db, [camlyticsInstance(sim.url, { requestGraceSec: 300 })]);
      try {
        sim.fault = 'hang';
        const requests = sim.stats.eventRequests;
        await waitFor(() => sim.stats.eventRequests > requests && sim.stats.activeEventRequests === 1, 8000, 'a hanging request');
        await app.close();
        await waitFor(() => sim.stats.activeEventRequests === 0, 2000, 'the request closed');
      } finally {
        sim.fault = 'none';
        await app.close();
      }
    });
  });
}
