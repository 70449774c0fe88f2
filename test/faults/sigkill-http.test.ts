/**
 * SIGKILL of the real server process in the middle of FF HTTP ingest: every event that got a 2xx is
 * in the database after a restart on the same DATA_DIR (PGlite) or database (PostgreSQL). Events
 * in flight at the kill may or may not be stored (their cameras got no answer and re-send).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess, type ServerProcess } from '../helpers/process.ts';
import { ffJson } from '../helpers/ff-events.ts';
import { carCountsVia, notePgSkip, proxiedPg, tally, TEST_DATABASE_URL, type ProxiedPg } from './helpers.ts';

const WORKERS = 6;
const KILL_AFTER_ACKS = 150;

const variants: Array<{ name: string; database: () => Promise<{ url?: string; drop(): Promise<void> }> }> = [
  { name: 'pglite', database: async () => ({ url: undefined, drop: async () => {} }) },
  ...(TEST_DATABASE_URL
    ? [
        {
          name: 'postgres',
          database: async () => {
            const pg: ProxiedPg = await proxiedPg();
            return { url: pg.directUrl, drop: () => pg.drop() };
          },
        },
      ]
    : []),
];
notePgSkip('sigkill-http(postgres)');

for (const v of variants) {
  describe(`SIGKILL mid-ingest over HTTP (${v.name})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'usa-fault-kill-'));
    const servers: ServerProcess[] = [];
    let drop = async () => {};
    afterAll(async () => {
      for (const s of servers) await s.cleanup();
      await drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('every event answered 2xx is stored after the restart, once', async () => {
      const db = await v.database();
      drop = db.drop;
      const start = async () => {
        const s = await startServerProcess({ dir, config: 'adapters:\n  - { type: ff, id: default }\n', env: { DATABASE_URL: db.url } });
        servers.push(s);
        return s;
      };
      const first = await start();
      const url = `${first.base}/adapters/ff/default/events`;
      const acked = new Set<string>();
      const c = { sent: 0, failed: 0 };
      let killedAt = 0;
      let next = 0;
      const camera = async () => {
        for (;;) {
          const id = `k${next++}`;
          c.sent += 1;
          try {
            const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ffJson(next, { carID: id, sensorProviderID: 'KILL' })) });
            await r.body?.cancel();
            if (r.ok) acked.add(id);
            else c.failed += 1;
          } catch {
            c.failed += 1; // the connection died with the process: no answer, not acknowledged
            return;
          }
          if (!killedAt && acked.size >= KILL_AFTER_ACKS) {
            killedAt = Date.now();
            first.kill('SIGKILL');
          }
        }
      };
      await Promise.all(Array.from({ length: WORKERS }, () => camera()));
      expect(await first.exited).toBeNull(); // killed by the signal
      expect(first.child.signalCode).toBe('SIGKILL');

      const second = await start();
      const counts = await carCountsVia(second.base);
      const t = tally(acked, counts);
      const unackedStored = [...counts.keys()].filter((k) => !acked.has(k)).length;
      console.log(
        `sigkill-http(${v.name}): sent=${c.sent}, acked=${acked.size}, no-answer=${c.failed}, stored-after-restart=${t.stored}, ` +
          `stored-without-answer=${unackedStored}, duplicates=${t.duplicates}, lost=${t.lost}`,
      );
      expect(acked.size).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
      expect(t.lost).toBe(0);
      expect(t.duplicates).toBe(0);
      second.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    });
  });
}
