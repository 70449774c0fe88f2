/**
 * Runs the retention pass under the lease `retention` (one instance of the deployment at a time):
 * a pass when the lease is taken, then one every `intervalMs` after the previous ended (passes
 * never overlap). A failed pass is logged and counted; the next interval tries again.
 */
import type { Logger } from 'pino';
import type { LeaseHandle, Leases } from '../cluster/lease.ts';
import type { Clock } from '../time/clock.ts';
import { runRetentionPass, type PassDeps, type PassReport } from './retention-pass.ts';

export interface RetentionRunnerOptions extends PassDeps {
  leases: Leases;
  intervalMs: number;
  log: Logger;
  clock: Clock;
}

export class RetentionRunner {
  private handle: LeaseHandle | null = null;
  /** Passes finished since start (complete or not), and the last one's report. */
  passes = 0;
  lastReport: PassReport | null = null;
  /** Between passes (waiting out the interval): tests move the clock then. */
  sleeping = false;
  private readonly listeners = new Set<(r: PassReport) => void>();

  constructor(private readonly o: RetentionRunnerOptions) {}

  start(): void {
    this.handle ??= this.o.leases.run('retention', (signal) => this.loop(signal));
  }

  /** Called after each pass (tests wait on it); returns the unsubscribe. */
  onPass(fn: (r: PassReport) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async stop(): Promise<void> {
    await this.handle?.stop();
  }

  private async loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const r = await runRetentionPass(this.o, signal);
        this.passes++;
        this.lastReport = r;
        if (r.events || r.mediaExpired || r.segmentsDeleted || r.ruleRuns) this.o.log.info(r, 'retention pass');
        for (const fn of this.listeners) fn(r);
      } catch (err) {
        this.o.metrics.passFailures.inc();
        this.o.log.error({ err }, 'retention pass failed; retried at the next interval');
      }
      this.sleeping = true;
      await this.o.clock.sleep(this.o.intervalMs, signal);
      this.sleeping = false;
    }
  }
}
