/**
 * Costly GraphQL requests against a real server process (issue 11, "Cost"): wall time seen by the
 * client, server CPU until it is idle again (execution that goes on after the client gave up),
 * and server RSS (now and peak, from /proc).
 *
 *   npx tsx bench/graphql-cost.ts            (PGlite in a temp DATA_DIR; EVENTS=3000,
 *                                            CASES=nested,allowed,nodes60k,nodes20k by default)
 *
 * Cases: the nested `events(first:100){…camera{events(first:100){…camera{events(first:100)…`
 * from an events:read key (the client gives up after CLIENT_TIMEOUT_MS), and `nodes(ids:)` with
 * 60k ids (global ids: ~1.6 MB body) and 20k ids (~0.5 MB, under the body cap).
 */
import { readFileSync } from 'node:fs';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { startServerProcess } from '../test/helpers/process.ts';
import { ffJson, postFf } from '../test/helpers/ff-events.ts';

const KEY = 'bench-read-key-0123456789';
const EVENTS = Number(process.env.EVENTS ?? 3000);
const CAMERAS = 5;
const CLIENT_TIMEOUT_MS = Number(process.env.CLIENT_TIMEOUT_MS ?? 30_000);
const IDLE_TIMEOUT_MS = 240_000;

const procStatus = (pid: number, field: string) =>
  Number(
    /(\d+) kB/.exec(
      readFileSync(`/proc/${pid}/status`, 'utf8')
        .split('\n')
        .find((l) => l.startsWith(field)) ?? '',
    )?.[1] ?? 0,
  ) * 1024;
const cpuMs = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, USER_HZ = 100
};
const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const server = await startServerProcess({
    config: `auth:\n  apiKeys:\n    - { key: "${KEY}", scopes: [events:read, events:write] }\nadapters:\n  - { type: ff, id: default }\n`,
    readyTimeoutMs: 120_000,
  });
  const pid = server.child.pid!;
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = next++; i < EVENTS; i = next++) {
          const r = await postFf(server.base, ffJson(i, { sensorProviderID: `CAM-${i % CAMERAS}` }));
          if (r.status !== 200) throw new Error(`ingest ${i}: ${r.status} ${JSON.stringify(r.body)}`);
        }
      }),
    );
    console.log(`seeded ${EVENTS} events on ${CAMERAS} cameras; server RSS ${mb(procStatus(pid, 'VmRSS'))}`);

    const run = async (name: string, query: string, variables?: Record<string, unknown>) => {
      const rssBefore = procStatus(pid, 'VmRSS');
      const cpu0 = cpuMs(pid);
      const t0 = performance.now();
      let outcome: string;
      try {
        const res = await fetch(`${server.base}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
        });
        const text = await res.text();
        const code = /"code":"([A-Z_]+)"/.exec(text)?.[1];
        outcome = `HTTP ${res.status}${code ? ` ${code}` : ''}, ${text.length} bytes`;
      } catch (e) {
        outcome = `client gave up (${(e as Error).name})`;
      }
      const wall = performance.now() - t0;
      // Busy until a whole second passes with < 50 ms of server CPU.
      let last = cpuMs(pid);
      const idleDeadline = Date.now() + IDLE_TIMEOUT_MS;
      let stillBusy = false;
      for (;;) {
        await sleep(1000);
        const now = cpuMs(pid);
        if (now - last < 50) break;
        if (Date.now() > idleDeadline) {
          stillBusy = true;
          break;
        }
        last = now;
      }
      const busy = performance.now() - t0 - (stillBusy ? 0 : 1000);
      console.log(
        `${name}: ${outcome}; client wall ${(wall / 1000).toFixed(2)} s; server busy ${stillBusy ? '≥' : '~'}${(busy / 1000).toFixed(1)} s${stillBusy ? ' (still busy; stopped waiting)' : ''}, CPU ${((cpuMs(pid) - cpu0) / 1000).toFixed(1)} s; RSS ${mb(rssBefore)} → ${mb(procStatus(pid, 'VmRSS'))} (peak ${mb(procStatus(pid, 'VmHWM'))})`,
      );
    };

    const nested = `{ events(first: 100) { edges { node { seq camera { events(first: 100) { edges { node { seq camera { events(first: 100) { edges { node { seq raw } } } } } } } } } } } }`;
    const cases = new Set((process.env.CASES ?? 'nested,allowed,nodes60k,nodes20k').split(','));
    if (cases.has('nested')) await run('nested events(first:100)³', nested);
    const ids = (n: number) => Array.from({ length: n }, (_, i) => encodeGlobalID('FfPlateEvent', String(i + 1)));
    const nodes = 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }';
    // Under the default maxCost (cost 31,310): what an allowed nested query costs the server.
    const allowed = `{ events(first: 100) { edges { node { seq camera { events(first: 100) { edges { node { seq } } } } } } } }`;
    if (cases.has('allowed')) await run('allowed events(first:100){…camera{events(first:100)}}', allowed);
    if (cases.has('nodes60k')) await run('nodes(ids:) × 60000', nodes, { ids: ids(60_000) });
    if (cases.has('nodes20k')) await run('nodes(ids:) × 20000', nodes, { ids: ids(20_000) });
  } finally {
    await server.cleanup();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
