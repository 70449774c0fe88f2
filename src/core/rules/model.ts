/**
 * Rules as core sees them: `when` (an EventFilter as the client gave it, ids as given or resolved
 * from config), the actions (one kind each: ACTION_KINDS), runs (one per rule, event and action).
 */
export const ACTION_KINDS = ['trigger', 'createEvent', 'sink'] as const;
export type RuleActionKind = (typeof ACTION_KINDS)[number];

/** A trigger or createEvent on a camera (its internal id: the logical camera's primary source). */
export interface CameraActionSpec {
  cameraId: string;
  type: string;
  meta?: Record<string, unknown> | null;
}
export interface SinkActionSpec {
  sinkId: string;
}

/** Exactly one key set. */
export type RuleAction = { trigger: CameraActionSpec } | { createEvent: CameraActionSpec } | { sink: SinkActionSpec };

export function actionKind(a: RuleAction): RuleActionKind {
  if ('trigger' in a) return 'trigger';
  if ('createEvent' in a) return 'createEvent';
  return 'sink';
}

/** `when` as stored: EventFilter fields as JSON (dates as ISO text). */
export type RuleWhen = Record<string, unknown>;

export type RuleOrigin = 'config' | 'api';

export interface RuleRecord {
  id: string;
  name: string;
  enabled: boolean;
  when: RuleWhen;
  actions: RuleAction[];
  cooldownSec: number;
  /** Events at or below it are never acted on (the log end when created or last enabled). */
  fromSeq: bigint;
  lastFiredAt: Date | null;
  origin: RuleOrigin;
  createdAt: Date;
  updatedAt: Date;
}

export const RUN_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED', 'SKIPPED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface RuleRunRecord {
  id: bigint;
  ruleId: string;
  eventSeq: bigint;
  action: number;
  cameraId: string;
  occurredAt: Date;
  status: RunStatus;
  attempts: number;
  error: string | null;
  nextAttemptAt: Date | null;
  idempotencyKey: string;
  at: Date;
}

export interface NewRule {
  name: string;
  enabled: boolean;
  when: RuleWhen;
  actions: RuleAction[];
  cooldownSec: number;
  origin: RuleOrigin;
}

export type RuleUpdate = Partial<Pick<NewRule, 'name' | 'enabled' | 'when' | 'actions' | 'cooldownSec'>>;

/** `rule:<ruleId>:<seq>:<action>`: passed to the vendor so a retry never acts twice. */
export const idempotencyKeyOf = (ruleId: string, seq: bigint, action: number) => `rule:${ruleId}:${seq}:${action}`;
