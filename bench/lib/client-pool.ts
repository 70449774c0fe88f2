/**
 * Subscriber clients spread over several `bench/clients.ts` processes: each holds at most
 * `perProcess` connections (file descriptors: ulimit -n is 20,000 here; and one process's event
 * loop reading 10,000 sockets would be the bottleneck, not the server). The same commands as one
 * client process (connect, arm, wait, stats, closeAll), split and aggregated.
 */
import { startChild, type Child } from './child.ts';

export const PER_PROCESS = 2500;

export interface ConnectArgs {
  group: string;
  port: number;
  path: string;
  mode: 'gql' | 'raw';
  query?: string;
  count: number;
  parallel?: number;
}

export interface WaitResult {
  ok: boolean;
  subscribers: number;
  frames: number;
  minCount: number;
  missing: number;
  wrong: number;
  wrongSubs: number;
  firstWrong: string | null;
  checked: number;
  errors: string[];
  closed: number;
  closedByCode: Record<string, number>;
  sample: string | null;
}

const mergeCounts = (xs: Array<Record<string, number>>) => {
  const out: Record<string, number> = {};
  for (const x of xs) for (const [k, v] of Object.entries(x)) out[k] = (out[k] ?? 0) + v;
  return out;
};

export class ClientPool {
  /** Connections held per child, per group (so a group's subscribers are spread evenly). */
  private readonly held: Array<Map<string, number>>;

  private constructor(readonly children: Array<Child<{ pid: number }>>) {
    this.held = children.map(() => new Map());
  }

  /** Enough client processes for `subscribers` connections at `perProcess` each (at least one). */
  static async start(subscribers: number, perProcess = PER_PROCESS): Promise<ClientPool> {
    const n = Math.max(1, Math.ceil(subscribers / perProcess));
    const children = await Promise.all(Array.from({ length: n }, (_, i) => startChild<{ pid: number }>('clients.ts', [], { name: n > 1 ? `clients-${i + 1}` : 'clients' })));
    return new ClientPool(children);
  }

  /** Opens `count` more connections of a group, each to the child holding the fewest of that group; all children connect at once. */
  async connect(a: ConnectArgs): Promise<void> {
    const share = this.children.map(() => 0);
    for (let k = 0; k < a.count; k++) {
      let best = 0;
      for (let i = 1; i < this.children.length; i++) if ((this.held[i].get(a.group) ?? 0) + share[i] < (this.held[best].get(a.group) ?? 0) + share[best]) best = i;
      share[best]++;
    }
    await Promise.all(
      this.children.map(async (c, i) => {
        if (!share[i]) return;
        await c.call('connect', { ...a, count: share[i] });
        this.held[i].set(a.group, (this.held[i].get(a.group) ?? 0) + share[i]);
      }),
    );
  }

  async arm(group: string, perClient: number, seqs?: number[]): Promise<void> {
    await Promise.all(this.children.map((c) => c.call('arm', { group, perClient, seqs })));
  }

  async wait(timeoutMs: number): Promise<WaitResult> {
    const rs = await Promise.all(this.children.map((c) => c.call<WaitResult>('wait', { timeoutMs })));
    const sum = (f: (r: WaitResult) => number) => rs.reduce((a, r) => a + f(r), 0);
    const live = rs.filter((r) => r.subscribers > 0);
    return {
      ok: rs.every((r) => r.ok),
      subscribers: sum((r) => r.subscribers),
      frames: sum((r) => r.frames),
      minCount: live.length ? Math.min(...live.map((r) => r.minCount)) : 0,
      missing: sum((r) => r.missing),
      wrong: sum((r) => r.wrong),
      wrongSubs: sum((r) => r.wrongSubs),
      firstWrong: rs.find((r) => r.firstWrong)?.firstWrong ?? null,
      checked: sum((r) => r.checked),
      errors: rs.flatMap((r) => r.errors).slice(0, 5),
      closed: sum((r) => r.closed),
      closedByCode: mergeCounts(rs.map((r) => r.closedByCode)),
      sample: live[0]?.sample ?? null,
    };
  }

  async stats(): Promise<{ clients: number; closed: number; closedByCode: Record<string, number> }> {
    const rs = await Promise.all(this.children.map((c) => c.call<{ clients: number; closed: number; closedByCode: Record<string, number> }>('stats')));
    return { clients: rs.reduce((a, r) => a + r.clients, 0), closed: rs.reduce((a, r) => a + r.closed, 0), closedByCode: mergeCounts(rs.map((r) => r.closedByCode)) };
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.children.map((c) => c.call('closeAll').catch(() => undefined)));
    for (const h of this.held) h.clear();
  }

  async stop(): Promise<void> {
    await Promise.all(this.children.map((c) => c.stop()));
  }
}
