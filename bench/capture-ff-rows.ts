/**
 * One-off: runs the real app (FF TCP listener) on a fresh PostgreSQL database, sends N bench FF
 * events, and writes the stored rows as eventRowJson-shaped lines (one per row) to OUT.
 * Usage: CAPTURE_DB=postgres://…/db CAPTURE_N=5000 CAPTURE_OUT=/tmp/rows.jsonl tsx bench/capture-ff-rows.ts
 */
import net from 'node:net';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import postgres from 'postgres';
import { createApp } from '../src/app.ts';
import { validateConfig } from '../src/core/config/load.ts';
import { ffTcpStreams } from './lib/ff-data.ts';

const url = process.env.CAPTURE_DB!;
const n = Number(process.env.CAPTURE_N ?? 5000);
const out = process.env.CAPTURE_OUT ?? '/tmp/rows.jsonl';
const config = validateConfig({ adapters: [{ type: 'ff', id: 'default', tcpPort: 0, tcpHost: '127.0.0.1' }] }, process.env);
const app = await createApp({ env: { port: 0, host: '127.0.0.1', dataDir: mkdtempSync(join(tmpdir(), 'cap-')), databaseUrl: url, logLevel: 'error' }, config, log: pino({ level: 'error' }) });
await app.listen();
const tcpPort = (app.registry.find('ff', 'default')?.running as { tcpPort?: number } | null)?.tcpPort;
const data = ffTcpStreams(n, 2, 'CAP');
await Promise.all(
  data.streams.map(async (bufs) => {
    const sock = net.connect({ host: '127.0.0.1', port: tcpPort! });
    await once(sock, 'connect');
    for (const b of bufs) if (!sock.write(b)) await once(sock, 'drain');
    await new Promise<void>((r) => sock.end(r));
  }),
);
const sql = postgres(url, { max: 1 });
for (;;) {
  const [r] = await sql`select count(*)::int as n from events`;
  if (r.n >= n) break;
  await new Promise((r) => setTimeout(r, 200));
}
const rows = await sql`select json_build_object('type_name', type_name, 'kind', kind, 'vendor_type', vendor_type, 'occurred_at', occurred_at, 'received_at', received_at,
  'adapter', adapter, 'instance', instance, 'camera_id', camera_id, 'dedupe_key', dedupe_key, 'plate_normalized', plate_normalized, 'track_id', track_id,
  'plate', plate, 'analytics', analytics, 'data', data, 'raw', raw, 'media', media, 'list_matches', list_matches)::text as j from events order by seq`;
writeFileSync(out, `${rows.map((r) => r.j).join('\n')}\n`);
console.log(`wrote ${rows.length} rows to ${out}`);
await sql.end();
await app.close();
process.exit(0);
