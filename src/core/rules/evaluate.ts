/**
 * What a rule does with one event (pure): nothing (not after from_seq, or `when` does not match),
 * or one run per action, PENDING, or SKIPPED with the reason while the rule's cooldown for the
 * event's camera lasts. Also what becomes of a failed attempt (retry at a time, or FAILED).
 */
import { matchesFilter } from '../events/subscription.ts';
import type { EventFilter } from '../db/event-repo.ts';
import type { StoredEvent } from '../events/model.ts';
import { AppError } from '../errors.ts';
import { backoffDelay } from '../time/backoff.ts';
import { RULE_RETRY } from './limits.ts';
import { idempotencyKeyOf, type RuleRecord, type RunStatus } from './model.ts';

export interface PlannedRun {
  ruleId: string;
  eventSeq: bigint;
  action: number;
  cameraId: string;
  occurredAt: Date;
  status: Extract<RunStatus, 'PENDING' | 'SKIPPED'>;
  error: string | null;
  idempotencyKey: string;
}

/** Whether `rule` acts on `event` at all; `filter` is its `when` with cameras and sites expanded to sources. */
export function ruleApplies(rule: RuleRecord, filter: EventFilter, event: StoredEvent): boolean {
  return rule.enabled && event.seq > rule.fromSeq && rule.actions.length > 0 && matchesFilter(event, filter);
}

/**
 * The runs of a rule that applies: `lastFiredAt` is the occurredAt of the last event this rule fired
 * on for the same logical camera (null: never); within cooldownSec of it (either side) the runs are
 * SKIPPED with the reason.
 */
export function planRuns(rule: RuleRecord, event: StoredEvent, cameraId: string, lastFiredAt: Date | null): PlannedRun[] {
  let skip: string | null = null;
  if (rule.cooldownSec > 0 && lastFiredAt) {
    const gapMs = Math.abs(event.occurredAt.getTime() - lastFiredAt.getTime());
    if (gapMs < rule.cooldownSec * 1000)
      skip = `cooldown: fired for camera ${cameraId || '(none)'} on an event at ${lastFiredAt.toISOString()}, ${Math.round(gapMs / 1000)} s before this one (cooldownSec ${rule.cooldownSec})`;
  }
  return rule.actions.map((_a, action) => ({
    ruleId: rule.id,
    eventSeq: event.seq,
    action,
    cameraId,
    occurredAt: event.occurredAt,
    status: skip ? 'SKIPPED' : 'PENDING',
    error: skip,
    idempotencyKey: idempotencyKeyOf(rule.id, event.seq, action),
  }));
}

/** Errors that a retry cannot fix: the run is FAILED at once. */
const PERMANENT = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'UNSUPPORTED_CAPABILITY', 'VENDOR_REJECTED', 'FORBIDDEN']);

export function isPermanent(err: unknown): boolean {
  return err instanceof AppError && PERMANENT.has(err.code);
}

export type AttemptOutcome =
  | { status: 'SUCCEEDED'; error: null; nextAttemptAt: null }
  | { status: 'FAILED'; error: string; nextAttemptAt: null }
  | { status: 'PENDING'; error: string; nextAttemptAt: Date };

/** After attempt number `attempts` (1 = the first) failed with `err` at `nowMs`. */
export function afterFailure(err: unknown, attempts: number, nowMs: number, random?: () => number): AttemptOutcome {
  const reason = reasonOf(err);
  if (isPermanent(err)) return { status: 'FAILED', error: reason, nextAttemptAt: null };
  if (attempts >= RULE_RETRY.maxAttempts) return { status: 'FAILED', error: `gave up after ${attempts} attempts: ${reason}`, nextAttemptAt: null };
  const delay = backoffDelay(attempts - 1, { ...RULE_RETRY.backoff, random });
  return { status: 'PENDING', error: reason, nextAttemptAt: new Date(nowMs + delay) };
}

/** The text stored as a run's error: the code and the message, at most 500 characters. */
export function reasonOf(err: unknown): string {
  const text = err instanceof AppError ? `${err.code}: ${err.message}` : err instanceof Error ? `error: ${err.message}` : `error: ${String(err)}`;
  return text.slice(0, 500);
}
