/**
 * PostgreSQL down during FF TCP ingest (a real server process, DATABASE_URL through the fault
 * proxy). TCP cannot be refused, so objects read while the database is down go to the fsynced spool
 * (events_spooled_total) and are replayed when it answers again: every object sent and fully
 * received is stored exactly once. Then a SIGKILL while events sit in the spool: the restarted
 * process replays them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../helpers/wait-for.ts';
import { startServerProcess, tcpPortOf, type ServerProcess } from '../helpers/process.ts';
import { ffJson } from '../helpers/ff-events.ts';
import { metric, notePgSkip, proxiedPg, sleep, tally, tcpCamera, TEST_DATABASE_URL, type ProxiedPg } from './helpers.ts';

const INGESTED = 'events_ingested_total{adapter="ff",instance="default"}';
const objects = (from: number, n: number) => Array.from({ length: n }, (_, k) => JSON.stringify(ffJson(from + k, { carID: `t${from + k}`, sensorProviderID: 'PG-TCP' })));

describe.skipIf(!TEST_DATABASE_URL)('PostgreSQL down during TCP ingest', () => {
  let pg: ProxiedPg;
  const servers: ServerProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'usa-fault-tcp-'));
  afterAll(async () => {
    for (const s of servers) await s.cleanup();
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('objects read while the database is down are spooled and stored once when it returns; a SIGKILL with a full spool loses nothing', async () => {
    pg = await proxiedPg();
    let tcpPort = 0; // the first start chooses it; a restart listens on the same one (the camera reconnects there)
    const start = async () => {
      const s = await startServerProcess({ dir, config: `adapters:\n  - { type: ff, id: default, tcpPort: ${tcpPort}, tcpHost: 127.0.0.1 }\n`, env: { DATABASE_URL: pg.url } });
      servers.push(s);
      tcpPort = tcpPortOf(s);
      return s;
    };
    let server = await start();
    const spoolFiles = () => readdirSync(join(dir, 'data', 'spool')).filter((n) => n.endsWith('.jsonl'));

    // 1. Healthy: 200 objects in one write.
    const cam = await tcpCamera(tcpPort);
    await cam.write(objects(0, 200).join('\n'));
    await waitFor(async () => (await metric(server.base, INGESTED)) === 200, 30_000, '200 stored');

    // 2. Database down: 300 more, in 30 writes over ~3 s; each is read, parsed and spooled.
    pg.proxy.setMode({ kind: 'down' });
    for (let k = 0; k < 30; k++) {
      await cam.write(objects(200 + k * 10, 10).join(''));
      await sleep(100);
    }
    await waitFor(async () => (await metric(server.base, 'events_spooled_total')) === 300, 30_000, '300 spooled');
    const readyWhileDown = await fetch(`${server.base}/ready`).then((r) => r.status);
    const storedWhileDown = (await pg.carCounts()).size;
    const spoolBytesWhileDown = await metric(server.base, 'spool_bytes');
    expect(storedWhileDown).toBe(200);
    expect(spoolBytesWhileDown).toBeGreaterThan(0);

    // 3. Back: the spool is replayed.
    pg.proxy.setMode({ kind: 'pass' });
    const upAt = Date.now();
    await waitFor(async () => (await metric(server.base, INGESTED)) === 500 && (await metric(server.base, 'spool_bytes')) === 0, 60_000, 'spool replayed');
    const replayMs = Date.now() - upAt;
    const replayed = await metric(server.base, 'events_spool_replayed_total');
    const counts1 = await pg.carCounts();
    const t1 = tally(
      objects(0, 500).map((_, i) => `t${i}`),
      counts1,
    );
    expect(t1).toEqual({ stored: 500, duplicates: 0, lost: 0 });
    expect(replayed).toBe(300);
    expect(spoolFiles()).toEqual([]);
    await cam.end();

    // 4. Down again, 150 objects spooled, then SIGKILL; restart on the same DATA_DIR with the database back.
    pg.proxy.setMode({ kind: 'down' });
    const cam2 = await tcpCamera(tcpPort);
    await cam2.write(objects(500, 150).join('\r\n'));
    await waitFor(async () => (await metric(server.base, 'events_spooled_total')) === 450, 30_000, '150 more spooled');
    server.kill('SIGKILL');
    await server.exited;
    const filesAtKill = spoolFiles().length;
    expect(filesAtKill).toBeGreaterThan(0);
    pg.proxy.setMode({ kind: 'pass' });
    server = await start();
    await waitFor(async () => (await pg.carCounts()).size === 650 && spoolFiles().length === 0, 60_000, 'replayed after restart');
    const replayedAfterRestart = await metric(server.base, 'events_spool_replayed_total');
    const counts2 = await pg.carCounts();
    const t2 = tally(
      objects(0, 650).map((_, i) => `t${i}`),
      counts2,
    );

    console.log(
      `pg-down-tcp: sent=650, stored-before-outage=200, spooled-while-down=300 (ready=${readyWhileDown}, stored-while-down=${storedWhileDown}, spool-bytes=${spoolBytesWhileDown}), ` +
        `replayed=${replayed} in ${replayMs}ms, spooled-before-SIGKILL=150 (files=${filesAtKill}), replayed-after-restart=${replayedAfterRestart}, ` +
        `stored=${t2.stored}, duplicates=${t2.duplicates}, lost=${t2.lost}`,
    );
    expect(readyWhileDown).toBe(503);
    expect(replayedAfterRestart).toBe(150);
    expect(t2).toEqual({ stored: 650, duplicates: 0, lost: 0 });
    await cam2.end();
    server.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});

notePgSkip('pg-down-tcp');
