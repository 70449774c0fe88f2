/**
 * Shared pieces of the fault tests: a fresh PostgreSQL database behind a fault proxy, /metrics
 * values of a running server, the stored FF events counted per carID, the one-line summaries.
 */
import net from 'node:net';
import { createPostgresDatabase, TEST_DATABASE_URL } from '../helpers/db.ts';
import { TcpFaultProxy } from './tcp-fault-proxy.ts';

export { TEST_DATABASE_URL };

/** Prints why a PostgreSQL-only part is skipped (the suite must pass without TEST_DATABASE_URL). */
export function notePgSkip(what: string): void {
  if (!TEST_DATABASE_URL) console.log(`${what}: skipped (TEST_DATABASE_URL is not set; needs PostgreSQL behind the fault proxy)`);
}

export interface ProxiedPg {
  /** The database as the app sees it: through the proxy. */
  url: string;
  /** The same database, direct (for the test's own queries). */
  directUrl: string;
  proxy: TcpFaultProxy;
  /** Stored FF events: carID → how many rows. */
  carCounts(): Promise<Map<string, number>>;
  drop(): Promise<void>;
}

/** A fresh database on TEST_DATABASE_URL's server, and a fault proxy in front of that server. */
export async function proxiedPg(): Promise<ProxiedPg> {
  const { default: postgres } = await import('postgres');
  const base = new URL(TEST_DATABASE_URL!);
  const created = await createPostgresDatabase('f');
  const direct = new URL(created.url);
  const proxy = await TcpFaultProxy.start({ host: base.hostname, port: Number(base.port || 5432) });
  const via = new URL(direct);
  via.hostname = '127.0.0.1';
  via.port = String(proxy.port);
  const sql = postgres(direct.toString(), { max: 2, onnotice: () => {} });
  return {
    url: via.toString(),
    directUrl: direct.toString(),
    proxy,
    async carCounts() {
      const rows = await sql<Array<{ car: string; n: number }>>`select raw->>'carID' as car, count(*)::int as n from events group by 1`;
      return new Map(rows.map((r) => [r.car, r.n]));
    },
    async drop() {
      await sql.end({ timeout: 5 });
      await proxy.close();
      await created.drop();
    },
  };
}

/** Prometheus text of a server. */
export async function metricsText(base: string): Promise<string> {
  return (await fetch(`${base}/metrics`)).text();
}

/** One series' value in Prometheus text (`name{labels}`), 0 when absent. */
export function metricValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

export const metric = async (base: string, series: string) => metricValue(await metricsText(base), series);

/** Stored FF events of a running server through GraphQL: carID → how many events (for PGlite, where the test cannot open the database). */
export async function carCountsVia(base: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let after: string | null = null;
  for (;;) {
    const r = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'query($a: String) { events(first: 500, after: $a) { edges { node { ... on FfPlateEvent { carId } } } pageInfo { hasNextPage endCursor } } }',
        variables: { a: after },
      }),
    });
    const body = (await r.json()) as { data: { events: { edges: Array<{ node: { carId: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } } } };
    for (const e of body.data.events.edges) counts.set(e.node.carId, (counts.get(e.node.carId) ?? 0) + 1);
    if (!body.data.events.pageInfo.hasNextPage) return counts;
    after = body.data.events.pageInfo.endCursor;
  }
}

/** Invariants over acknowledged ids and stored counts. */
export function tally(acked: Iterable<string>, counts: Map<string, number>) {
  let lost = 0;
  for (const id of acked) if (!counts.get(id)) lost += 1;
  let duplicates = 0;
  let stored = 0;
  for (const n of counts.values()) {
    stored += 1;
    duplicates += n - 1;
  }
  return { stored, duplicates, lost };
}

/** A camera on raw TCP: connect, write, close. */
export async function tcpCamera(port: number): Promise<{ socket: net.Socket; write(text: string | Buffer): Promise<void>; end(): Promise<void> }> {
  const socket = net.connect({ port, host: '127.0.0.1' });
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    write: (text) => new Promise<void>((r) => socket.write(text, () => r())),
    end: () =>
      new Promise<void>((r) => {
        if (socket.destroyed) return r();
        socket.once('close', () => r());
        socket.end();
      }),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
