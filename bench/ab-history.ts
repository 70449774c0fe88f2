/**
 * A/B of the server's CPU per history request (not part of `npm run bench`): starts the bench `app`
 * server of two source trees on the seeded history database and sends the same requests to each in
 * alternating blocks, so both see the same load. Prints CPU ms/request per tree and shape.
 *   npx tsx bench/ab-history.ts /path/to/treeA /path/to/treeB[?NODE_OPTIONS=…] [rounds=6] [perBlock=40]
 */
import { Pool } from 'undici';
import postgres from 'postgres';
import { QUERY } from './history.ts';

const [treeA, treeB, roundsArg, blockArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 6);
const perBlock = Number(blockArg ?? 40);
const url = `postgres://postgres@127.0.0.1:5432/${process.env.BENCH_HISTORY_DB ?? 'bench_history_s9'}`;

/** `tree` or `tree?NAME=value&…`: that server's extra environment (e.g. NODE_OPTIONS). */
async function start(spec: string) {
  const [tree, query] = spec.split('?');
  const env = Object.fromEntries(new URLSearchParams(query ?? ''));
  const { startChild } = (await import(`${tree}/bench/lib/child.ts`)) as typeof import('./lib/child.ts');
  const child = await startChild<{ port: number }>('server.ts', ['app'], { name: spec, readyTimeoutMs: 180_000, env: { ...env, BENCH_DB_URL: url } });
  const port = (child.info as unknown as { port: number }).port;
  return { tree: spec, child, pool: new Pool(`http://127.0.0.1:${port}`, { connections: 1 }) };
}

const sql = postgres(url, { max: 1 });
const plates = (await sql`select plate_normalized as p from events where seq % 1009 = 0 and plate_normalized is not null limit 200`).map((x) => x.p as string);
await sql.end();
const shapes: Array<[string, (i: number) => unknown]> = [
  ['no filter', () => null],
  ['plate exact', (i) => ({ plate: plates[i % plates.length] })],
  ['cameraIds', (i) => ({ cameraIds: [`ff/default/CAM-${String(i % 40).padStart(2, '0')}`] })],
];
const servers = [await start(treeA), await start(treeB)];
const cpu: Record<string, number[]> = {};
let bytes = 0;
for (let r = 0; r < rounds; r++) {
  for (const [name, make] of shapes) {
    for (const s of r % 2 ? [...servers].reverse() : servers) {
      const send = async (i: number) => {
        const res = await s.pool.request({ path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY, variables: { filter: make(i) } }) });
        const text = await res.body.text();
        if (res.statusCode !== 200 || text.includes('"errors"')) throw new Error(text.slice(0, 300));
        bytes = text.length;
      };
      for (let i = 0; i < 5; i++) await send(i);
      const c0 = await s.child.call<NodeJS.CpuUsage>('cpu');
      for (let i = 0; i < perBlock; i++) await send(r * perBlock + i);
      const c1 = await s.child.call<NodeJS.CpuUsage>('cpu');
      (cpu[`${name} | ${s.tree}`] ??= []).push((c1.user + c1.system - c0.user - c0.system) / 1000 / perBlock);
    }
  }
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const q = (a: number[], f: number) => [...a].sort((x, y) => x - y)[Math.floor((a.length - 1) * f)];
// Interference from other processes only adds CPU time: the low quantiles are the steadier figures.
for (const [k, v] of Object.entries(cpu)) console.log(`${k.padEnd(60)} min ${q(v, 0).toFixed(2)} p25 ${q(v, 0.25).toFixed(2)} median ${med(v).toFixed(2)} ms/req`);
// Same round, same shape: B's CPU over A's (the load is shared, so the ratio is the steadier figure).
for (const [name] of shapes) {
  const a = cpu[`${name} | ${treeA}`];
  const b = cpu[`${name} | ${treeB}`];
  const r = a.map((x, i) => b[i] / x);
  console.log(`${name.padEnd(14)} B/A median ${med(r).toFixed(3)}  sum B/sum A ${(b.reduce((s, x) => s + x, 0) / a.reduce((s, x) => s + x, 0)).toFixed(3)}  [${r.map((x) => x.toFixed(2)).join(' ')}]`);
}
console.log('last body bytes', bytes);
for (const s of servers) {
  await s.pool.close();
  await s.child.stop();
}
