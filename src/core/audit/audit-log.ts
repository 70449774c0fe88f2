/**
 * The audit log: records admin actions (GraphQL root mutations through use-audit-log.ts, admin HTTP
 * actions such as an export download directly) with the time, the API key's id, the arguments as
 * redact.ts keeps them and the outcome. A failed write never fails the action (it already happened):
 * it is logged and counted (`audit_write_errors_total`).
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import type { Clock } from '../time/clock.ts';
import { auditArgs } from './redact.ts';
import { appendAuditEntries, type NewAuditEntry } from './repo.ts';

export interface AuditAction {
  keyId: string | null;
  action: string;
  /** The arguments as given: redacted and bounded here. */
  args: Record<string, unknown> | null | undefined;
  /** 'ok' or an error code. */
  outcome: string;
  /** When it happened (default: now). */
  at?: Date;
}

export interface AuditLogOptions {
  db: Db;
  clock: Clock;
  log: Logger;
  onWriteError?: () => void;
}

export class AuditLog {
  constructor(private readonly o: AuditLogOptions) {}

  now(): Date {
    return this.o.clock.now();
  }

  /** Append the actions (one statement); never throws. */
  async record(actions: readonly AuditAction[]): Promise<void> {
    if (!actions.length) return;
    const entries: NewAuditEntry[] = actions.map((a) => ({ at: a.at ?? this.o.clock.now(), keyId: a.keyId, action: a.action, args: auditArgs(a.args), outcome: a.outcome }));
    try {
      await appendAuditEntries(this.o.db, entries);
    } catch (err) {
      this.o.onWriteError?.();
      this.o.log.error({ err, actions: entries.map((e) => e.action) }, 'audit log write failed; the action itself stands');
    }
  }
}
