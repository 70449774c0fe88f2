/**
 * Webhook receiver child: `tsx bench/receiver.ts` answers every POST 200 `ok` (node:http, keep-alive)
 * and counts them, in its own process so that neither the sink's server nor the floor's client shares
 * its CPU time slice (bench/sinks.ts). Commands over IPC (lib/child.ts):
 *   reset {keep}   count from 0 again; keep: also keep the bodies received (for the floor to resend)
 *   wait {n}       resolves once n requests have been received since the reset
 *   stats          count, epoch ms of the first and the latest request since the reset (lib/env.ts epochMs),
 *                  and the stalls: gaps of at least STALL_MS between two requests, how many and their total ms
 *   bodies         the bodies kept since the reset, in the order received
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { failChild, serveChild } from './lib/child.ts';
import { epochMs } from './lib/env.ts';

/** A gap between two requests at least this long is a stall (a sink's batch boundary, a descheduled process). */
const STALL_MS = 5;

let count = 0;
let stalls = 0;
let stalledMs = 0;
let first = 0;
let last = 0;
let keep = false;
let bodies: string[] = [];
let waiting: { n: number; resolve(): void } | null = null;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const now = epochMs();
    if (count > 0 && now - last >= STALL_MS) {
      stalls++;
      stalledMs += now - last;
    }
    last = now;
    if (count++ === 0) first = last;
    if (keep) bodies.push(Buffer.concat(chunks).toString('utf8'));
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
    if (waiting && count >= waiting.n) {
      waiting.resolve();
      waiting = null;
    }
  });
});
server.keepAliveTimeout = 10_000;

async function main(): Promise<void> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  serveChild(
    { url, pid: process.pid },
    {
      reset: (a: { keep?: boolean }) => {
        count = stalls = stalledMs = 0;
        first = last = 0;
        keep = a?.keep ?? false;
        bodies = [];
        return true;
      },
      wait: (a: { n: number }) => (count >= a.n ? true : new Promise<boolean>((resolve) => (waiting = { n: a.n, resolve: () => resolve(true) }))),
      stats: () => ({ count, first, last, stalls, stalledMs }),
      bodies: () => bodies,
    },
    async () => {
      server.closeAllConnections();
      server.close();
    },
  );
}

main().catch(failChild);
