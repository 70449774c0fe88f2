/**
 * The rules engine: the LogConsumer 'rules' (one instance of the deployment at a time, lease
 * `log:rules`) and, under the same lease, the retry loop (retry-loop.ts).
 *
 * For each event in log order and each enabled rule with from_seq < seq whose `when` matches: the
 * runs are planned (evaluate.ts: PENDING, or SKIPPED in the rule's cooldown for the event's logical
 * camera, measured on occurredAt from rule_runs, so it survives restarts and failovers), inserted ON
 * CONFLICT DO NOTHING RETURNING, and only the rows this insert created are executed: each (rule,
 * event, action) acts at most once, also when the same events are handled twice (a crash before the
 * cursor was saved, two holders overlapping). Execution starts at once, in log order, but the log
 * does not wait for it (up to RULE_INFLIGHT_MAX at a time): a slow vendor holds only its own run. A
 * failed attempt is retried by the retry loop (next_attempt_at, backoff), then FAILED with the reason.
 *
 * Enabled rules are read from the store at each batch, after its seqs were read, so a rule saved
 * on any instance applies from its from_seq on (the rule service sets from_seq after the rule is
 * committed: every event read before it is at or below it). The consumer reads seqs only; the
 * batch's events themselves are read only when an enabled rule may apply to them, so a deployment
 * without rules pays one index-only read and one rules read per batch, not the decoding of every
 * event's payload (that was a share of ingest's CPU under load). Compiled filters (cameras and sites
 * expanded to sources) are cached per rule version for `cacheTtlMs` and dropped on a change
 * (this instance, or another over Redis).
 */
import type { Logger } from 'pino';
import type { Leases } from '../cluster/lease.ts';
import { LogConsumer, type ConsumerBatch, type LoggedEvent } from '../consumers/log-consumer.ts';
import type { CursorStore } from '../consumers/cursor-store.ts';
import type { Db } from '../db/client.ts';
import { eventsAfter, maxSeq, seqsAfter, type EventFilter } from '../db/event-repo.ts';
import type { EventBus } from '../events/bus.ts';
import type { StoredEvent } from '../events/model.ts';
import type { Clock } from '../time/clock.ts';
import { afterFailure, planRuns, reasonOf, ruleApplies } from './evaluate.ts';
import { runAction, type ActionExecutors } from './executors.ts';
import { RULE_INFLIGHT_MAX, RULE_RETRY } from './limits.ts';
import { actionKind, type RuleRecord, type RuleRunRecord } from './model.ts';
import { enabledRules, insertRuns, lastFiredOccurredAt, markFired, recordAttempt, ruleById } from './repo.ts';
import { RetryLoop } from './retry-loop.ts';
import { whenToFilter } from './when.ts';

/** What the engine reports (core/ops/metrics.ts). */
export interface RuleMetrics {
  /** A run reached a status (PENDING at creation, then SUCCEEDED / FAILED; SKIPPED). */
  run(status: string): void;
  /** One attempt of an action took `seconds`; `sinceEventSeconds`: from the event's receivedAt to success. */
  actionLatency(kind: string, seconds: number, sinceEventSeconds: number | null): void;
  retryQueueDepth(n: number): void;
}

export interface RuleEngineDeps {
  db: Db;
  bus: EventBus;
  leases: Leases;
  cursors: CursorStore;
  clock: Clock;
  log: Logger;
  executors: ActionExecutors;
  /** cameraIds (a linked camera → its sources) and siteKeys → source ids, as the event queries do. */
  expandFilter(filter: EventFilter): Promise<EventFilter>;
  /** The logical camera (its id) containing a source; the source itself when unknown. */
  logicalCameraId(sourceId: string): Promise<string>;
  eventBySeq(seq: bigint): Promise<StoredEvent | null>;
  metrics?: RuleMetrics;
  /** How long a compiled filter is kept (camera links may change meanwhile); default 2000 ms. */
  cacheTtlMs?: number;
  /** Events per batch of the log consumer (default 100). */
  batchSize?: number;
  /** Longest wait of the log consumer between reads of the log (default 1000 ms). */
  pollMs?: number;
}

interface Compiled {
  key: string;
  at: number;
  filter: EventFilter;
}

export class RuleEngine {
  private readonly consumer: LogConsumer<LoggedEvent>;
  private readonly retries: RetryLoop;
  private readonly compiled = new Map<string, Compiled>();
  private readonly inflight = new Set<Promise<void>>();
  /** Runs attempted here right now (the retry loop skips them). */
  readonly attempting = new Set<bigint>();

  constructor(private readonly d: RuleEngineDeps) {
    this.retries = new RetryLoop({
      db: d.db,
      clock: d.clock,
      log: d.log,
      attempting: this.attempting,
      load: async (run) => d.eventBySeq(run.eventSeq),
      attempt: (rule, event, run) => this.launch(rule, event, run),
      onDepth: (n) => d.metrics?.retryQueueDepth(n),
    });
    this.consumer = new LogConsumer<LoggedEvent>({
      name: 'rules',
      cursors: d.cursors,
      readAfter: (after, limit) => seqsAfter(d.db, after, limit),
      initial: () => maxSeq(d.db),
      handle: (batch) => this.handle(batch),
      bus: d.bus,
      leases: d.leases,
      clock: d.clock,
      log: d.log,
      batchSize: d.batchSize,
      pollMs: d.pollMs,
      onHeld: (held) => (held ? this.retries.start() : this.retries.stop()),
      onError: (err) => d.log.error({ err }, 'rules engine: a batch failed; retried from the last event finished'),
    });
  }

  /** This instance runs the rules (holds the lease). */
  get held(): boolean {
    return this.consumer.held;
  }

  /** The last event finished (while held). */
  get position(): bigint | null {
    return this.consumer.position;
  }

  start(): this {
    this.consumer.start();
    return this;
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
    await this.retries.stop();
    await Promise.allSettled([...this.inflight]);
  }

  /** Rules or cameras changed: compile filters again, read the log now. */
  invalidate(): void {
    this.compiled.clear();
    this.consumer.poke();
  }

  /** Look for due retries now (tests, after moving a ManualClock). */
  pokeRetries(): void {
    this.retries.poke();
  }

  /** Every action started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  private async filterOf(rule: RuleRecord): Promise<EventFilter> {
    const key = `${rule.updatedAt.getTime()}`;
    const now = this.d.clock.nowMs();
    const hit = this.compiled.get(rule.id);
    if (hit && hit.key === key && now - hit.at < (this.d.cacheTtlMs ?? 2000)) return hit.filter;
    const filter = await this.d.expandFilter(whenToFilter(rule.when));
    if (this.compiled.size > 2000) this.compiled.clear();
    this.compiled.set(rule.id, { key, at: now, filter });
    return filter;
  }

  /** Returns the last event finished: on losing the lease mid-batch, the rest is left for the next holder. */
  private async handle(batch: ConsumerBatch<LoggedEvent>): Promise<bigint> {
    const first = batch.events[0]!.seq;
    const last = batch.events[batch.events.length - 1]!.seq;
    const rules = (await enabledRules(this.d.db)).filter((r) => r.actions.length > 0 && r.fromSeq < last);
    if (rules.length === 0) return last; // no rule can apply to any event of this batch
    const filters = await Promise.all(rules.map((r) => this.filterOf(r)));
    // The same events as the seqs read (seqs are visible in order); one deleted meanwhile is simply absent.
    const events = await eventsAfter(this.d.db, first - 1n, null, batch.events.length);
    let done = first - 1n;
    for (const event of events) {
      if (event.seq > last) break;
      if (batch.signal.aborted) return done;
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i]!;
        if (ruleApplies(rule, filters[i]!, event)) await this.fire(rule, event);
      }
      batch.progress(event.seq);
      done = event.seq;
    }
    return last;
  }

  private async fire(rule: RuleRecord, event: StoredEvent): Promise<void> {
    const camera = event.cameraId ? await this.d.logicalCameraId(event.cameraId) : '';
    const last = rule.cooldownSec > 0 ? await lastFiredOccurredAt(this.d.db, rule.id, camera, event.seq) : null;
    const now = this.d.clock.nowMs();
    let created: RuleRunRecord[];
    try {
      created = await insertRuns(this.d.db, planRuns(rule, event, camera, last), new Date(now + RULE_RETRY.claimMs));
    } catch (err) {
      if (await ruleById(this.d.db, rule.id)) throw err;
      return; // deleted since this batch read the rules: nothing to do (its runs would be deleted with it)
    }
    for (const run of created) this.d.metrics?.run(run.status);
    const pending = created.filter((r) => r.status === 'PENDING');
    if (!pending.length) return;
    for (const run of pending) await this.launch(rule, event, run);
    // Informative (Rule.lastFiredAt): off the path to the action; cooldown reads rule_runs, not this.
    markFired(this.d.db, rule.id, new Date(now)).catch((err) => this.d.log.warn({ err, rule: rule.name }, 'rules engine: lastFiredAt not stored'));
  }

  /** Start an attempt in the background (log order of starts); waits only for a free slot. */
  private async launch(rule: RuleRecord, event: StoredEvent, run: RuleRunRecord): Promise<void> {
    while (this.inflight.size >= RULE_INFLIGHT_MAX) await Promise.race(this.inflight);
    this.attempting.add(run.id);
    const p: Promise<void> = this.attempt(rule, event, run).finally(() => {
      this.inflight.delete(p);
      this.attempting.delete(run.id);
    });
    this.inflight.add(p);
  }

  private async attempt(rule: RuleRecord, event: StoredEvent, run: RuleRunRecord): Promise<void> {
    const action = rule.actions[run.action];
    const kind = action ? actionKind(action) : 'unknown';
    const t0 = performance.now();
    try {
      if (!action) throw new Error(`rule ${rule.name} has no action ${run.action} any more`);
      await runAction(this.d.executors, action, { rule, event, run });
    } catch (err) {
      const outcome = afterFailure(err, run.attempts + 1, this.d.clock.nowMs());
      const level = outcome.status === 'FAILED' ? 'warn' : 'info';
      this.d.log[level](
        { rule: rule.name, seq: String(event.seq), action: run.action, attempt: run.attempts + 1, error: reasonOf(err), next: outcome.nextAttemptAt },
        `rule action ${outcome.status === 'FAILED' ? 'failed' : 'will be retried'}`,
      );
      await this.record(run, outcome);
      if (outcome.status === 'FAILED') this.d.metrics?.run('FAILED');
      return;
    }
    const seconds = (performance.now() - t0) / 1000;
    this.d.metrics?.actionLatency(kind, seconds, event.receivedAt ? (this.d.clock.nowMs() - event.receivedAt.getTime()) / 1000 : null);
    await this.record(run, { status: 'SUCCEEDED', error: null, nextAttemptAt: null });
    this.d.metrics?.run('SUCCEEDED');
  }

  /** Store an outcome; when the store fails, the claim expires and the retry loop attempts it again (same idempotency key). */
  private async record(run: RuleRunRecord, outcome: Parameters<typeof recordAttempt>[2]): Promise<void> {
    try {
      await recordAttempt(this.d.db, run.id, outcome);
    } catch (err) {
      this.d.log.error({ err, run: String(run.id) }, 'rules engine: storing an action outcome failed; it is attempted again after the claim expires');
    }
  }
}
