/**
 * Leases: work that must run once per deployment (a vendor poller, an outbound WebSocket client,
 * stream keepalives) runs on exactly one server instance at a time, and moves to another instance
 * when its holder dies. Push-style ingest (HTTP routes, TCP listeners) needs none: it runs everywhere.
 *
 * `leases.run(name, work)` starts `work(signal)` once the lease `name` is held, aborts `signal` when
 * it is lost or stopped, and runs `work` again (after the previous run returned) when it is held again.
 *
 * PostgreSQL (PgLeases, pg-leases.ts): one database session per process holds a session-level advisory lock per
 * lease (`pg_try_advisory_lock(7413100, hashtext(name))`, see pg-lock-session.ts). Leases not held
 * are tried again every `retryMs`; the session is checked every `heartbeatMs` (bounded by
 * `heartbeatTimeoutMs`). When that check fails — the connection broke, was terminated, or came back
 * as a different backend — every lease is lost at once (their signals abort), the session is closed
 * and a new one is opened at the next retry.
 * PGlite (LocalLeases): one process is the whole deployment, so every lease is granted at once.
 *
 * The guarantee, honestly: PostgreSQL grants each lock to one session, and releases it when that
 * session's connection ends (also when the holding process is SIGKILLed, once the server notices
 * the closed socket). So there is at most one holder while the holder's connection lives. If the
 * holder's connection dies without the holder noticing at once, another instance may take the lease
 * before the holder's next heartbeat aborts its work: the two may then overlap for at most about
 * one heartbeat interval (plus the heartbeat timeout when the connection hangs instead of failing).
 * Work run under a lease must therefore tolerate a short overlap: events are de-duplicated by the
 * store (dedupe keys), so they stay exactly-once; cursors in instance state may step back a little.
 * Two names whose hashtext collides share one lock (they then run on the same instance): harmless.
 */
import type { Logger } from 'pino';
import { systemClock, type Clock, type Timer } from '../time/clock.ts';

export type LeaseWork = (signal: AbortSignal) => Promise<void> | void;

export interface LeaseRunOptions {
  /** Called when this lease is acquired (true) or lost/released (false). */
  onChange?(held: boolean): void;
}

export interface LeaseHandle {
  readonly name: string;
  readonly held: boolean;
  /** Settles after the first try to acquire the lease: true when it was acquired then. */
  readonly attempted: Promise<boolean>;
  /** Abort the work, wait for it to return (bounded), then release the lease. Idempotent. */
  stop(): Promise<void>;
}

export interface Leases {
  readonly kind: 'local' | 'postgres';
  /** Run `work` whenever this process holds the lease `name`. One run() per name at a time. */
  run(name: string, work: LeaseWork, opts?: LeaseRunOptions): LeaseHandle;
  held(name: string): boolean;
  list(): Array<{ name: string; held: boolean }>;
  /** Stop every work, release every lease and the database session. */
  close(): Promise<void>;
}

export interface LeasesOptions {
  log: Logger;
  /** How often a lease not held is tried again (default 2000). */
  retryMs?: number;
  /** How often the holding session is checked (default 1000). */
  heartbeatMs?: number;
  /** A check that has not answered after this long counts as failed (default 2000). */
  heartbeatTimeoutMs?: number;
  /** Longest wait for a work to return after its signal aborted, before its lease is released anyway (default 10000). */
  stopTimeoutMs?: number;
  /** Every change of any lease (metrics); also `false` when a lease is first run (standby until acquired). */
  onChange?(name: string, held: boolean): void;
  /** Retries, heartbeats and stop timeouts (default: real time). */
  clock?: Clock;
}

/** One database session holding session-level advisory locks (pg-lock-session.ts). */
export interface LockSession {
  /** For logs (the backend pid). */
  readonly id: string;
  tryLock(name: string): Promise<boolean>;
  unlock(name: string): Promise<void>;
  /** Throws unless the session that took the locks still answers. */
  check(): Promise<void>;
  /** End the session (the server releases its locks). Never throws. */
  close(): Promise<void>;
}
export type LockConnector = () => Promise<LockSession>;

/** One lease of this process: the work and its current run. */
export class Entry {
  held = false;
  stopped = false;
  /** stop() in progress or done (idempotent). */
  stopping: Promise<void> | null = null;
  /** The database session that granted it (PgLeases): only that one can release it. */
  grantedBy: LockSession | null = null;
  private controller: AbortController | null = null;
  /** The current (or last) run of the work; a new run starts after it. */
  private running: Promise<void> = Promise.resolve();
  private resolveAttempt!: (held: boolean) => void;
  readonly attempted = new Promise<boolean>((r) => (this.resolveAttempt = r));

  constructor(
    readonly name: string,
    private readonly work: LeaseWork,
    private readonly opts: LeaseRunOptions,
    private readonly leasesOptions: LeasesOptions,
    private readonly clock: Clock,
  ) {}

  /** The first try to acquire it is over (later calls do nothing). */
  tried(held: boolean): void {
    this.resolveAttempt(held);
  }

  grant(): void {
    if (this.held || this.stopped) return;
    this.held = true;
    this.tried(true);
    const controller = new AbortController();
    this.controller = controller;
    this.running = this.running
      .then(() => (controller.signal.aborted ? undefined : this.work(controller.signal)))
      .catch((err) => this.leasesOptions.log.error({ err, lease: this.name }, 'work under a lease failed'));
    this.notify(true);
  }

  /** Lost or released: abort the work (it may still be returning). */
  revoke(reason: string): void {
    this.controller?.abort(new Error(reason));
    this.controller = null;
    if (!this.held) return;
    this.held = false;
    this.notify(false);
  }

  /** Resolves when the current run returned, or after `ms` (false). */
  settled(ms: number): Promise<boolean> {
    let timer: Timer | undefined;
    return Promise.race([
      this.running.then(() => true),
      new Promise<boolean>((r) => {
        timer = this.clock.setTimeout(() => r(false), ms);
      }),
    ]).finally(() => this.clock.clearTimeout(timer));
  }

  private notify(held: boolean): void {
    for (const fn of [this.opts.onChange, (h: boolean) => this.leasesOptions.onChange?.(this.name, h)]) {
      try {
        fn?.(held);
      } catch (err) {
        this.leasesOptions.log.error({ err, lease: this.name }, 'lease change listener threw');
      }
    }
  }
}

/** Book-keeping shared by both kinds: entries, their runs, stop. */
export abstract class LeasesBase implements Leases {
  abstract readonly kind: 'local' | 'postgres';
  protected readonly entries = new Map<string, Entry>();
  protected closed = false;
  protected readonly clock: Clock;

  constructor(protected readonly options: LeasesOptions) {
    this.clock = options.clock ?? systemClock();
  }

  run(name: string, work: LeaseWork, opts: LeaseRunOptions = {}): LeaseHandle {
    if (this.closed) throw new Error(`lease ${name}: leases are closed (the server is stopping)`);
    if (this.entries.has(name)) throw new Error(`lease ${name} is already run by this process`);
    const e = new Entry(name, work, opts, this.options, this.clock);
    this.entries.set(name, e);
    try {
      this.options.onChange?.(name, false);
    } catch (err) {
      this.options.log.error({ err, lease: name }, 'lease change listener threw');
    }
    this.added(e);
    return {
      name,
      get held() {
        return e.held;
      },
      attempted: e.attempted,
      stop: () => this.stopEntry(e),
    };
  }

  held(name: string): boolean {
    return this.entries.get(name)?.held ?? false;
  }

  list(): Array<{ name: string; held: boolean }> {
    return [...this.entries.values()].map((e) => ({ name: e.name, held: e.held }));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.entries.values()].map((e) => this.stopEntry(e)));
  }

  protected abstract added(e: Entry): void;
  /** After the work of a held lease returned: give the lease up. */
  protected abstract release(e: Entry): Promise<void>;

  private stopEntry(e: Entry): Promise<void> {
    return (e.stopping ??= (async () => {
      e.stopped = true;
      e.tried(false);
      const wasHeld = e.held;
      e.revoke('stopped');
      const ms = this.options.stopTimeoutMs ?? 10_000;
      if (!(await e.settled(ms))) this.options.log.warn({ lease: e.name, waitedMs: ms }, 'work did not return after its lease signal aborted: releasing the lease anyway');
      if (this.entries.get(e.name) === e) this.entries.delete(e.name);
      if (wasHeld) await this.release(e);
    })());
  }
}

/** A single process (PGlite): every lease is held at once. */
export class LocalLeases extends LeasesBase {
  readonly kind = 'local';

  protected added(e: Entry): void {
    e.grant();
  }

  protected async release(): Promise<void> {}
}
