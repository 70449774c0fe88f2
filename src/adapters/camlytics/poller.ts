/**
 * The REST long-poll loop: one request in flight, each answer parsed, de-duplicated against what
 * was already handled (SeenEvents), published oldest first, the cursor saved in instance state.
 * Failures (Camlytics down, hanging past the deadline, 5xx, HTML, invalid JSON, oversized answers,
 * the event store down) back off exponentially with jitter and show in the instance status; the
 * loop never ends until stop(). stop() aborts the request in flight and leaves no timer behind.
 */
import { AppError, backoffDelay, isAppError, sleep, type EventInput, type InstanceState, type PublishResult } from '../../sdk.ts';
import type { CamlyticsClient } from './client.ts';
import type { CamlyticsConfig } from './config.ts';
import type { CamlyticsHealth } from './health.ts';
import { mapCamlyticsEvent } from './map.ts';
import { parseRestEventList, type CamlyticsEventRecord, type RestEventList } from './parse.ts';
import type { SeenEvents } from './seen.ts';

export const CURSOR_STATE_KEY = 'pollCursor';
const PERSIST_EVERY_MS = 1000;
/** Consecutive failures to reach Camlytics (refused, timed out) before DEGRADED becomes ERROR. */
const ERROR_AFTER = 3;

export interface PollerDeps {
  client: Pick<CamlyticsClient, 'events'>;
  config: CamlyticsConfig;
  /** The zone of a channel's times without offset (camlyticsTimeZoneOf); default: config.timezone, else UTC. */
  timeZone?: (channelId: string) => string;
  seen: SeenEvents;
  health: CamlyticsHealth;
  state: InstanceState;
  publish(input: EventInput): Promise<PublishResult>;
  count(counter: string, by?: number): void;
  reportRejected(err: unknown): void;
  log: { warn(o: object, m: string): void; info(o: object, m: string): void; debug(o: object, m: string): void };
  now?: () => number;
  random?: () => number;
  /** The abortable sleep between polls and retries (default: the SDK's, on real time; the adapter passes ctx.clock.sleep). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Retry delays: failure 1 → [initial/2, initial], doubling, capped at max (the SDK's backoff with equal jitter). */
export const retryDelay = (failures: number, c: Pick<CamlyticsConfig, 'backoffInitialMs' | 'backoffMaxSec'>, random?: () => number): number =>
  backoffDelay(failures - 1, { baseMs: c.backoffInitialMs, capMs: c.backoffMaxSec * 1000, random });

export class CamlyticsPoller {
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private lastPersist = 0;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;

  constructor(private readonly d: PollerDeps) {
    this.now = d.now ?? Date.now;
    this.sleep = d.sleep ?? sleep;
  }

  start(parent?: AbortSignal): void {
    parent?.addEventListener('abort', () => this.abort.abort(), { once: true });
    this.loop ??= this.run().catch((err) => this.d.log.warn({ err }, 'Camlytics poll loop ended unexpectedly'));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    await this.persist(true);
  }

  private async run(): Promise<void> {
    const { config: c, health, log } = this.d;
    const signal = this.abort.signal;
    const timeoutMs = Math.round((c.pollTimeoutSec + c.requestGraceSec) * 1000);
    let failures = 0;
    let unreachableRun = 0;
    while (!signal.aborted) {
      const started = this.now();
      let handled = 0;
      try {
        this.d.count('poll.requests');
        const body = await this.d.client.events({ timeoutMs, signal });
        handled = await this.handle(parseRestEventList(body, this.d.timeZone ?? c.timezone ?? 'UTC'));
        if (failures > 0) log.info({ failures }, 'Camlytics polling recovered');
        failures = 0;
        unreachableRun = 0;
        health.ok('events poll');
      } catch (err) {
        if (signal.aborted) break;
        failures++;
        this.d.count('poll.failures');
        const delay = retryDelay(failures, c, this.d.random);
        // Refused or timed out (no HTTP status) is "not working"; an answer, even a bad one, is "working with trouble".
        const unreachable = isAppError(err) && err.code === 'VENDOR_UNAVAILABLE' && err.details?.status === undefined;
        unreachableRun = unreachable ? unreachableRun + 1 : 0;
        const detail = `${describeFailure(err)} (${failures} in a row, next try in ${(delay / 1000).toFixed(1)} s)`;
        health.problem('events poll', unreachableRun >= ERROR_AFTER ? 'ERROR' : 'DEGRADED', detail);
        if (failures === 1 || !isAppError(err)) log.warn({ err: isAppError(err) ? err.message : err }, 'Camlytics poll failed');
        else log.debug({ failures, err: err.message }, 'Camlytics poll failed again');
        await this.sleep(delay, signal);
        continue;
      }
      if (handled === 0) await this.sleep(c.minPollIntervalMs - (this.now() - started), signal);
    }
  }

  /** Publish what is new in one answer; returns how many events were new. Throws when the store failed. */
  private async handle(list: RestEventList): Promise<number> {
    const { seen } = this.d;
    for (const r of list.rejected) {
      const key = r.eventId === null ? null : `bad:${r.eventId}`;
      if (key && seen.has(key)) continue;
      if (key) seen.add(key);
      this.d.count('poll.rejected');
      this.d.reportRejected(r.error);
      this.d.log.warn({ index: r.index, eventId: r.eventId, problem: r.error.message }, 'Camlytics event skipped: unreadable');
    }
    const todo = new Map<string, { ev: CamlyticsEventRecord; input: EventInput }>();
    for (const ev of list.events) {
      const input = mapCamlyticsEvent(ev);
      const key = input.dedupeKey;
      if (seen.has(key) || todo.has(key)) {
        this.d.count('poll.skipped');
        continue;
      }
      if (seen.isStale(ev.time.date.getTime())) {
        seen.add(key);
        this.d.count('poll.stale');
        continue;
      }
      todo.set(key, { ev, input });
    }
    const batch = [...todo.values()].sort((a, b) => a.ev.time.date.getTime() - b.ev.time.date.getTime() || (a.ev.eventId ?? '').localeCompare(b.ev.eventId ?? ''));
    // Published together so the core's group commit writes them in one batch, in this order.
    const results = await Promise.allSettled(batch.map((x) => this.d.publish(x.input)));
    let storeFailure: unknown = null;
    results.forEach((r, i) => {
      const { ev, input } = batch[i];
      if (r.status === 'fulfilled') {
        seen.add(input.dedupeKey, ev.time.date.getTime(), this.now());
        this.d.count(r.value.duplicate ? 'poll.duplicates' : 'poll.stored');
      } else if (isAppError(r.reason) && r.reason.status < 500) {
        seen.add(input.dedupeKey, ev.time.date.getTime(), this.now()); // will never be accepted: do not retry
        this.d.count('poll.rejected');
        this.d.log.warn({ eventId: ev.eventId, problem: r.reason.message }, 'Camlytics event rejected by the store');
      } else storeFailure ??= r.reason; // not marked: the next poll returns it again
    });
    await this.persist(false);
    if (storeFailure) {
      const why = storeFailure instanceof Error ? storeFailure.message : String(storeFailure);
      throw new AppError('SERVICE_UNAVAILABLE', `events could not be stored: ${why}`);
    }
    return batch.length;
  }

  private async persist(force: boolean): Promise<void> {
    const { seen } = this.d;
    if (!seen.dirty || (!force && this.now() - this.lastPersist < PERSIST_EVERY_MS)) return;
    this.lastPersist = this.now();
    try {
      await this.d.state.set(CURSOR_STATE_KEY, seen.snapshot());
    } catch (err) {
      // Not fatal: without it a restart re-reads recent events, which the store's dedupe absorbs.
      this.d.log.warn({ err }, 'Camlytics poll cursor could not be saved');
    }
  }
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused: is Camlytics running with its REST API enabled?',
  ECONNRESET: 'connection reset',
  UND_ERR_SOCKET: 'connection closed before the answer was complete',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connect timed out',
};

/** A status detail for a failed request: what went wrong, in words an operator can act on. */
export function describeFailure(err: unknown): string {
  if (!isAppError(err)) return `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
  if (err.code === 'PAYLOAD_TOO_LARGE') return `${err.message} (lower pollLimit or raise maxResponseBytes)`;
  const code = /: ([A-Z][A-Z_]+)$/.exec(err.message)?.[1];
  return code && NETWORK_CODES[code] ? `${err.message} (${NETWORK_CODES[code]})` : err.message;
}
