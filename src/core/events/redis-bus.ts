/**
 * The event bus across instances: every instance sharing one PostgreSQL and one Redis (REDIS_URL)
 * delivers every committed event to its own subscribers exactly once, in seq order.
 *
 * - A commit on this instance goes straight to the local SeqOrderer (no Redis round trip for local
 *   subscribers) and is PUBLISHed to the deployment's channel for the others.
 * - A message from another instance goes to the same orderer; duplicates and our own echo are
 *   dropped by seq, gaps are filled from the log (see seq-orderer.ts for why that is exact).
 * - Redis pub/sub is at-most-once, so Redis is only the fast path: the log is the source of truth.
 *   While the subscriber connection is down, after it reconnects, and once a second in any case,
 *   the orderer reads the log after the last delivered seq. With Redis gone, subscribers still get
 *   every event, up to a second late.
 *
 * The channel is per deployment (an id stored in the database on first start), so deployments or
 * test databases sharing one Redis never see each other's events.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { eventsAfter, maxSeq } from '../db/event-repo.ts';
import { notifyListeners, type BusListener, type EventBus } from './bus.ts';
import type { StoredEvent } from './model.ts';
import { SeqOrderer } from './seq-orderer.ts';
import type { Metrics } from '../ops/metrics.ts';
import { backoffDelay } from '../time/backoff.ts';

export interface RedisBusOptions {
  url: string;
  db: Db;
  log: Logger;
  metrics: Metrics;
  /** How often the log is checked for events nobody announced (default 1000 ms). */
  logPollMs?: number;
}

type WireEvent = Omit<StoredEvent, 'seq' | 'occurredAt' | 'receivedAt'> & { seq: string; occurredAt: string; receivedAt: string };

export function encodeEvents(node: string, events: readonly StoredEvent[]): string {
  return `${node}\n${JSON.stringify(events.map((e) => ({ ...e, seq: String(e.seq) })))}`;
}

export function decodeEvents(message: string): { node: string; events: StoredEvent[] } {
  const nl = message.indexOf('\n');
  const wire = JSON.parse(message.slice(nl + 1)) as WireEvent[];
  return {
    node: message.slice(0, nl),
    events: wire.map((w) => ({ ...w, seq: BigInt(w.seq), occurredAt: new Date(w.occurredAt), receivedAt: new Date(w.receivedAt) })),
  };
}

/** The deployment's id: created once by whichever instance starts first, read by all others. */
export async function deploymentId(db: Db): Promise<string> {
  const id = randomUUID();
  await db.execute(sql`insert into adapter_state (adapter, instance, key, value, updated_at)
    values ('_core', '_cluster', 'deploymentId', to_jsonb(${id}::text), now()) on conflict do nothing`);
  const rows = (await db.execute(sql`select value #>> '{}' as id from adapter_state where adapter = '_core' and instance = '_cluster' and key = 'deploymentId'`)) as unknown;
  const list = (Array.isArray(rows) ? rows : (rows as { rows: Array<{ id: string }> }).rows) as Array<{ id: string }>;
  return list[0].id;
}

export class RedisEventBus implements EventBus {
  readonly node = randomUUID();
  private readonly listeners = new Set<BusListener>();
  private orderer: SeqOrderer | null = null;
  /** Messages that arrived while the orderer was not yet made (start-up in a busy deployment). */
  private early: StoredEvent[][] = [];
  private pub!: Redis;
  private sub!: Redis;
  private channel = '';
  private poll: NodeJS.Timeout | null = null;
  private closed = false;
  private subscribed = false;
  private deployment = '';
  /** Change channels (changes()): Redis channel → listeners. */
  private readonly changeListeners = new Map<string, Set<() => void>>();

  private constructor(private readonly options: RedisBusOptions) {}

  /** Connects (or keeps trying in the background when Redis is down: the log carries events meanwhile). */
  static async start(options: RedisBusOptions): Promise<RedisEventBus> {
    const bus = new RedisEventBus(options);
    await bus.init();
    return bus;
  }

  /** True while the Redis subscription is live (false: events come from the log, up to a second late). */
  get connected(): boolean {
    return this.subscribed;
  }

  private async init(): Promise<void> {
    const { options } = this;
    this.deployment = await deploymentId(options.db);
    this.channel = `usa:events:${this.deployment}`;
    const common = { lazyConnect: true, connectTimeout: 5000, retryStrategy: (n: number) => backoffDelay(n, { baseMs: 50, capMs: 2000, jitter: 'none' }) }; // ioredis reconnects: 100 ms doubling to 2 s
    // Publishing fails fast while disconnected (no unbounded offline queue): the log has the events.
    this.pub = new Redis(options.url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    this.sub = new Redis(options.url, { ...common, autoResubscribe: true });
    for (const [name, c] of [
      ['publisher', this.pub],
      ['subscriber', this.sub],
    ] as const) {
      c.on('error', (err: Error) => options.log.warn({ err, connection: name }, 'redis connection error; events are read from the log meanwhile'));
    }
    this.sub.on('message', (ch: string, message: string) => (ch === this.channel ? this.onMessage(message) : this.onChange(ch, message)));
    this.sub.on('ready', () => {
      // (Re)subscribed: whatever was published while we were away is in the log.
      this.subscribed = true;
      this.orderer?.poke();
    });
    this.sub.on('close', () => (this.subscribed = false));

    // Subscribe before reading the log's end, so nothing committed in between is missed.
    const connected = await Promise.all([this.pub.connect(), this.sub.connect().then(() => this.sub.subscribe(this.channel))]).then(
      () => true,
      (err: unknown) => {
        options.log.warn({ err }, 'redis unreachable at start; events from other instances are read from the log until it answers');
        return false;
      },
    );
    this.subscribed = connected;
    this.orderer = new SeqOrderer(
      {
        readAfter: (after, limit) => eventsAfter(options.db, after, null, limit),
        deliver: (events) => this.deliver(events),
        onError: (err) => options.log.warn({ err }, 'reading the event log for the bus failed; retrying'),
        onFill: () => options.metrics.busLogReads.inc(),
      },
      await maxSeq(options.db),
    );
    for (const events of this.early.splice(0)) this.orderer.offer(events); // those at or below the log's end are dropped
    this.poll = setInterval(() => this.orderer?.poke(), options.logPollMs ?? 1000);
    this.poll.unref();
  }

  /**
   * A deployment-wide "changed" signal on its own channel (e.g. 'cameras': links, names, sites),
   * so that caches on every instance are dropped at once. At most once like all pub/sub: a missed
   * signal is bounded by the cache's TTL. Listeners do not hear this instance's own publishes.
   */
  changes(topic: string): { publish(): void; subscribe(listener: () => void): () => void } {
    const channel = `usa:changes:${this.deployment}:${topic}`;
    return {
      publish: () => {
        if (this.closed || this.pub.status !== 'ready') return;
        this.pub.publish(channel, this.node).catch((err: unknown) => this.options.log.warn({ err, topic }, 'publishing a change to redis failed; other instances see it when their cache expires'));
      },
      subscribe: (listener) => {
        let set = this.changeListeners.get(channel);
        if (!set) {
          set = new Set();
          this.changeListeners.set(channel, set);
          this.sub.subscribe(channel).catch((err: unknown) => this.options.log.warn({ err, topic }, 'subscribing to redis changes failed; caches expire by their TTL'));
        }
        set.add(listener);
        return () => set.delete(listener);
      },
    };
  }

  private onChange(channel: string, message: string): void {
    if (this.closed || message === this.node) return;
    for (const l of this.changeListeners.get(channel) ?? []) {
      try {
        l();
      } catch (err) {
        this.options.log.error({ err }, 'change listener failed');
      }
    }
  }

  private onMessage(message: string): void {
    if (this.closed || message.startsWith(this.node)) return;
    let events: StoredEvent[];
    try {
      events = decodeEvents(message).events;
    } catch (err) {
      this.options.log.warn({ err }, 'undecodable event-bus message ignored (the log has the events)');
      return;
    }
    this.options.metrics.busReceived.inc(events.length);
    if (this.orderer) this.orderer.offer(events);
    else this.early.push(events);
  }

  private deliver(events: readonly StoredEvent[]): void {
    notifyListeners(this.listeners, events, (err) => this.options.log.error({ err }, 'event bus listener failed'));
  }

  publish(events: readonly StoredEvent[]): void {
    if (events.length === 0 || this.closed) return;
    this.orderer?.offer(events); // made during start(), before the app can commit anything
    if (this.pub.status !== 'ready') return;
    this.pub.publish(this.channel, encodeEvents(this.node, events)).catch((err: unknown) => {
      this.options.metrics.busPublishErrors.inc();
      this.options.log.warn({ err }, 'publishing to redis failed; other instances read the events from the log');
    });
  }

  subscribe(listener: BusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.poll) clearInterval(this.poll);
    this.listeners.clear();
    await Promise.allSettled([this.pub.quit(), this.sub.quit()]);
    this.pub.disconnect();
    this.sub.disconnect();
  }
}
