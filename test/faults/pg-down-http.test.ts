/**
 * PostgreSQL down for 30 s during FF HTTP ingest (a real server process; its DATABASE_URL points at
 * the fault proxy, `down` = PostgreSQL stopped). Cameras re-send on 503 honouring Retry-After, as
 * FF cameras with the event buffer do. Afterwards: acknowledged = stored, 0 duplicates, 0 lost, the
 * server alive (/health 200 throughout, /ready 503 while down and 200 again after).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../helpers/process.ts';
import { ffJson } from '../helpers/ff-events.ts';
import { notePgSkip, proxiedPg, sleep, tally, TEST_DATABASE_URL, type ProxiedPg } from './helpers.ts';

const OUTAGE_MS = 30_000;
const WORKERS = 6;

describe.skipIf(!TEST_DATABASE_URL)('PostgreSQL down for 30 s during HTTP ingest', () => {
  let pg: ProxiedPg;
  let server: ServerProcess;
  afterAll(async () => {
    await server?.cleanup();
    await pg?.drop();
  });

  it('every acknowledged event is stored once; 503 + Retry-After while down; ready again after', async () => {
    pg = await proxiedPg();
    server = await startServerProcess({ config: 'adapters:\n  - { type: ff, id: default }\n', env: { DATABASE_URL: pg.url } });
    const url = `${server.base}/adapters/ff/default/events`;

    const acked = new Set<string>();
    const c = { sent: 0, attempts: 0, s503: 0, noRetryAfter: 0, otherStatus: 0, networkErrors: 0, duplicates: 0, waitedSec: 0 };
    let generating = true;
    let next = 0;
    /** One camera: new events while generating; each re-sent until a 2xx. */
    const camera = async () => {
      while (generating) {
        const i = next++;
        const json = JSON.stringify(ffJson(i, { carID: `h${i}`, sensorProviderID: 'PG-DOWN' }));
        c.sent += 1;
        for (;;) {
          c.attempts += 1;
          let res: Response;
          try {
            res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: json });
          } catch {
            c.networkErrors += 1;
            await sleep(1000);
            continue;
          }
          const body = (await res.json().catch(() => ({}))) as { status?: string };
          if (res.ok) {
            acked.add(`h${i}`);
            if (body.status === 'duplicate') c.duplicates += 1;
            break;
          }
          if (res.status === 503) {
            c.s503 += 1;
            const after = Number(res.headers.get('retry-after'));
            if (!(after > 0)) c.noRetryAfter += 1;
            c.waitedSec += after > 0 ? after : 1;
            await sleep((after > 0 ? after : 1) * 1000);
            continue;
          }
          c.otherStatus += 1;
          break;
        }
      }
    };
    const cameras = Array.from({ length: WORKERS }, () => camera());

    await sleep(3000);
    const beforeOutage = acked.size;
    pg.proxy.setMode({ kind: 'down' });
    const downAt = Date.now();
    const probes = { ready503: 0, ready200: 0, health200: 0, healthOther: 0 };
    while (Date.now() - downAt < OUTAGE_MS) {
      const [ready, health] = await Promise.all([
        fetch(`${server.base}/ready`).then(
          (r) => r.status,
          () => 0,
        ),
        fetch(`${server.base}/health`).then(
          (r) => r.status,
          () => 0,
        ),
      ]);
      if (ready === 503) probes.ready503 += 1;
      if (ready === 200) probes.ready200 += 1;
      if (health === 200) probes.health200 += 1;
      else probes.healthOther += 1;
      await sleep(2000);
    }
    const duringOutage = acked.size - beforeOutage;
    pg.proxy.setMode({ kind: 'pass' });
    const upAt = Date.now();
    let readyAgainMs = -1;
    for (;;) {
      if (
        (await fetch(`${server.base}/ready`).then(
          (r) => r.status,
          () => 0,
        )) === 200
      ) {
        readyAgainMs = Date.now() - upAt;
        break;
      }
      if (Date.now() - upAt > 30_000) break;
      await sleep(250);
    }
    await sleep(3000); // load goes on after the database is back
    generating = false;
    await Promise.all(cameras);

    const counts = await pg.carCounts();
    const t = tally(acked, counts);
    const unacked = [...counts.keys()].filter((k) => !acked.has(k)).length;
    console.log(
      `pg-down-http: outage=${OUTAGE_MS / 1000}s, sent=${c.sent}, acked=${acked.size} (before=${beforeOutage}, during=${duringOutage}), attempts=${c.attempts}, 503=${c.s503} (without Retry-After=${c.noRetryAfter}), ` +
        `answered-duplicate=${c.duplicates}, other=${c.otherStatus}, network-errors=${c.networkErrors}, stored=${t.stored}, stored-unacked=${unacked}, duplicates=${t.duplicates}, lost=${t.lost}, ` +
        `ready-503-while-down=${probes.ready503}/${probes.ready503 + probes.ready200}, health-200=${probes.health200}/${probes.health200 + probes.healthOther}, ready-again-after=${readyAgainMs}ms`,
    );

    expect(c.s503).toBeGreaterThan(0);
    expect(c.noRetryAfter).toBe(0);
    expect(c.otherStatus + c.networkErrors).toBe(0);
    expect(acked.size).toBe(c.sent);
    expect(t.lost).toBe(0);
    expect(t.duplicates).toBe(0);
    expect(t.stored).toBe(acked.size);
    expect(probes.ready200).toBe(0);
    expect(probes.healthOther).toBe(0);
    expect(readyAgainMs).toBeGreaterThanOrEqual(0);
    expect((await fetch(`${server.base}/health`)).status).toBe(200);
    expect(server.child.exitCode).toBeNull();
  });
});

notePgSkip('pg-down-http');
