/**
 * Vendor-neutral stream sessions. An adapter only opens, keeps alive and stops vendor sessions
 * (StreamHandlers); the manager owns the rest:
 * - our session id (random, unguessable) in front of the vendor's, and the HLS proxy's URL table;
 * - sharing: a start with the same camera, mode and parameters as a live session joins it
 *   (one vendor session); each start is a hold, and stopStream releases one: the vendor session
 *   stops when the last holder stops, or when nobody used it for `idleTimeoutMs`;
 * - keepalive at the vendor's interval while the session is used (playlist/segment fetches,
 *   startStream, keepStreamAlive); a failed keepalive gets one restart (same id, new vendor
 *   session), else the session is FAILED;
 * - persistence: live sessions are stored, so that after a restart (clean or not) each is resumed
 *   when the vendor still accepts its keepalive, else stopped at the vendor (see resume.ts);
 * - state changes to `streamSessionChanged` subscribers.
 * Operations on one session (start, keepalive, restart, stop) run one at a time.
 *
 * Several server instances (PostgreSQL leases): keepalives, idle expiry, restarts and resume run
 * on the holder of the `streams` lease only (cluster notes in cluster.ts). Any instance starts
 * sessions, serves their viewers and stops them; the row in stream_sessions is what they share.
 */
import type { Logger } from 'pino';
import { notFound, unsupportedCapability, vendorUnavailable } from '../errors.ts';
import type { Db } from '../db/client.ts';
import type { CameraRecord } from '../cameras/repo.ts';
import type { VendorStream } from '../adapter/types.ts';
import { SessionWrites } from './session-writes.ts';
import { handlersFor, openVendor, runInTurn, stopVendor, type InstanceLookup } from './vendor.ts';
import { ChangeHub } from './change-hub.ts';
import { deleteSession, saveSession, updateSession } from './repo.ts';
import { LocalLeases, type LeaseHandle, type Leases } from '../cluster/lease.ts';
import { clusterTimings, driveSessions } from './cluster.ts';
import { SharedSessions } from './shared-sessions.ts';
import { newSession, newSessionId, playlistPath, sharingKey, streamRequestOf, type Session, type StartStreamInput, type StreamSessionView, type StreamState } from './session.ts';
import { resumePersisted } from './resume.ts';
import { systemClock, type Clock } from '../time/clock.ts';

export interface StreamManagerOptions {
  db: Db;
  registry: InstanceLookup;
  cameraById(id: string): Promise<CameraRecord | null>;
  log: Logger;
  idleTimeoutMs: number;
  /** How long a stopped or failed session still answers keepStreamAlive/stopStream with its state. */
  tombstoneMs?: number;
  /** Keepalives, idle expiry and resume run where the lease `streams` is held (default: here, one process). */
  leases?: Leases;
  /** Keepalives, idle expiry and tombstones (default: real time). */
  clock?: Clock;
}

const LEASE = 'streams';

const isTerminal = (s: StreamState) => s === 'STOPPED' || s === 'FAILED';

export class StreamManager {
  private readonly sessions = new Map<string, Session>();
  private readonly byKey = new Map<string, Session>();
  private readonly hub = new ChangeHub<StreamSessionView>();
  private readonly writes: SessionWrites;
  private readonly log: Logger;
  /** No new sessions, no timers. */
  private closing = false;
  /** Live sessions were persisted for the next start: a vendor session opened later must be stopped. */
  private closed = false;
  private stopResume: (() => void) | null = null;
  /** The sessions of the previous run were resumed or stopped (readiness). */
  resumed = false;
  /** Several server instances share the sessions through stream_sessions (PostgreSQL leases). */
  readonly shared: boolean;
  /** This instance holds the `streams` lease: it runs keepalives, idle expiry and restarts. */
  driving = false;
  private readonly leases: Leases;
  private lease: LeaseHandle | null = null;
  /** Row access with several instances (null with one process). */
  private readonly rows: SharedSessions | null;
  private readonly clock: Clock;

  constructor(private readonly options: StreamManagerOptions) {
    this.clock = options.clock ?? systemClock();
    this.log = options.log.child({ component: 'streams' });
    this.writes = new SessionWrites(this.log);
    this.leases = options.leases ?? new LocalLeases({ log: this.log, clock: this.clock });
    this.shared = this.leases.kind !== 'local';
    this.rows = this.shared
      ? new SharedSessions({
          db: options.db,
          log: this.log,
          idleTimeoutMs: options.idleTimeoutMs,
          timing: clusterTimings(options.idleTimeoutMs),
          cameraById: options.cameraById,
          sessions: this.sessions,
          byKey: this.byKey,
          driving: () => this.driving,
          closing: () => this.closing,
          schedule: (s) => this.schedule(s),
          gone: (s) => this.gone(s),
          track: (p) => this.writes.track(p),
          clock: this.clock,
        })
      : null;
  }

  /** Open streamSessionChanged subscriptions. */
  get subscribers(): number {
    return this.hub.subscribers;
  }

  async start(camera: CameraRecord, input: StartStreamInput): Promise<StreamSessionView> {
    if (this.closing) throw vendorUnavailable('the server is shutting down');
    const cap = input.mode === 'LIVE' ? 'LIVE_STREAM' : 'ARCHIVE_STREAM';
    if (!camera.capabilities.includes(cap)) throw unsupportedCapability(`camera ${camera.name} (${camera.adapter}/${camera.instance}) does not support ${cap}`);
    const request = streamRequestOf(camera, input);
    const shared = this.byKey.get(sharingKey(camera.id, request));
    if (shared && (await this.hold(shared, +1))) {
      this.use(shared);
      if (shared.state === 'STARTING') await shared.busy?.catch(() => {});
      if (shared.state === 'ACTIVE' || shared.state === 'STARTING') return this.view(shared);
      throw (shared.failure as Error) ?? vendorUnavailable('the stream session could not be started');
    }
    const handlers = handlersFor(this.options.registry, camera.adapter, camera.instance);
    const s = newSession(newSessionId(), camera, request, this.clock.nowMs());
    this.sessions.set(s.id, s);
    this.byKey.set(s.key, s);
    this.publish(s);
    await runInTurn(s, async () => {
      try {
        this.activate(s, await openVendor(s, handlers, () => this.closed));
      } catch (err) {
        this.finish(s, 'FAILED', err);
        throw err;
      }
    });
    // With several instances, the playlist URL must work on any of them: answer once the row is written.
    if (this.rows) await s.persisting;
    return this.view(s);
  }

  /** Mark a session used (HLS fetches, keepStreamAlive); null when it is not live. Also finds sessions other instances started. */
  async lookup(id: string): Promise<Session | null> {
    const s = await this.find(id);
    if (!s || isTerminal(s.state)) return null;
    this.use(s);
    return s;
  }

  async keepAlive(id: string): Promise<StreamSessionView> {
    const s = await this.find(id);
    if (!s) throw notFound(`stream session ${id} not found`);
    if (!isTerminal(s.state)) this.use(s);
    return this.view(s);
  }

  /** Release one hold; the vendor session stops with the last one. */
  async stop(id: string): Promise<StreamSessionView> {
    const s = await this.find(id);
    if (!s) throw notFound(`stream session ${id} not found`);
    if (isTerminal(s.state)) return this.view(s);
    if (!(await this.hold(s, -1)) || s.holders > 0) return this.view(s);
    await runInTurn(s, async () => {
      if (isTerminal(s.state)) return;
      if (this.rows && !this.driving) await this.rows.reload(s.id, s); // the holder may have restarted the vendor session
      if (isTerminal(s.state)) return;
      await stopVendor(this.options.registry, this.log, s);
      this.finish(s, 'STOPPED');
    });
    return this.view(s);
  }

  /** Several instances: the count in the row is the one that counts (viewers elsewhere hold too); false when stopped elsewhere. */
  private hold(s: Session, delta: 1 | -1): Promise<boolean> | boolean {
    if (this.rows) return this.rows.hold(s, delta);
    s.holders = Math.max(0, s.holders + delta);
    return true;
  }

  /** In memory; with several instances also read from the row (started elsewhere, or a stale copy). */
  private find(id: string): Promise<Session | null> | Session | null {
    return this.rows ? this.rows.find(id) : (this.sessions.get(id) ?? null);
  }

  /** Stopped on another instance (which stopped the vendor session): end the copy here. */
  private gone(s: Session): void {
    this.log.debug({ session: s.id }, 'stream session stopped on another instance');
    this.finish(s, 'STOPPED', undefined, false);
  }

  subscribe(id?: string | null): AsyncIterableIterator<StreamSessionView> {
    if (!id) return this.hub.subscribe();
    const s = this.sessions.get(id);
    if (!s) throw notFound(`stream session ${id} not found`);
    return this.hub.subscribe(
      (v) => v.id === id,
      [this.view(s)],
      (v) => isTerminal(v.state),
    );
  }

  view(s: Session): StreamSessionView {
    return { id: s.id, camera: s.camera, mode: s.request.mode, state: s.state, playlistUrl: playlistPath(s.id), expiresAt: new Date(s.lastUsedAt + this.options.idleTimeoutMs) };
  }

  /**
   * Take part in the `streams` lease; while held here: resume (or stop at the vendor) the sessions a
   * previous run (or a holder that died) persisted, then drive keepalives and idle expiry. Resolves
   * once this instance resumed them, or found the lease held elsewhere. Call after adapters started.
   */
  async resume(): Promise<void> {
    if (this.lease || this.closing) return;
    let resumed!: () => void;
    const first = new Promise<void>((r) => (resumed = r));
    this.lease = this.leases.run(LEASE, (signal) =>
      driveSessions(signal, {
        db: this.options.db,
        log: this.log,
        closing: () => this.closing,
        shared: this.shared,
        syncMs: clusterTimings(this.options.idleTimeoutMs).syncMs,
        clock: this.clock,
        start: () => {
          if (this.closing) {
            resumed();
            return false;
          }
          this.driving = true;
          for (const s of this.sessions.values()) this.schedule(s);
          return true;
        },
        resume: async () => {
          try {
            await this.resumeRows();
          } finally {
            resumed();
          }
        },
        sync: (usage, since) => this.rows?.sync(usage, since),
        end: () => {
          this.driving = false;
          this.stopResume?.();
          for (const s of this.sessions.values()) {
            if (isTerminal(s.state) || !s.timer) continue;
            this.clock.clearTimeout(s.timer);
            s.timer = null;
            s.checkedAt = 0; // read from the row before use: the new holder changes it
          }
        },
      }),
    );
    if (await this.lease.attempted) await first;
    this.resumed = true;
  }

  private async resumeRows(): Promise<void> {
    const r = resumePersisted({
      db: this.options.db,
      log: this.log,
      idleTimeoutMs: this.options.idleTimeoutMs,
      cameraById: this.options.cameraById,
      instance: (adapter, instance) => {
        const inst = this.options.registry.find(adapter, instance);
        return inst ? { running: !!inst.running, handlers: inst.running?.capabilities?.streams ?? null } : undefined;
      },
      adopt: (s, vendor) => {
        if (this.closing || this.sessions.has(s.id)) return false;
        // One instance never opens two vendor sessions for one key, but two instances may have: keep both.
        if (this.byKey.has(s.key) && !this.shared) return false;
        this.sessions.set(s.id, s);
        if (!this.byKey.has(s.key)) this.byKey.set(s.key, s);
        this.activate(s, vendor);
        return true;
      },
      skip: (row) => this.sessions.has(row.id),
      clock: this.clock,
    });
    this.stopResume = r.cancel;
    await r.done;
  }

  /** Server shutdown: stop timers, let operations in flight finish (bounded), persist live sessions. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const drove = this.driving;
    this.stopResume?.();
    for (const s of this.sessions.values()) if (s.timer) this.clock.clearTimeout(s.timer);
    const busy = [...this.sessions.values()].map((s) => s.busy?.catch(() => {}));
    await Promise.race([Promise.all(busy), new Promise((r) => setTimeout(r, 5000).unref())]);
    // One process: the rows are this instance's to write. Several: only the holder writes its view
    // of them, and never re-creates a row another instance deleted.
    const save = this.shared ? (drove ? updateSession : null) : (db: Db, s: Session, idleMs: number) => saveSession(db, s, idleMs, this.clock.nowMs);
    if (save) for (const s of this.sessions.values()) if (s.state === 'ACTIVE') this.writes.persist(s, () => save(this.options.db, s, this.options.idleTimeoutMs));
    this.closed = true;
    await this.writes.settled();
    await this.lease?.stop(); // another instance takes the sessions over
  }

  private activate(s: Session, vendor: VendorStream): void {
    s.vendor = vendor;
    s.state = 'ACTIVE';
    s.failure = null;
    s.nextKeepaliveAt = this.clock.nowMs() + vendor.keepaliveIntervalMs;
    this.writes.persist(s, () => saveSession(this.options.db, s, this.options.idleTimeoutMs, this.clock.nowMs));
    this.publish(s);
    this.schedule(s);
  }

  /** `deleteRow` false: the row is already gone (stopped on another instance). */
  private finish(s: Session, state: 'STOPPED' | 'FAILED', cause?: unknown, deleteRow = true): void {
    if (s.timer) this.clock.clearTimeout(s.timer);
    s.state = state;
    s.failure = cause ?? null;
    s.urls.clear();
    if (this.byKey.get(s.key) === s) this.byKey.delete(s.key);
    if (deleteRow) this.writes.persist(s, () => deleteSession(this.options.db, s.id));
    this.publish(s);
    if (cause) this.log.warn({ session: s.id, camera: s.camera.id, err: cause }, `stream session ${state}`);
    s.timer = this.clock.setTimeout(() => this.sessions.get(s.id) === s && this.sessions.delete(s.id), this.options.tombstoneMs ?? 600_000).unref();
  }

  private use(s: Session): void {
    s.lastUsedAt = this.clock.nowMs();
    this.rows?.used(s, s.lastUsedAt); // several instances: the holder expires by the row
  }

  /** One timer per live session: the next keepalive or the idle expiry, whichever comes first. Only where the lease is held. */
  private schedule(s: Session): void {
    if (s.timer) this.clock.clearTimeout(s.timer);
    s.timer = null;
    if (s.state !== 'ACTIVE' || this.closing || !s.vendor || !this.driving) return;
    const due = Math.min(s.nextKeepaliveAt, s.lastUsedAt + this.options.idleTimeoutMs);
    s.timer = this.clock.setTimeout(() => void this.tick(s), Math.max(0, due - this.clock.nowMs())).unref();
  }

  private tick(s: Session): void {
    s.timer = null;
    runInTurn(s, async () => {
      if (s.state !== 'ACTIVE' || this.closing || !s.vendor || !this.driving) return;
      let now = this.clock.nowMs();
      if (now >= s.lastUsedAt + this.options.idleTimeoutMs && this.rows) {
        if (!(await this.rows.beforeExpiry(s))) return; // viewers on other instances count too
        now = this.clock.nowMs();
      }
      if (now >= s.lastUsedAt + this.options.idleTimeoutMs) {
        this.log.debug({ session: s.id }, 'stream session idle: stopping');
        await stopVendor(this.options.registry, this.log, s);
        return this.finish(s, 'STOPPED');
      }
      if (now >= s.nextKeepaliveAt) {
        try {
          await handlersFor(this.options.registry, s.camera.adapter, s.camera.instance).keepalive({ ...s.vendor, mode: s.request.mode });
          s.nextKeepaliveAt = this.clock.nowMs() + s.vendor.keepaliveIntervalMs;
        } catch (err) {
          await this.restart(s, err);
        }
      }
      this.schedule(s);
    }).catch((err) => this.log.error({ err, session: s.id }, 'stream session timer failed'));
  }

  /** After a failed keepalive: stop what is left at the vendor, open a new vendor session under the same id. */
  private async restart(s: Session, cause: unknown): Promise<void> {
    this.log.warn({ session: s.id, err: cause }, 'stream keepalive failed: restarting the vendor session');
    s.state = 'STARTING';
    this.publish(s);
    await stopVendor(this.options.registry, this.log, s);
    s.urls.clear();
    try {
      const handlers = handlersFor(this.options.registry, s.camera.adapter, s.camera.instance);
      this.activate(s, await openVendor(s, handlers, () => this.closed));
    } catch (err) {
      this.finish(s, 'FAILED', err);
    }
  }

  private publish(s: Session): void {
    this.hub.publish(this.view(s));
  }
}
