/**
 * SIGKILL of the real server process in the middle of a webhook delivery (the receiver holds the
 * request open): after a restart on the same DATA_DIR (PGlite) or database (PostgreSQL), every
 * event is delivered, in order; the one in flight at the kill may come twice, with the same
 * webhook-id, so a receiver dedupes it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ffJson } from '../helpers/ff-events.ts';
import { startServerProcess, type ServerProcess } from '../helpers/process.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { notePgSkip, proxiedPg, TEST_DATABASE_URL } from './helpers.ts';

const SECRET = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
const EVENTS = 8;
const HANG_AT = 4; // the 5th request is held open when the server is killed

const variants: Array<{ name: string; database: () => Promise<{ url?: string; drop(): Promise<void> }> }> = [
  { name: 'pglite', database: async () => ({ url: undefined, drop: async () => {} }) },
  ...(TEST_DATABASE_URL
    ? [
        {
          name: 'postgres',
          database: async () => {
            const pg = await proxiedPg();
            return { url: pg.directUrl, drop: () => pg.drop() };
          },
        },
      ]
    : []),
];
notePgSkip('sigkill-sink(postgres)');

for (const v of variants) {
  describe(`SIGKILL mid-delivery of a webhook sink (${v.name})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'usa-fault-sink-'));
    const servers: ServerProcess[] = [];
    let rx: WebhookReceiver | null = null;
    let drop = async () => {};
    afterAll(async () => {
      for (const s of servers) await s.cleanup();
      await rx?.close();
      await drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('after the restart nothing is missing, order is kept, a repeat has the same webhook-id', async () => {
      const db = await v.database();
      drop = db.drop;
      rx = await WebhookReceiver.start();
      rx.setSecret(SECRET);
      rx.behave = (n) => (n === HANG_AT ? 'hang' : 200);
      const config = [
        'adapters:\n  - { type: ff, id: default, tcpPort: 0 }',
        'outbound:\n  allowHosts: ["127.0.0.1"]',
        `sinks:\n  - { kind: WEBHOOK, name: fault, url: "${rx.url}", secret: "\${WH_SECRET}" }`,
        '',
      ].join('\n');
      const start = async () => {
        const s = await startServerProcess({ dir, config, env: { DATABASE_URL: db.url, WH_SECRET: SECRET }, readyTimeoutMs: 150_000 });
        servers.push(s);
        return s;
      };
      const first = await start();
      const seqs: string[] = [];
      for (let i = 0; i < EVENTS; i++) {
        const res = await fetch(`${first.base}/adapters/ff/default/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ffJson(i + 1)) });
        expect(res.status).toBe(200);
        seqs.push(String(((await res.json()) as { seq: number | string }).seq));
      }
      // Deliveries after the held one may already be on the wire (the sink pipelines up to
      // outbound.sinkMaxInFlight); the receiver answers none of them before the held one, so they
      // count as undelivered and must come again after the restart.
      await waitFor(() => rx!.requests.length >= HANG_AT + 1, 20_000, 'the delivery held open');
      first.kill('SIGKILL');
      await first.exited;
      const beforeRestart = rx.requests.length;
      rx.behave = () => 200;

      await start();
      const undelivered = seqs.slice(HANG_AT);
      await waitFor(
        () => {
          const after = new Set(rx!.requests.slice(beforeRestart).map((q) => q.seq));
          return undelivered.every((s) => after.has(s));
        },
        30_000,
        'every event from the held one on delivered after the restart',
      );
      const firstSeen = [...new Set(rx.requests.map((q) => q.seq))];
      expect(firstSeen).toEqual(seqs); // in order, nothing missing
      const ids = new Map<string, Set<string>>();
      for (const q of rx.requests) ids.set(q.seq, (ids.get(q.seq) ?? new Set()).add(q.id));
      expect([...ids.values()].every((s) => s.size === 1)).toBe(true); // a repeat has the same webhook-id
      expect(rx.requests.every((q) => q.verified)).toBe(true);
    });
  });
}
