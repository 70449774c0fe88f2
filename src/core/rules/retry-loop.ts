/**
 * The retry loop of the rules engine, running on the lease holder only (started and stopped with
 * the lease): every RULE_RETRY.pollMs (injected clock) it claims due PENDING runs (next_attempt_at
 * reached: a scheduled retry, or a claim whose outcome was never recorded, e.g. the holder died
 * mid-attempt) and hands each to the engine. The vendor sees the same idempotency key every time.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import type { StoredEvent } from '../events/model.ts';
import type { Clock } from '../time/clock.ts';
import { RULE_RETRY } from './limits.ts';
import type { RuleRecord, RuleRunRecord } from './model.ts';
import { claimDue, recordAttempt, retryQueueDepth, ruleById } from './repo.ts';

export interface RetryLoopDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  /** Runs attempted on this instance right now: not claimed again. */
  attempting: ReadonlySet<bigint>;
  load(run: RuleRunRecord): Promise<StoredEvent | null>;
  attempt(rule: RuleRecord, event: StoredEvent, run: RuleRunRecord): Promise<void>;
  onDepth?(n: number): void;
}

export class RetryLoop {
  private ctl: AbortController | null = null;
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly d: RetryLoopDeps) {}

  start(): void {
    if (this.ctl) return;
    const ctl = new AbortController();
    this.ctl = ctl;
    this.running = this.loop(ctl.signal);
  }

  async stop(): Promise<void> {
    this.ctl?.abort();
    this.ctl = null;
    this.poke();
    await this.running;
    this.running = null;
  }

  poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private async loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let full = false;
      try {
        full = (await this.pass(signal)) >= RULE_RETRY.batch;
      } catch (err) {
        this.d.log.error({ err }, 'rules retry loop: a pass failed; trying again');
      }
      if (!full && !signal.aborted) await this.idle(signal);
    }
  }

  /** One pass: claim due runs and start them; returns how many were claimed. */
  private async pass(signal: AbortSignal): Promise<number> {
    const now = this.d.clock.nowMs();
    const due = (await claimDue(this.d.db, new Date(now), new Date(now + RULE_RETRY.claimMs), RULE_RETRY.batch)).filter((r) => !this.d.attempting.has(r.id));
    for (const run of due) {
      if (signal.aborted) break;
      const [rule, event] = await Promise.all([ruleById(this.d.db, run.ruleId), this.d.load(run)]);
      if (!rule || !event) {
        await recordAttempt(this.d.db, run.id, { status: 'FAILED', error: rule ? `event ${run.eventSeq} no longer exists` : 'rule deleted', nextAttemptAt: null });
        continue;
      }
      await this.d.attempt(rule, event, run);
    }
    this.d.onDepth?.(await retryQueueDepth(this.d.db));
    return due.length;
  }

  private idle(signal: AbortSignal): Promise<void> {
    const ctl = new AbortController();
    const onAbort = () => ctl.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    this.wake = () => ctl.abort();
    return this.d.clock.sleep(RULE_RETRY.pollMs, ctl.signal).finally(() => {
      this.wake = null;
      signal.removeEventListener('abort', onAbort);
    });
  }
}
