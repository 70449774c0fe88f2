/**
 * Poisoned events never stop ingest (a real server process; PostgreSQL when TEST_DATABASE_URL is set,
 * else PGlite). Over HTTP and TCP, valid FF events are interleaved with poisoned ones (a
 * 12,000-character plate, device id or carID, a 10 MB plate, an 11 MB extra field, an unterminated
 * object): every valid one is answered 2xx and stored, every poisoned one is refused 4xx (HTTP) or
 * skipped and counted (TCP), and no log line grows with them. Then a spool left by an earlier run
 * with rows the database refuses between valid ones: after the restart it drains completely, the
 * refused rows dropped and counted, never retried.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../helpers/wait-for.ts';
import { createPostgresDatabase } from '../helpers/db.ts';
import { startServerProcess, tcpPortOf, type ServerProcess } from '../helpers/process.ts';
import { ffJson, postFf } from '../helpers/ff-events.ts';
import { eventRowJson } from '../../src/core/db/event-insert.ts';
import { carCountsVia, metric, tcpCamera, TEST_DATABASE_URL } from './helpers.ts';

const SRC = '{adapter="ff",instance="default"}';
const rejected = (code: string) => `events_rejected_total{adapter="ff",instance="default",code="${code}"}`;
/** Does not compress: too large for a btree index row whatever the database does with it. */
const incompressible = (chars: number) =>
  randomBytes(Math.ceil((chars * 3) / 4))
    .toString('base64')
    .slice(0, chars);

/** The poisoned events of the issue, as FF JSON. */
const poisons = (i: number): Array<[string, Record<string, unknown>]> => [
  ['plate 12k', ffJson(i, { carID: `p${i}a`, plateText: incompressible(12_000) })],
  ['device 12k', ffJson(i, { carID: `p${i}b`, sensorProviderID: incompressible(12_000) })],
  ['carID 12k', ffJson(i, { carID: incompressible(12_000) })],
];
const HUGE: Array<[string, Record<string, unknown>]> = [
  ['plate 10 MB', ffJson(9_000, { carID: 'huge-a', plateText: 'A'.repeat(10 * 1024 * 1024) })],
  ['extra 11 MB', ffJson(9_001, { carID: 'huge-b', extra: 'x'.repeat(11 * 1024 * 1024) })],
];

describe('poisoned events', () => {
  const dir = mkdtempSync(join(tmpdir(), 'usa-fault-poison-'));
  const servers: ServerProcess[] = [];
  let dropDb: (() => Promise<void>) | undefined;
  afterAll(async () => {
    for (const s of servers) await s.cleanup();
    await dropDb?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('valid events keep flowing around poisoned ones (HTTP and TCP); a spool with refused rows drains after a restart', async () => {
    const env: Record<string, string> = {};
    if (TEST_DATABASE_URL) {
      const created = await createPostgresDatabase('poison');
      env.DATABASE_URL = created.url;
      dropDb = created.drop;
    }
    let tcpPort = 0; // the first start chooses it; a restart listens on the same one (the camera reconnects there)
    const start = async () => {
      const s = await startServerProcess({ dir, config: `adapters:\n  - { type: ff, id: default, tcpPort: ${tcpPort}, tcpHost: 127.0.0.1 }\n`, env });
      servers.push(s);
      tcpPort = tcpPortOf(s);
      return s;
    };
    let server = await start();
    const began = Date.now();

    // 1. HTTP: 200 valid events, 10 at a time, with the poisoned ones in between.
    const httpStatus = { valid: new Map<number, number>(), poison: new Map<string, number>() };
    const jobs: Array<() => Promise<void>> = [];
    for (let i = 0; i < 200; i++) {
      jobs.push(async () => void httpStatus.valid.set(i, (await postFf(server.base, ffJson(i, { carID: `h${i}`, sensorProviderID: 'POISON-HTTP' }))).status));
      if (i % 20 === 0) for (const [what, json] of poisons(i)) jobs.push(async () => void httpStatus.poison.set(`${what} #${i}`, (await postFf(server.base, json)).status));
    }
    for (const [what, json] of HUGE) jobs.push(async () => void httpStatus.poison.set(what, (await postFf(server.base, json)).status));
    for (let k = 0; k < jobs.length; k += 10) await Promise.all(jobs.slice(k, k + 10).map((j) => j()));
    const httpMs = Date.now() - began;
    const validCodes = new Set(httpStatus.valid.values());
    const poisonCodes = [...httpStatus.poison.entries()];
    expect([...validCodes]).toEqual([200]);
    expect(poisonCodes.filter(([, s]) => s < 400 || s >= 500)).toEqual([]);
    expect(httpStatus.poison.get('plate 10 MB')).toBe(413);
    expect(httpStatus.poison.get('extra 11 MB')).toBe(413);

    // 2. TCP: 200 valid objects with poisoned ones and an unterminated object in between, one connection.
    const cam = await tcpCamera(tcpPort);
    let tcpPoisons = 0;
    for (let i = 0; i < 200; i++) {
      await cam.write(`${JSON.stringify(ffJson(1000 + i, { carID: `t${i}`, sensorProviderID: 'POISON-TCP' }))}\r\n`);
      if (i % 20 === 10) {
        for (const [, json] of poisons(1000 + i)) await cam.write(`${JSON.stringify(json)}\r\n`);
        await cam.write('{"oops": \n');
        tcpPoisons += 3;
      }
    }
    await cam.write(`${JSON.stringify(HUGE[0][1])}\r\n`); // over limits.maxObjectBytes: skipped as oversize
    tcpPoisons += 1;
    await cam.end();
    await waitFor(async () => [...(await carCountsVia(server.base)).keys()].filter((c) => /^[ht]\d+$/.test(c)).length === 400, 60_000, '400 valid events stored');
    const counts = await carCountsVia(server.base);
    const stored = [...counts.entries()].filter(([c]) => /^[ht]\d+$/.test(c));
    expect(stored.every(([, n]) => n === 1)).toBe(true);
    const tcpRejected = (await metric(server.base, rejected('BAD_USER_INPUT'))) + (await metric(server.base, rejected('PAYLOAD_TOO_LARGE')));
    const ingestMs = Date.now() - began;
    expect(tcpRejected).toBe(poisonCodes.length + tcpPoisons);
    expect(await metric(server.base, 'db_write_errors_total')).toBe(0);
    expect(await metric(server.base, 'events_spooled_total')).toBe(0);
    server.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const longestLogLine = Math.max(
      ...server
        .out()
        .split('\n')
        .map((l) => l.length),
    );
    expect(longestLogLine).toBeLessThan(16_384);

    // 3. A spool from an earlier run: 60 rows, two of which the database refuses (index rows too large).
    const spoolDir = join(dir, 'data', 'spool');
    mkdirSync(spoolDir, { recursive: true });
    const T = new Date('2024-06-14T10:00:00.000Z');
    const line = (i: number, poison: 'plate' | 'track' | null) =>
      `{"r":${eventRowJson({
        typeName: 'FfPlateEvent',
        kind: 'PLATE_READ',
        vendorType: 'new',
        occurredAt: T,
        receivedAt: T,
        adapter: 'ff',
        instance: 'default',
        cameraId: null,
        dedupeKey: `spool-${i}`,
        plateNormalized: poison === 'plate' ? incompressible(12_000) : `S${i}`,
        trackId: poison === 'track' ? incompressible(12_000) : `SPOOL:s${i}`,
        plate: { plate: `S${i}`, plateNormalized: `S${i}`, direction: 'IN', phase: 'NEW' },
        analytics: null,
        data: { carId: `s${i}`, deviceId: 'SPOOL' },
        raw: { carID: `s${i}` },
        media: [],
      })},"m":[],"c":null}\n`;
    const lines = Array.from({ length: 60 }, (_, i) => line(i, i === 7 ? 'plate' : i === 31 ? 'track' : null));
    writeFileSync(join(spoolDir, '00000100.jsonl'), lines.slice(0, 40).join(''));
    writeFileSync(join(spoolDir, '00000101.jsonl'), lines.slice(40).join(''));
    server = await start();
    await waitFor(() => readdirSync(spoolDir).filter((n) => n.endsWith('.jsonl')).length === 0, 60_000, 'spool drained');
    const spooled = [...(await carCountsVia(server.base)).entries()].filter(([c]) => /^s\d+$/.test(c));
    const skippedRefused = await metric(server.base, 'spool_skipped_total{reason="refused"}');
    const refused = await metric(server.base, `events_refused_total${SRC}`);
    const replayed = await metric(server.base, 'events_spool_replayed_total');

    console.log(
      `poison-event (${TEST_DATABASE_URL ? 'postgres' : 'pglite'}): http valid=200 (all 200 OK), http poisoned=${poisonCodes.length} (${[...new Set(poisonCodes.map(([, s]) => s))].sort().join('/')}) in ${httpMs}ms; ` +
        `tcp valid=200, tcp poisoned=${tcpPoisons} + 10 unterminated; stored=${stored.length}, duplicates=${stored.filter(([, n]) => n > 1).length}, rejected=${tcpRejected}, ` +
        `db-errors=0, spooled=0, longest-log-line=${longestLogLine}B, all in ${ingestMs}ms; ` +
        `spool: lines=60, poisoned=2, replayed=${replayed}, refused=${refused}, skipped=${skippedRefused}, stored=${spooled.length}, files-left=0`,
    );
    expect(spooled.length).toBe(58);
    expect([replayed, refused, skippedRefused]).toEqual([58, 2, 2]);
    server.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});
