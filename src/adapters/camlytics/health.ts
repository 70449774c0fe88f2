/**
 * One instance status from several sources of trouble (event polling, channel listing): READY when
 * none has a problem, else the worst status with every problem in the detail. Every report is passed
 * on (the core ignores a repeat of the current status), so a status the core set meanwhile (READY
 * after start()) is corrected by the next report.
 */
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
    const status = list.length === 0 ? 'READY' : list.some(([, p]) => p.status === 'ERROR') ? 'ERROR' : 'DEGRADED';
    const detail = list.map(([source, p]) => `${source}: ${p.detail}`).join('; ');
    this.sink(status, detail || undefined);
  }
}
