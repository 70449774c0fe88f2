/**
 * The sinks service: creating, configuring, pausing, resuming, deleting and replaying sinks, and
 * running one SinkRunner (its own log consumer and lease) per delivering sink on this instance.
 * Every instance runs a runner for each ACTIVE or FAILING sink; the lease makes one of them deliver.
 * A change here is applied at once on this instance and announced to the others (Redis change
 * channel); every instance also re-reads the sinks every `syncMs` (default 2 s), so without Redis a
 * pause or a new sink shows elsewhere within that.
 *
 * Bounds: at most SINKS_MAX sinks, names of 1..SINK_NAME_MAX characters, URLs of at most
 * SINK_URL_MAX (target.ts). Also the port the rules engine uses: `deliverNow` and `exists`.
 */
import type { Logger } from 'pino';
import type { Leases } from '../cluster/lease.ts';
import type { CursorStore } from '../consumers/cursor-store.ts';
import type { Db } from '../db/client.ts';
import { maxSeq, type EventFilter } from '../db/event-repo.ts';
import { AppError, badInput } from '../errors.ts';
import type { EventBus } from '../events/bus.ts';
import type { StoredEvent } from '../events/model.ts';
import type { HostPolicy } from '../http/safe-fetch.ts';
import type { Metrics } from '../ops/metrics.ts';
import type { BackoffOptions } from '../time/backoff.ts';
import type { Clock } from '../time/clock.ts';
import type { SinkDelivery } from './delivery.ts';
import { parseSinkFilter } from './filter.ts';
import { type DeliveryRecord, deleteSink, insertSink, listDeliveries, listSinks, type NewSink, type SinkRecord, setSinkState, sinkById, sinkCount, upsertSinkByName } from './repo.ts';
import { consumerName, SinkRunner } from './runner.ts';
import { checkSinkUrl } from './target.ts';
import { DEFAULT_TOPIC, validateTopicTemplate } from './topic.ts';
import { isWebhookSecret, newWebhookSecret } from './webhook.ts';

/** A deployment-wide "sinks changed" signal (Redis; the same shape as services.ts ChangeChannel). */
export interface SinkChangeChannel {
  publish(): void;
  subscribe(listener: () => void): () => void;
}

export const SINKS_MAX = 100;
export const SINK_NAME_MAX = 100;

export interface WebhookSinkInput {
  name: string;
  url: string;
  filter?: unknown;
}
export interface MqttSinkInput {
  name: string;
  url: string;
  topic?: string | null;
  filter?: unknown;
  qos?: number | null;
}
/** A `sinks:` config entry (validated by the config schema's shape; checked again here). */
export type SinkConfigEntry = ({ kind: 'WEBHOOK'; secret: string } & WebhookSinkInput) | ({ kind: 'MQTT' } & MqttSinkInput);

export interface SinkManagerDeps {
  db: Db;
  bus: EventBus;
  leases: Leases;
  cursors: CursorStore;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  delivery: SinkDelivery;
  policy: HostPolicy;
  expand(f: EventFilter | null): Promise<EventFilter | null>;
  changes?: SinkChangeChannel;
  /** Re-read the sinks this often (default 2000); 0: never (only on changes). */
  syncMs?: number;
  retry?: BackoffOptions;
  retryLimitMs?: number;
  pollMs?: number;
  /** Deliveries under way at once per sink (config `outbound.sinkMaxInFlight`; default 1). */
  maxInFlight?: number;
}

export class SinkManager {
  private readonly runners = new Map<string, SinkRunner>();
  private readonly stop = new AbortController();
  private syncing: Promise<void> | null = null;
  private again = false;
  private loop: Promise<void> | null = null;
  private unsubscribes: Array<() => void> = [];

  constructor(private readonly d: SinkManagerDeps) {}

  /** Start the runners of the delivering sinks and keep them in step with the store. */
  async start(): Promise<void> {
    await this.sync();
    this.unsubscribes.push(this.d.changes?.subscribe(() => void this.sync()) ?? (() => {}));
    this.unsubscribes.push(
      this.d.bus.subscribe((events) => {
        const last = events.at(-1);
        if (last) for (const r of this.runners.values()) r.noteHead(last.seq);
      }),
    );
    if (this.d.syncMs === 0) return; // tests: changes here only
    this.loop = (async () => {
      while (!this.stop.signal.aborted) {
        await this.d.clock.sleep(this.d.syncMs ?? 2000, this.stop.signal);
        if (!this.stop.signal.aborted) await this.sync().catch((err) => this.d.log.warn({ err }, 'sinks: sync failed'));
      }
    })();
  }

  async close(): Promise<void> {
    this.stop.abort();
    for (const u of this.unsubscribes.splice(0)) u();
    await this.loop;
    await this.syncing;
    await Promise.all([...this.runners.values()].map((r) => r.stop()));
    this.runners.clear();
    await this.d.delivery.closeAll();
  }

  /** Ids of the sinks this instance delivers now (holds their lease). */
  deliveringHere(): string[] {
    return [...this.runners.values()].filter((r) => r.consumer.held).map((r) => r.sinkId);
  }

  list(): Promise<SinkRecord[]> {
    return listSinks(this.d.db);
  }

  byId(id: string): Promise<SinkRecord | null> {
    return sinkById(this.d.db, id);
  }

  async exists(id: string): Promise<boolean> {
    return (await sinkById(this.d.db, id)) !== null;
  }

  async createWebhook(input: WebhookSinkInput): Promise<{ sink: SinkRecord; secret: string }> {
    const secret = newWebhookSecret();
    const s = await this.validate('WEBHOOK', input, secret, 'api', true);
    return { sink: await this.create(s), secret };
  }

  async createMqtt(input: MqttSinkInput): Promise<SinkRecord> {
    return this.create(await this.validate('MQTT', input, null, 'api', true));
  }

  /** Config `sinks:`: each upserted by name (state, cursor and deliveries kept). */
  async applyConfig(entries: readonly SinkConfigEntry[]): Promise<void> {
    for (const [i, e] of entries.entries()) {
      const at = `sinks[${i}]`;
      if (e.kind === 'WEBHOOK' && !isWebhookSecret(e.secret)) throw badInput(`${at}.secret: expected whsec_ followed by base64 of at least 24 bytes`, { field: `${at}.secret` });
      const s = await this.validate(e.kind, e, e.kind === 'WEBHOOK' ? e.secret : null, 'config', false, `${at}.`);
      const before = await this.byName(s.name);
      const sink = await upsertSinkByName(this.d.db, s);
      if (!before) await this.d.cursors.rewind(consumerName(sink.id), await maxSeq(this.d.db));
    }
    await this.changed();
  }

  async pause(id: string): Promise<SinkRecord> {
    return this.transition(id, { state: 'PAUSED' }, ['ACTIVE', 'FAILING']);
  }

  async resume(id: string): Promise<SinkRecord> {
    return this.transition(id, { state: 'ACTIVE', failingSince: null }, ['PAUSED', 'DISABLED']);
  }

  async delete(id: string): Promise<boolean> {
    const gone = await deleteSink(this.d.db, id);
    if (gone) {
      await this.stopRunner(id);
      await this.d.cursors.remove(consumerName(id));
      await this.changed();
    }
    return gone;
  }

  /** Deliver again from `fromSeq` (inclusive) on: the cursor moves to fromSeq - 1 (a new epoch wins over saves in flight). */
  async replay(id: string, fromSeq: bigint): Promise<SinkRecord> {
    const sink = await this.orThrow(id);
    const from = fromSeq > 0n ? fromSeq - 1n : 0n;
    const r = this.runners.get(id);
    if (r) await r.consumer.rewind(from);
    else await this.d.cursors.rewind(consumerName(id), from);
    return sink;
  }

  /** The last seq the sink finished (delivered or filtered out); null before it first ran. */
  async lastDeliveredSeq(id: string): Promise<bigint | null> {
    return (await this.d.cursors.peek(consumerName(id)))?.seq ?? null;
  }

  /** Events in the log after the sink's cursor. */
  async lag(id: string): Promise<number> {
    const [pos, head] = await Promise.all([this.d.cursors.peek(consumerName(id)), maxSeq(this.d.db)]);
    return pos && head > pos.seq ? Number(head - pos.seq) : 0;
  }

  deliveries(id: string, first: number, before: bigint | null): Promise<{ deliveries: DeliveryRecord[]; hasNextPage: boolean }> {
    return listDeliveries(this.d.db, id, first, before);
  }

  /**
   * The rules engine's port: deliver `event` to sink `sinkId` once, now, outside the sink's cursor
   * (same payload, signing and outbound guard; `messageId` is the webhook-id). NOT_FOUND for an
   * unknown sink; VENDOR_UNAVAILABLE naming the cause when the receiver did not take it (the caller
   * decides about retries). A paused or disabled sink delivers too: the rule asked for it.
   */
  async deliverNow(sinkId: string, event: StoredEvent, messageId: string): Promise<void> {
    const sink = await this.orThrow(sinkId);
    this.d.metrics.sinkAttempts.inc({ sink: sink.name });
    const out = await this.d.delivery.deliver(sink, event, messageId);
    if (!out.ok) {
      this.d.metrics.sinkFailures.inc({ sink: sink.name });
      throw new AppError('VENDOR_UNAVAILABLE', `sink ${sink.name}: ${out.error}`);
    }
    this.d.metrics.sinkDeliveries.inc({ sink: sink.name });
  }

  /** Runners for exactly the delivering sinks (serialised; a call during a sync runs one more after it). */
  sync(): Promise<void> {
    if (this.syncing) {
      this.again = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      try {
        do {
          this.again = false;
          const all = await listSinks(this.d.db);
          const want = new Map(all.filter((s) => s.state === 'ACTIVE' || s.state === 'FAILING').map((s) => [s.id, s]));
          for (const id of [...this.runners.keys()]) if (!want.has(id) || this.stop.signal.aborted) await this.stopRunner(id);
          if (this.stop.signal.aborted) return;
          for (const s of want.values()) if (!this.runners.has(s.id)) this.runners.set(s.id, this.runner(s).start());
        } while (this.again);
      } finally {
        this.syncing = null;
      }
    })();
    return this.syncing;
  }

  private runner(s: SinkRecord): SinkRunner {
    const d = this.d;
    return new SinkRunner(s.id, s.name, {
      db: d.db,
      bus: d.bus,
      leases: d.leases,
      cursors: d.cursors,
      clock: d.clock,
      log: d.log.child({ sink: s.name }),
      metrics: d.metrics,
      delivery: d.delivery,
      expand: d.expand,
      retry: d.retry,
      retryLimitMs: d.retryLimitMs,
      pollMs: d.pollMs,
      maxInFlight: d.maxInFlight,
      onStateChange: () => void this.changed(),
    });
  }

  private async stopRunner(id: string): Promise<void> {
    const r = this.runners.get(id);
    this.runners.delete(id);
    await r?.stop();
  }

  private async changed(): Promise<void> {
    this.d.changes?.publish();
    await this.sync();
  }

  private async transition(id: string, change: Parameters<typeof setSinkState>[2], from: SinkRecord['state'][]): Promise<SinkRecord> {
    const next = await setSinkState(this.d.db, id, change, from);
    if (!next) return this.orThrow(id); // already in the target state (or another): answered as it is
    await this.changed();
    return next;
  }

  private async orThrow(id: string): Promise<SinkRecord> {
    const s = await sinkById(this.d.db, id);
    if (!s) throw new AppError('NOT_FOUND', `sink ${JSON.stringify(id.slice(0, 100))} not found`);
    return s;
  }

  private async byName(name: string): Promise<SinkRecord | null> {
    return (await listSinks(this.d.db)).find((s) => s.name === name) ?? null;
  }

  private async create(s: NewSink): Promise<SinkRecord> {
    if ((await sinkCount(this.d.db)) >= SINKS_MAX) throw badInput(`name: at most ${SINKS_MAX} sinks; delete one first`, { field: 'name' });
    const sink = await insertSink(this.d.db, s);
    // Delivery starts with the events after now (replaySink reaches back).
    await this.d.cursors.rewind(consumerName(sink.id), await maxSeq(this.d.db));
    await this.changed();
    return sink;
  }

  private async validate(kind: 'WEBHOOK' | 'MQTT', input: WebhookSinkInput | MqttSinkInput, secret: string | null, origin: 'api' | 'config', resolve: boolean, prefix = ''): Promise<NewSink> {
    const name = input.name.trim();
    if (name.length < 1 || input.name.length > SINK_NAME_MAX) throw badInput(`${prefix}name: expected 1..${SINK_NAME_MAX} characters, got ${input.name.length}`, { field: `${prefix}name` });
    const url = await checkSinkUrl(kind, input.url, this.d.policy, `${prefix}url`, resolve);
    const filter = parseSinkFilter(input.filter, `${prefix}filter`);
    if (kind === 'WEBHOOK') return { name, kind, url, topic: null, qos: null, filter, secret, origin };
    const m = input as MqttSinkInput;
    const topic = validateTopicTemplate(m.topic ?? DEFAULT_TOPIC, `${prefix}topic`);
    const qos = m.qos ?? 1;
    if (!Number.isInteger(qos) || qos < 0 || qos > 2) throw badInput(`${prefix}qos: expected 0, 1 or 2, got ${qos}`, { field: `${prefix}qos` });
    return { name, kind, url, topic, qos, filter, secret: null, origin };
  }
}
