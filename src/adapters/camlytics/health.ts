/**
 * One instance status from several sources of trouble (event polling, channel listing): READY when
 * none has a problem, else the worst status with every problem in the detail. Every report is passed
 * on (the core ignores a repeat of the current status), so a status the core set meanwhile (READY
 * after start()) is corrected by the next report. The rule itself is the SDK's combineHealth.
 */
import { combineHealth } from '../../sdk.ts';

export type ProblemStatus = 'DEGRADED' | 'ERROR';
export type StatusSink = (status: 'READY' | ProblemStatus, detail?: string) => void;

export class CamlyticsHealth {
  private readonly problems = new Map<string, { status: ProblemStatus; detail: string }>();

  constructor(private readonly sink: StatusSink) {}

  problem(source: string, status: ProblemStatus, detail: string): void {
    this.problems.set(source, { status, detail });
    this.publish();
  }

  ok(source: string): void {
    this.problems.delete(source);
    this.publish();
  }

  private publish(): void {
    const list = [...this.problems.entries()].sort(([a], [b]) => a.localeCompare(b)); // a stable detail
    const { status, detail } = combineHealth(
      list.map(([source, p]) => ({ status: p.status, detail: `${source}: ${p.detail}` })),
      'any',
    );
    this.sink(status, detail);
  }
}
