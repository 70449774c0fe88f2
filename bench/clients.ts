/**
 * Subscriber child: `tsx bench/clients.ts` holds many raw WebSocket subscribers (lib/ws-raw.ts), in
 * their own process so they do not share the server's or the runner's CPU time slice. Subscribers
 * belong to a named group (e.g. `ours`, `floor`), so both servers can stay connected while rounds
 * alternate between them.
 * Modes: `gql` speaks graphql-transport-ws (connection_init → ack → subscribe id "1"); `raw` just
 * listens (the bare floor). Commands over IPC: connect, arm + wait, latency, stats, closeAll.
 * One process holds a few thousand subscribers (ulimit -n); lib/client-pool.ts spreads more over
 * several processes.
 * `arm` may name the seqs every subscriber must receive: `wait` then reports, per subscriber, any
 * frame whose seq is not the next expected one (lost, repeated or out of order) — "nothing lost".
 * Closed connections are counted once each, with their close code, per group still held (a socket
 * closed by `closeAll` is not counted against the next run).
 */
import net from 'node:net';
import { failChild, serveChild } from './lib/child.ts';
import { ffLatencyEvents, latencyIndex } from './lib/ff-data.ts';
import { summary } from './lib/stats.ts';
import { RawWs } from './lib/ws-raw.ts';

interface Sub {
  group: string;
  ws: RawWs;
  count: number;
  acked: boolean;
  onAck?: (err?: Error) => void;
  /** Set once when the connection closes: the close frame's code, or 1006 when the TCP connection ended without one. */
  closeCode?: number;
  /** Frames whose seq was not the expected one, since `arm`. */
  wrong: number;
}

const groups = new Map<string, Sub[]>();
/** The armed group: `wait` resolves when each of its subscribers has `target` frames (or has closed). */
let armed: {
  group: string;
  subs: Sub[];
  target: number;
  /** The seqs each subscriber must receive, in this order (absent: frames are only counted). */
  seqs: Float64Array | null;
  reached: number;
  started: number;
  firstWrong: string | null;
  done: Promise<void>;
  resolve(): void;
} | null = null;
let errors: string[] = [];
let checked = 0;
let frames = 0;
/** The first frame received after `arm` (to compare ours and the floor byte for byte). */
let sample: string | null = null;
/** Latency mode: send time per event index, receipts per event, samples (ms). */
let lat: { round: string; sendAt: Float64Array; seen: Uint16Array; samples: number[]; skipBelow: number; stale: number } | null = null;

function check(text: string): string {
  const m = JSON.parse(text) as { type?: string; payload?: { data?: { events?: { seq?: string; plate?: string } } } };
  checked++;
  if (m.type !== 'next' || !m.payload?.data?.events?.seq) {
    if (errors.length < 5) errors.push(text.slice(0, 300));
    return '';
  }
  return m.payload.data.events.plate ?? '';
}

const SEQ = Buffer.from('"seq":"');

/** The `seq` of a next frame (ours and the floor's carry `"seq":"<digits>"`), or -1; no JSON.parse, so 10,000 subscribers cost the client little. */
function seqOf(p: Buffer): number {
  const i = p.indexOf(SEQ);
  if (i < 0) return -1;
  let n = 0;
  let j = i + SEQ.length;
  for (let c = p[j]; c >= 48 && c <= 57; c = p[++j]) n = n * 10 + (c - 48);
  return j > i + SEQ.length && p[j] === 34 ? n : -1;
}

function onData(sub: Sub, payload: Buffer): void {
  frames++;
  const a = armed;
  if (a && sub.group === a.group) {
    if (a.seqs) {
      const want = sub.count < a.seqs.length ? a.seqs[sub.count] : -2;
      const got = seqOf(payload);
      if (got !== want) {
        sub.wrong++;
        a.firstWrong ??= `frame ${sub.count + 1}: seq ${got} where ${want} was due: ${payload.toString('utf8', 0, 200)}`;
      }
    }
    if (++sub.count === a.target && ++a.reached === a.subs.length) a.resolve();
  }
  if (lat) {
    const now = performance.now();
    const plate = check(payload.toString('utf8'));
    const i = latencyIndex(plate, lat.round);
    if (i < 0 || i >= lat.sendAt.length) {
      if (plate.startsWith('LAT')) lat.stale++; // an earlier round's event, later than its grace period
      return;
    }
    lat.seen[i]++;
    if (i >= lat.skipBelow) lat.samples.push(now - lat.sendAt[i]);
  } else if (sub.count === 1 || frames % 997 === 0) {
    const text = payload.toString('utf8');
    sample ??= text;
    check(text);
  }
}

async function open(a: { group: string; port: number; path: string; mode: 'gql' | 'raw'; query?: string }): Promise<void> {
  const sub: Sub = { group: a.group, ws: null as unknown as RawWs, count: 0, acked: a.mode === 'raw', wrong: 0 };
  sub.ws = new RawWs({
    host: '127.0.0.1',
    port: a.port,
    path: a.path,
    protocol: a.mode === 'gql' ? 'graphql-transport-ws' : undefined,
    onText: (p) => {
      if (sub.acked) return onData(sub, p);
      const m = JSON.parse(p.toString('utf8')) as { type: string };
      if (m.type === 'connection_ack') {
        sub.acked = true;
        sub.onAck?.();
      }
    },
    onClose: (code) => {
      if (sub.closeCode !== undefined) return;
      sub.closeCode = code ?? 1006;
      sub.onAck?.(new Error(`closed with ${sub.closeCode} before connection_ack`));
      const a = armed;
      // A subscriber that closed will get nothing more: count it as done, so `wait` does not run into its timeout.
      if (a && sub.group === a.group && sub.count < a.target && ++a.reached === a.subs.length) a.resolve();
    },
  });
  // Generous: thousands of handshakes queue behind each other on a busy 2-core machine.
  await sub.ws.connect(60_000);
  if (a.mode === 'gql') {
    const acked = new Promise<void>((resolve, reject) => (sub.onAck = (err) => (err ? reject(err) : resolve())));
    sub.ws.sendText(JSON.stringify({ type: 'connection_init', payload: {} }));
    await acked;
    sub.onAck = undefined;
    sub.ws.sendText(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: a.query } }));
  }
  if (!groups.has(a.group)) groups.set(a.group, []);
  groups.get(a.group)!.push(sub);
}

function arm(group: string, perClient: number, seqs?: number[]): Promise<void> {
  const subs = groups.get(group) ?? [];
  for (const s of subs) {
    s.count = 0;
    s.wrong = 0;
  }
  frames = 0;
  errors = [];
  checked = 0;
  sample = null;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  if (seqs && seqs.length !== perClient) throw new Error(`arm: ${seqs.length} seqs for ${perClient} frames`);
  const reached = subs.filter((s) => s.closeCode !== undefined).length;
  armed = { group, subs, target: perClient, seqs: seqs ? Float64Array.from(seqs) : null, reached, started: performance.now(), firstWrong: null, done, resolve };
  if (subs.length === reached || perClient === 0) resolve();
  return done;
}

/** Closed connections of the groups held, by close code. */
function closedByCode(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const g of groups.values()) for (const s of g) if (s.closeCode !== undefined) out[s.closeCode] = (out[s.closeCode] ?? 0) + 1;
  return out;
}
const closedCount = () => Object.values(closedByCode()).reduce((a, b) => a + b, 0);

const handlers = {
  connect: async (a: { group: string; port: number; path: string; mode: 'gql' | 'raw'; query?: string; count: number; parallel?: number }) => {
    const parallel = a.parallel ?? 50;
    for (let i = 0; i < a.count; i += parallel) {
      await Promise.all(Array.from({ length: Math.min(parallel, a.count - i) }, () => open(a)));
    }
    return { clients: groups.get(a.group)?.length ?? 0 };
  },
  /**
   * Arms the counters of a group: `wait` resolves once each of its clients has `perClient` more
   * frames (or has closed). With `seqs`, frame k of every client must carry seqs[k].
   */
  arm: (a: { group: string; perClient: number; seqs?: number[] }) => void arm(a.group, a.perClient, a.seqs),
  wait: async (a: { timeoutMs: number }) => {
    const w = armed;
    if (!w) throw new Error('wait without arm');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), a.timeoutMs)));
    const r = await Promise.race([w.done.then(() => 'ok' as const), timeout]);
    clearTimeout(timer);
    armed = null;
    let [minCount, missing, wrong, wrongSubs, closedSubs] = [Number.POSITIVE_INFINITY, 0, 0, 0, 0];
    for (const s of w.subs) {
      minCount = Math.min(minCount, s.count);
      missing += Math.max(0, w.target - s.count);
      wrong += s.wrong;
      if (s.wrong) wrongSubs++;
      if (s.closeCode !== undefined) closedSubs++;
    }
    const complete = missing === 0 && closedSubs === 0 && (!w.seqs || wrong === 0);
    return {
      ok: r === 'ok' && complete,
      ms: performance.now() - w.started,
      subscribers: w.subs.length,
      frames,
      minCount: w.subs.length ? minCount : 0,
      /** Frames due but not received, over all subscribers. */
      missing,
      /** Frames with a seq other than the one due (lost before, repeated or out of order), and on how many subscribers. */
      wrong,
      wrongSubs,
      firstWrong: w.firstWrong,
      checked,
      errors,
      closed: closedCount(),
      closedByCode: closedByCode(),
      sample,
    };
  },
  /**
   * Sends `rate` FF events/s over TCP for `seconds` (camera `BENCH-LAT-<tag>`: a new tag per call, so
   * nothing is a duplicate); returns send→receipt latency (ms) of every delivery to the group.
   */
  latency: async (a: { group: string; tag: string; tcpPort: number; rate: number; seconds: number; warmupSeconds: number; graceMs: number }) => {
    const n = Math.round(a.rate * a.seconds);
    const bufs = ffLatencyEvents(n, `BENCH-LAT-${a.tag}`, a.tag);
    lat = { round: a.tag, sendAt: new Float64Array(n), seen: new Uint16Array(n), samples: [], skipBelow: Math.round(a.rate * a.warmupSeconds), stale: 0 };
    const all = arm(a.group, n);
    const sock = net.connect({ host: '127.0.0.1', port: a.tcpPort });
    sock.setNoDelay(true);
    await new Promise<void>((r, j) => sock.once('connect', r).once('error', j));
    const t0 = performance.now();
    let i = 0;
    await new Promise<void>((done) => {
      const tick = () => {
        const due = Math.min(n, Math.floor(((performance.now() - t0) * a.rate) / 1000) + 1);
        for (; i < due; i++) {
          lat!.sendAt[i] = performance.now();
          sock.write(bufs[i]);
        }
        if (i < n) setTimeout(tick, 1);
        else done();
      };
      tick();
    });
    const sendSeconds = (performance.now() - t0) / 1000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise((r) => (timer = setTimeout(r, a.graceMs)))]);
    clearTimeout(timer);
    armed = null;
    sock.end();
    const { samples, seen, stale } = lat;
    lat = null;
    const expected = n * (groups.get(a.group)?.length ?? 0);
    const received = seen.reduce((x, y) => x + y, 0);
    const rounded = samples.map((x) => Math.round(x * 100) / 100);
    return { events: n, sendSeconds, subscribers: groups.get(a.group)?.length ?? 0, expected, received, stale, errors, ...summary(samples), samples: rounded };
  },
  stats: () => ({ clients: [...groups.values()].reduce((n, g) => n + g.length, 0), closed: closedCount(), closedByCode: closedByCode(), frames }),
  /**
   * Closes every connection (close frame, then the socket after 200 ms) and forgets them. Their
   * close events may come later: they land on Subs no longer held, so they are not counted against
   * the next group (before, a counter reset here could be bumped by a late close: "1 closed").
   */
  closeAll: async () => {
    const all = [...groups.values()].flat();
    groups.clear();
    for (const s of all) s.ws.close();
    await new Promise((r) => setTimeout(r, 200));
    for (const s of all) s.ws.destroy();
  },
};

try {
  serveChild({ pid: process.pid }, handlers, async () => handlers.closeAll());
} catch (e) {
  failChild(e);
}
