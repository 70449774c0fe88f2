/**
 * Plate lists at ingest: FF TCP ingest (the ff-tcp harness: same events, same sender, committed
 * rows) on two app servers in the same run: one with 100,000 plate list entries loaded (an ALLOW
 * list, maxDistance 1: the symmetric-delete index) and one with no lists. Most reads match nothing;
 * PLATE_LIST_HIT_SHARE of the sent plates are in the list (some exactly, some one edit away).
 * Alternating rounds, median shown; the "floor" is the no-list server. Target ≥ 0.8×.
 */
import type { Benchmark, BenchContext } from './lib/context.ts';
import { startServer } from './lib/context.ts';
import { log, scaled } from './lib/env.ts';
import { ffTcpStreams } from './lib/ff-data.ts';
import { ratio, type ResultRow } from './lib/report.ts';
import { alternate, medianOf, ROUNDS, roundsNote } from './lib/rounds.ts';
import { fmt, perSec } from './lib/stats.ts';
import { sender } from './ff-tcp.ts';

export const LIST_ENTRIES = 100_000;
/** Share of sent plates put in the list (half as they are, half with one character changed). */
const PLATE_LIST_HIT_SHARE = 0.05;

/** `n` distinct plates unlike the simulator's (a seeded LCG over letters and digits). */
function randomPlates(n: number, seed = 12345): string[] {
  const alphabet = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';
  const out = new Set<string>();
  let s = seed >>> 0;
  while (out.size < n) {
    let p = 'L';
    for (let i = 0; i < 7; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      p += alphabet[(s >>> 16) % alphabet.length];
    }
    out.add(p);
  }
  return [...out];
}

async function run(ctx: BenchContext): Promise<ResultRow[]> {
  const n = scaled(30_000, 1000);
  const per = Math.ceil(n / ROUNDS);
  const conns = Math.min(4, Math.max(1, Number(process.env.BENCH_TCP_CONNECTIONS ?? 2)));
  const roundsWith = Array.from({ length: ROUNDS }, (_, r) => ffTcpStreams(per, conns, `L${r}`));
  const roundsWithout = Array.from({ length: ROUNDS }, (_, r) => ffTcpStreams(per, conns, `N${r}`));

  // The list: sent plates (every 1/share-th: exact, or one character changed), filled up with random ones.
  const sent = [...new Set(roundsWith.flatMap((r) => r.plates))];
  const step = Math.max(1, Math.round(1 / PLATE_LIST_HIT_SHARE));
  const hits = sent.filter((_, i) => i % step === 0).map((p, i) => (i % 2 ? p : `${p.slice(0, -1)}X`));
  const plates = [...hits, ...randomPlates(LIST_ENTRIES - hits.length)];
  log(`plate-lists: ${ROUNDS} × ${fmt(per)} events per server over ${conns} connection(s); ${fmt(plates.length)} list entries (ALLOW, maxDistance 1), ${fmt(hits.length)} of them from sent plates`);

  const withLists = await startServer(ctx, 'app', 'lists');
  const without = await startServer(ctx, 'app', 'nolists');
  const [o, f] = [sender(withLists), sender(without)];
  try {
    const loaded = await withLists.server.call<{ size: number; seconds: number }>('loadPlateList', { plates, maxDistance: 1 });
    log(`  list loaded through the services (addPlates, 10,000 per call): ${fmt(loaded.size)} entries in ${fmt(loaded.seconds)} s`);
    await withLists.server.call('resetLoopDelay');
    const r = await alternate(
      ROUNDS,
      (i) => o.round(roundsWith[i]),
      (i) => f.round(roundsWithout[i]),
    );
    const st = await withLists.server.call<Record<string, number>>('stats');
    const ours = medianOf(r.ours);
    const floor = medianOf(r.floor);
    const line = (x: typeof ours, all: Array<typeof ours>) => `${perSec(x.rate, 'events')} (rounds: ${all.map((y) => fmt(y.rate)).join(', ')}; server CPU ${fmt(x.cpu * 100, 0)}%)`;
    log(`  100k list entries: ${line(ours, r.ours)}; list matches stored ${fmt(st.listMatched ?? 0)}, longest event loop delay during the rounds ${fmt(st.loopDelayMaxMs, 0)} ms`);
    log(`  no lists         : ${line(floor, r.floor)}`);
    return [
      {
        benchmark: 'FF TCP ingest with 100,000 list entries (vs none)',
        ours: perSec(ours.rate, 'ev'),
        floor: `${perSec(floor.rate, 'ev')} (no lists)`,
        ratio: ratio(ours.rate, floor.rate),
        target: '≥ 0.8× of no lists',
        pass: ours.rate >= 0.8 * floor.rate,
        values: {
          eventsPerRound: per,
          rounds: ROUNDS,
          method: roundsNote(ROUNDS),
          connections: conns,
          listEntries: plates.length,
          listHits: hits.length,
          ours: r.ours,
          floor: r.floor,
          serverStats: st,
        },
      },
    ];
  } finally {
    await o.close();
    await f.close();
    await withLists.stop();
    await without.stop();
  }
}

export const plateLists: Benchmark = { name: 'plate-lists', title: 'FF TCP ingest with 100,000 plate list entries vs none', run };
