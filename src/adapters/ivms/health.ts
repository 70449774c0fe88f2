/**
 * One adapter status from the parts of an IVMS instance (REST channel sync, notification socket):
 * READY when no part has a problem, ERROR when every part is down (nothing works), else DEGRADED
 * with each problem named (the SDK's combineHealth, errorWhen 'all'). Also the retry delay both
 * parts use. Pure apart from the callback.
 */
import { combineHealth } from '../../sdk.ts';

export type Severity = 'down' | 'warn';
export type HealthStatus = 'READY' | 'DEGRADED' | 'ERROR';

export class Health {
  private readonly problems = new Map<string, { severity: Severity; detail: string }>();
  private last = '';

  /** `parts`: the parts that run (e.g. ['channels', 'notifications']). */
  constructor(
    private readonly parts: readonly string[],
    private readonly report: (status: HealthStatus, detail?: string) => void,
  ) {}

  ok(part: string): void {
    if (this.problems.delete(part)) this.publish();
    else if (!this.last) this.publish();
  }

  problem(part: string, detail: string, severity: Severity = 'down'): void {
    const p = this.problems.get(part);
    if (p && p.detail === detail && p.severity === severity) return;
    this.problems.set(part, { severity, detail });
    this.publish();
  }

  /** The status and detail now (for tests and logs). */
  current(): { status: HealthStatus; detail: string | null } {
    const troubled = [...this.problems.values()].map((p) => ({ status: p.severity === 'down' ? ('ERROR' as const) : ('DEGRADED' as const), detail: p.detail }));
    const fine = this.parts.filter((p) => !this.problems.has(p)).map(() => ({ status: 'READY' as const }));
    const { status, detail } = combineHealth([...troubled, ...fine], 'all');
    return { status, detail: detail ?? null };
  }

  private publish(): void {
    const { status, detail } = this.current();
    const key = `${status}\u0000${detail ?? ''}`;
    if (key === this.last) return;
    this.last = key;
    this.report(status, detail ?? undefined);
  }
}
