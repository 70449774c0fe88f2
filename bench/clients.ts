/**
 * Subscriber child: `tsx bench/clients.ts` holds many raw WebSocket subscribers (lib/ws-raw.ts), in
 * their own process so they do not share the server's or the runner's CPU time slice. Subscribers
 * belong to a named group (e.g. `ours`, `floor`), so both servers can stay connected while rounds
 * alternate between them.
 * Modes: `gql` speaks graphql-transport-ws (connection_init → ack → subscribe id "1"); `raw` just
 * listens (the bare floor). Commands over IPC: connect, arm + wait, latency, stats, closeAll.
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
  onAck?: () => void;
}

const groups = new Map<string, Sub[]>();
let closed = 0;
/** The armed group: `wait` resolves when each of its subscribers has `target` frames. */
let armed: { group: string; subs: Sub[]; target: number; reached: number; started: number; done: Promise<void>; resolve(): void } | null = null;
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

function onData(sub: Sub, payload: Buffer): void {
  frames++;
  const a = armed;
  if (a && sub.group === a.group && ++sub.count === a.target && ++a.reached === a.subs.length) a.resolve();
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
  const sub: Sub = { group: a.group, ws: null as unknown as RawWs, count: 0, acked: a.mode === 'raw' };
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
    onClose: () => void closed++,
  });
  await sub.ws.connect();
  if (a.mode === 'gql') {
    const acked = new Promise<void>((r) => (sub.onAck = r));
    sub.ws.sendText(JSON.stringify({ type: 'connection_init', payload: {} }));
    await acked;
    sub.ws.sendText(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: a.query } }));
  }
  if (!groups.has(a.group)) groups.set(a.group, []);
  groups.get(a.group)!.push(sub);
}

function arm(group: string, perClient: number): Promise<void> {
  const subs = groups.get(group) ?? [];
  for (const s of subs) s.count = 0;
  frames = 0;
  errors = [];
  checked = 0;
  sample = null;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  armed = { group, subs, target: perClient, reached: 0, started: performance.now(), done, resolve };
  if (subs.length === 0 || perClient === 0) resolve();
  return done;
}

const handlers = {
  connect: async (a: { group: string; port: number; path: string; mode: 'gql' | 'raw'; query?: string; count: number; parallel?: number }) => {
    const parallel = a.parallel ?? 50;
    for (let i = 0; i < a.count; i += parallel) {
      await Promise.all(Array.from({ length: Math.min(parallel, a.count - i) }, () => open(a)));
    }
    return { clients: groups.get(a.group)?.length ?? 0 };
  },
  /** Arms the counters of a group: `wait` resolves once each of its clients has `perClient` more frames. */
  arm: (a: { group: string; perClient: number }) => void arm(a.group, a.perClient),
  wait: async (a: { timeoutMs: number }) => {
    const w = armed;
    if (!w) throw new Error('wait without arm');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), a.timeoutMs)));
    const r = await Promise.race([w.done.then(() => 'ok' as const), timeout]);
    clearTimeout(timer);
    armed = null;
    const counts = w.subs.map((s) => s.count);
    return { ok: r === 'ok', ms: performance.now() - w.started, frames, minCount: Math.min(...counts), checked, errors, closed, sample };
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
  stats: () => ({ clients: [...groups.values()].reduce((n, g) => n + g.length, 0), closed, frames }),
  closeAll: async () => {
    const all = [...groups.values()].flat();
    for (const s of all) s.ws.close();
    await new Promise((r) => setTimeout(r, 200));
    for (const s of all) s.ws.destroy();
    groups.clear();
    closed = 0;
  },
};

try {
  serveChild({ pid: process.pid }, handlers, async () => handlers.closeAll());
} catch (e) {
  failChild(e);
}
