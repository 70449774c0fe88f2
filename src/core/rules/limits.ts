/**
 * The documented bounds of rules, in one place (README "Rules"): what a rule may hold, and how a
 * failed action is retried before it ends FAILED.
 */
import type { BackoffOptions } from '../time/backoff.ts';

export const RULE_LIMITS = {
  /** Rule names: 1..100 characters, unique. */
  nameMax: 100,
  /** Actions of one rule. */
  actionsMax: 10,
  /** cooldownSec: 0..86400 (one day). */
  cooldownMaxSec: 86_400,
  /** Rules in the deployment. */
  rulesMax: 1000,
  /** A trigger/createEvent action's `meta`: a JSON object of at most this many bytes (the VXG trigger meta bound). */
  metaMaxBytes: 16 * 1024,
  /** A trigger/createEvent action's `type`: 1..64 characters. */
  typeMax: 64,
  /** A sink action's sinkId. */
  sinkIdMax: 200,
} as const;

/**
 * Retries of a failed action (vendor unavailable, timeout): attempt n (n ≥ 1 failed) waits
 * backoffDelay(n - 1) = 4 s, 8 s, 16 s, 32 s, 64 s (equal jitter: between half and all of it), so
 * 6 attempts span at most ~2 minutes (62..124 s); then the run is FAILED with the last reason.
 */
export const RULE_RETRY = {
  maxAttempts: 6,
  backoff: { baseMs: 4000, capMs: 64_000, jitter: 'equal' } satisfies BackoffOptions,
  /**
   * A run being executed is claimed for this long (next_attempt_at moved ahead): the retry loop of
   * another holder, after a failover, takes it only once this passed without an outcome.
   */
  claimMs: 30_000,
  /** How often the retry loop looks for due runs. */
  pollMs: 1000,
  /** Due runs one retry pass takes. */
  batch: 50,
} as const;

/** Actions executing at once (started in log order); the log waits for a slot beyond it. */
export const RULE_INFLIGHT_MAX = 64;
