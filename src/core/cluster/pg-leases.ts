/**
 * Leases over PostgreSQL advisory locks (the model and its guarantee: lease.ts). One database
 * session per process (pg-lock-session.ts) holds every lease of the process; all use of it runs
 * one operation at a time: connect, try locks (every retryMs for leases not held), check
 * (every heartbeatMs, bounded by heartbeatTimeoutMs), unlock, close. Any failure of the session
 * loses every lease at once; a new session is opened at the next retry.
 */
import type { Timer } from '../time/clock.ts';
import { LeasesBase, type Entry, type LeasesOptions, type LockConnector, type LockSession } from './lease.ts';

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Leases over PostgreSQL advisory locks on one session per process. */
export class PgLeases extends LeasesBase {
  readonly kind = 'postgres';
  private session: LockSession | null = null;
  /** Session use (connect, lock, check, unlock, close), one at a time. */
  private queue: Promise<void> = Promise.resolve();
  private readonly retryTimer: Timer;
  private readonly heartbeatTimer: Timer;
  private connectFailures = 0;
  private acquireQueued = false;
  private beatQueued = false;
  private readonly retryMs: number;
  private readonly heartbeatTimeoutMs: number;

  constructor(
    private readonly connect: LockConnector,
    options: LeasesOptions,
  ) {
    super(options);
    this.retryMs = options.retryMs ?? 2000;
    const heartbeatMs = options.heartbeatMs ?? 1000;
    this.heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 2000;
    if (!(this.retryMs > 0) || !(heartbeatMs > 0) || !(this.heartbeatTimeoutMs > 0)) throw new Error('lease timings must be positive');
    this.retryTimer = this.clock.setInterval(() => this.queueAcquire(), this.retryMs);
    this.heartbeatTimer = this.clock.setInterval(() => {
      if (this.beatQueued) return; // the last one has not run yet (a slow connect or check): no pile-up
      this.beatQueued = true;
      void this.serial(() => {
        this.beatQueued = false;
        return this.heartbeat();
      });
    }, heartbeatMs);
    this.retryTimer.unref();
    this.heartbeatTimer.unref();
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.clock.clearInterval(this.retryTimer);
    this.clock.clearInterval(this.heartbeatTimer);
    await super.close();
    await this.serial(async () => {
      const s = this.session;
      this.session = null;
      await s?.close();
    });
  }

  protected added(): void {
    this.queueAcquire();
  }

  /** One acquire pass queued at a time: a connect that hangs while the database is down does not pile them up. */
  private queueAcquire(): void {
    if (this.acquireQueued) return;
    this.acquireQueued = true;
    void this.serial(() => {
      this.acquireQueued = false;
      return this.acquire();
    });
  }

  protected release(e: Entry): Promise<void> {
    return this.serial(async () => {
      if (!this.session || this.session !== e.grantedBy) return; // lost meanwhile: that session's locks are gone
      try {
        await this.session.unlock(e.name);
        this.options.log.info({ lease: e.name }, 'lease released');
      } catch (err) {
        await this.lose(`unlock failed: ${messageOf(err)}`);
      }
    });
  }

  private serial(op: () => Promise<void>): Promise<void> {
    const next = this.queue.then(op).catch((err) => this.options.log.error({ err }, 'lease bookkeeping failed'));
    this.queue = next;
    return next;
  }

  private async acquire(): Promise<void> {
    if (this.closed) return;
    const pending = [...this.entries.values()].filter((e) => !e.held && !e.stopped);
    if (!pending.length) return;
    const s = await this.ensureSession();
    if (!s) return pending.forEach((e) => e.tried(false));
    for (const [i, e] of pending.entries()) {
      let ok: boolean;
      try {
        ok = await s.tryLock(e.name);
      } catch (err) {
        pending.slice(i).forEach((x) => x.tried(false));
        return this.lose(`lock query failed: ${messageOf(err)}`);
      }
      if (!ok) {
        e.tried(false);
        continue;
      }
      if (e.stopped || this.closed) {
        await s.unlock(e.name).catch((err) => this.lose(`unlock failed: ${messageOf(err)}`));
        continue;
      }
      this.options.log.info({ lease: e.name, session: s.id }, 'lease acquired');
      e.grantedBy = s;
      e.grant();
    }
  }

  private async ensureSession(): Promise<LockSession | null> {
    if (this.session) return this.session;
    try {
      this.session = await this.connect();
      if (this.connectFailures) this.options.log.info({ failures: this.connectFailures }, 'lease session connected again');
      this.connectFailures = 0;
      return this.session;
    } catch (err) {
      this.connectFailures++;
      const log = { err, retryMs: this.retryMs, failures: this.connectFailures };
      if (this.connectFailures === 1) this.options.log.warn(log, 'lease session could not connect');
      else this.options.log.debug(log, 'lease session could not connect');
      return null;
    }
  }

  private async heartbeat(): Promise<void> {
    const s = this.session;
    if (!s || this.closed) return;
    let timer: Timer | undefined;
    try {
      await Promise.race([
        s.check(),
        new Promise<never>((_, rej) => {
          timer = this.clock.setTimeout(() => rej(new Error(`no answer within ${this.heartbeatTimeoutMs} ms`)), this.heartbeatTimeoutMs);
        }),
      ]);
    } catch (err) {
      await this.lose(`heartbeat failed: ${messageOf(err)}`);
    } finally {
      this.clock.clearTimeout(timer);
    }
  }

  /** The session is gone or unusable: every lease is lost at once; a new session comes at the next retry. */
  private async lose(reason: string): Promise<void> {
    const s = this.session;
    this.session = null;
    const lost = [...this.entries.values()].filter((e) => e.held);
    for (const e of lost) e.revoke(reason);
    if (lost.length) this.options.log.warn({ leases: lost.map((e) => e.name), session: s?.id, reason }, 'leases lost');
    else this.options.log.info({ session: s?.id, reason }, 'lease session lost (no lease was held)');
    await s?.close();
  }
}
