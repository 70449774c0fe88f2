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
 */
import type { Logger } from 'pino';
import { notFound, unsupportedCapability, vendorRejected, vendorUnavailable } from '../errors.ts';
import type { Db } from '../db/client.ts';
import type { CameraRecord } from '../cameras/repo.ts';
import type { RunningAdapter, StreamHandlers, VendorStream } from '../adapter/types.ts';
import { ChangeHub } from './change-hub.ts';
import { deleteSession, saveSession } from './repo.ts';
import {
  checkVendorStream, clampInterval, newSession, newSessionId, playlistPath, sharingKey, streamRequestOf,
  type Session, type StartStreamInput, type StreamSessionView, type StreamState,
} from './session.ts';
import { resumePersisted } from './resume.ts';

export interface StreamManagerOptions {
  db: Db;
  registry: { find(type: string, id: string): { running: RunningAdapter | null; status: string } | undefined };
  cameraById(id: string): Promise<CameraRecord | null>;
  log: Logger;
  idleTimeoutMs: number;
  /** How long a stopped or failed session still answers keepStreamAlive/stopStream with its state. */
  tombstoneMs?: number;
}

const isTerminal = (s: StreamState) => s === 'STOPPED' || s === 'FAILED';
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class StreamManager {
  private readonly sessions = new Map<string, Session>();
  private readonly byKey = new Map<string, Session>();
  private readonly hub = new ChangeHub<StreamSessionView>();
  private readonly writes = new Set<Promise<void>>();
  private readonly log: Logger;
  /** No new sessions, no timers. */
  private closing = false;
  /** Live sessions were persisted for the next start: a vendor session opened later must be stopped. */
  private closed = false;
  private stopResume: (() => void) | null = null;
  /** The sessions of the previous run were resumed or stopped (readiness). */
  resumed = false;

  constructor(private readonly o: StreamManagerOptions) {
    this.log = o.log.child({ component: 'streams' });
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
    if (shared) {
      shared.holders += 1;
      this.use(shared);
      if (shared.state === 'STARTING') await shared.busy?.catch(() => {});
      if (shared.state === 'ACTIVE' || shared.state === 'STARTING') return this.view(shared);
      throw (shared.failure as Error) ?? vendorUnavailable('the stream session could not be started');
    }
    const handlers = this.handlersFor(camera.adapter, camera.instance);
    const s = newSession(newSessionId(), camera, request, Date.now());
    this.sessions.set(s.id, s);
    this.byKey.set(s.key, s);
    this.publish(s);
    await this.run(s, async () => {
      try {
        this.activate(s, await this.openVendor(s, handlers));
      } catch (err) {
        this.finish(s, 'FAILED', err);
        throw err;
      }
    });
    return this.view(s);
  }

  /** Mark a session used (HLS fetches, keepStreamAlive); null when it is not live. */
  touch(id: string): Session | null {
    const s = this.sessions.get(id);
    if (!s || isTerminal(s.state)) return null;
    this.use(s);
    return s;
  }

  async keepAlive(id: string): Promise<StreamSessionView> {
    const s = this.sessions.get(id);
    if (!s) throw notFound(`stream session ${id} not found`);
    this.touch(id);
    return this.view(s);
  }

  /** Release one hold; the vendor session stops with the last one. */
  async stop(id: string): Promise<StreamSessionView> {
    const s = this.sessions.get(id);
    if (!s) throw notFound(`stream session ${id} not found`);
    if (isTerminal(s.state)) return this.view(s);
    s.holders = Math.max(0, s.holders - 1);
    if (s.holders > 0) return this.view(s);
    await this.run(s, async () => {
      if (isTerminal(s.state)) return;
      await this.stopVendor(s);
      this.finish(s, 'STOPPED');
    });
    return this.view(s);
  }

  subscribe(id?: string | null): AsyncIterableIterator<StreamSessionView> {
    if (!id) return this.hub.subscribe();
    const s = this.sessions.get(id);
    if (!s) throw notFound(`stream session ${id} not found`);
    return this.hub.subscribe((v) => v.id === id, [this.view(s)], (v) => isTerminal(v.state));
  }

  view(s: Session): StreamSessionView {
    return { id: s.id, camera: s.camera, mode: s.request.mode, state: s.state, playlistUrl: playlistPath(s.id), expiresAt: new Date(s.lastUsedAt + this.o.idleTimeoutMs) };
  }

  /** Resume (or stop at the vendor) the sessions a previous run persisted. Call after adapters started. */
  async resume(): Promise<void> {
    const r = resumePersisted({
      db: this.o.db,
      log: this.log,
      idleTimeoutMs: this.o.idleTimeoutMs,
      cameraById: this.o.cameraById,
      instance: (adapter, instance) => {
        const inst = this.o.registry.find(adapter, instance);
        return inst ? { running: !!inst.running, handlers: inst.running?.capabilities?.streams ?? null } : undefined;
      },
      adopt: (s, vendor) => {
        if (this.byKey.has(s.key)) return false;
        this.sessions.set(s.id, s);
        this.byKey.set(s.key, s);
        this.activate(s, vendor);
        return true;
      },
    });
    this.stopResume = r.cancel;
    await r.done;
    this.resumed = true;
  }

  /** Server shutdown: stop timers, let operations in flight finish (bounded), persist live sessions. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.stopResume?.();
    for (const s of this.sessions.values()) if (s.timer) clearTimeout(s.timer);
    const busy = [...this.sessions.values()].map((s) => s.busy?.catch(() => {}));
    await Promise.race([Promise.all(busy), new Promise((r) => setTimeout(r, 5000).unref())]);
    for (const s of this.sessions.values()) if (s.state === 'ACTIVE') this.persist(s, () => saveSession(this.o.db, s, this.o.idleTimeoutMs));
    this.closed = true;
    await Promise.all([...this.writes]);
  }

  private handlersFor(adapter: string, instance: string): StreamHandlers {
    const inst = this.o.registry.find(adapter, instance);
    if (!inst?.running) throw vendorUnavailable(`adapter instance ${adapter}/${instance} is not running (${inst?.status ?? 'not configured'})`);
    const h = inst.running.capabilities?.streams;
    if (!h) throw unsupportedCapability(`adapter ${adapter} does not implement stream sessions`);
    return h;
  }

  private async openVendor(s: Session, handlers: StreamHandlers): Promise<VendorStream> {
    const v = await handlers.start(s.request);
    const bad = checkVendorStream(v);
    if (bad) {
      if (typeof v?.vendorSessionId === 'string' && v.vendorSessionId) await handlers.stop({ ...v, mode: s.request.mode }).catch(() => {});
      throw vendorRejected(`adapter ${s.camera.adapter} opened a stream it cannot describe: ${bad}`);
    }
    const vendor = { vendorSessionId: v.vendorSessionId, playlistUrl: v.playlistUrl, keepaliveIntervalMs: clampInterval(v.keepaliveIntervalMs) };
    if (this.closed) {
      await handlers.stop({ ...vendor, mode: s.request.mode }).catch(() => {});
      throw vendorUnavailable('the server is shutting down');
    }
    return vendor;
  }

  private activate(s: Session, vendor: VendorStream): void {
    s.vendor = vendor;
    s.state = 'ACTIVE';
    s.failure = null;
    s.nextKeepaliveAt = Date.now() + vendor.keepaliveIntervalMs;
    this.persist(s, () => saveSession(this.o.db, s, this.o.idleTimeoutMs));
    this.publish(s);
    this.schedule(s);
  }

  private finish(s: Session, state: 'STOPPED' | 'FAILED', cause?: unknown): void {
    if (s.timer) clearTimeout(s.timer);
    s.state = state;
    s.failure = cause ?? null;
    s.urls.clear();
    if (this.byKey.get(s.key) === s) this.byKey.delete(s.key);
    this.persist(s, () => deleteSession(this.o.db, s.id));
    this.publish(s);
    if (cause) this.log.warn({ session: s.id, camera: s.camera.id, err: messageOf(cause) }, `stream session ${state}`);
    s.timer = setTimeout(() => this.sessions.get(s.id) === s && this.sessions.delete(s.id), this.o.tombstoneMs ?? 600_000);
    s.timer.unref();
  }

  private use(s: Session): void {
    s.lastUsedAt = Date.now();
  }

  /** One timer per live session: the next keepalive or the idle expiry, whichever comes first. */
  private schedule(s: Session): void {
    if (s.timer) clearTimeout(s.timer);
    s.timer = null;
    if (s.state !== 'ACTIVE' || this.closing || !s.vendor) return;
    const due = Math.min(s.nextKeepaliveAt, s.lastUsedAt + this.o.idleTimeoutMs);
    s.timer = setTimeout(() => void this.tick(s), Math.max(0, due - Date.now()));
    s.timer.unref();
  }

  private tick(s: Session): void {
    s.timer = null;
    this.run(s, async () => {
      if (s.state !== 'ACTIVE' || this.closing || !s.vendor) return;
      const now = Date.now();
      if (now >= s.lastUsedAt + this.o.idleTimeoutMs) {
        this.log.debug({ session: s.id }, 'stream session idle: stopping');
        await this.stopVendor(s);
        return this.finish(s, 'STOPPED');
      }
      if (now >= s.nextKeepaliveAt) {
        try {
          await this.handlersFor(s.camera.adapter, s.camera.instance).keepalive({ ...s.vendor, mode: s.request.mode });
          s.nextKeepaliveAt = Date.now() + s.vendor.keepaliveIntervalMs;
        } catch (err) {
          await this.restart(s, err);
        }
      }
      this.schedule(s);
    }).catch((err) => this.log.error({ err, session: s.id }, 'stream session timer failed'));
  }

  /** After a failed keepalive: stop what is left at the vendor, open a new vendor session under the same id. */
  private async restart(s: Session, cause: unknown): Promise<void> {
    this.log.warn({ session: s.id, err: messageOf(cause) }, 'stream keepalive failed: restarting the vendor session');
    s.state = 'STARTING';
    this.publish(s);
    await this.stopVendor(s);
    s.urls.clear();
    try {
      const handlers = this.handlersFor(s.camera.adapter, s.camera.instance);
      this.activate(s, await this.openVendor(s, handlers));
    } catch (err) {
      this.finish(s, 'FAILED', err);
    }
  }

  /** Best effort: a vendor that already forgot the session, or is down, only gets logged. */
  private async stopVendor(s: Session): Promise<void> {
    if (!s.vendor) return;
    try {
      await this.handlersFor(s.camera.adapter, s.camera.instance).stop({ ...s.vendor, mode: s.request.mode });
    } catch (err) {
      this.log.warn({ session: s.id, vendorSession: s.vendor.vendorSessionId, err: messageOf(err) }, 'vendor stream stop failed');
    }
  }

  /** Run `op` after the session's previous operation. */
  private run(s: Session, op: () => Promise<void>): Promise<void> {
    const next = (s.busy ?? Promise.resolve()).catch(() => {}).then(op);
    s.busy = next;
    next.then(() => {}, () => {}).finally(() => s.busy === next && (s.busy = null));
    return next;
  }

  /** Database writes of a session, in order; failures are logged (the vendor session goes on). */
  private persist(s: Session, write: () => Promise<void>): void {
    const p = (s.persisting ?? Promise.resolve()).then(write).catch((err) => this.log.error({ err, session: s.id }, 'stream session not persisted'));
    s.persisting = p;
    this.writes.add(p);
    void p.finally(() => this.writes.delete(p));
  }

  private publish(s: Session): void {
    this.hub.publish(this.view(s));
  }
}
