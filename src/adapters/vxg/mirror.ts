/**
 * Mirrors VXG stored events into the unified log. VXG has no public push channel for events, so one
 * poller per instance reads `storage/events` of each camera by time (ascending, paged), from the
 * newest time seen minus an overlap (late arrivals), skipping ids already seen; the core's dedupe
 * key `vxg:<id>` catches anything that slips through (e.g. after a restart). The cursor (newest
 * time + ids seen within the overlap) is kept in the instance state. Thumbnails are fetched into
 * the media store; a failed fetch never drops the event. Failures: DEGRADED with a detail, backoff
 * with jitter; one request in flight per camera. The poll loop runs on one server instance of the
 * deployment (the adapter starts it under ctx.runExclusive); ingest() of created events on any.
 */
import { AppError, backoffDelay, type AdapterContext, type MediaInput, type PublishResult } from '../../sdk.ts';
import type { VxgCameraRuntime } from './actions.ts';
import type { VxgConfig } from './config.ts';
import { capabilitiesOf, downloadLooksLikeImage, isImageBytes, mapVxgEvent, type VxgStoredEvent } from './map.ts';
import { combineHealth } from '../../sdk.ts';

interface Cursor {
  /** Newest event time seen (ms). */
  newest: number;
  /** id → time (ms) of events seen within the overlap window. */
  seen: Map<string, number>;
  /** Where a poll that hit maxPagesPerPoll stopped: the next poll continues there. */
  resume: { start: number; offset: number } | null;
}

const MAX_SEEN = 5000;
const MAX_BACKOFF_MS = 60_000;
/** Clock skew tolerated when an event's time moves the cursor. */
const MAX_FUTURE_MS = 60_000;

export class VxgMirror {
  private readonly cursors = new Map<string, Cursor>();
  private readonly problems = new Map<string, string>();
  private failures = 0;
  private wakeUp: (() => void) | null = null;
  /** A wake() that came while polling: poll again at once. */
  private woken = false;
  private loop: Promise<void> | null = null;
  /** The current run's signal (instance stop or lease loss); the instance's when not running. */
  private polling: AbortSignal;

  constructor(
    private readonly ctx: AdapterContext<VxgConfig>,
    private readonly cameras: readonly VxgCameraRuntime[],
    private readonly secrets: readonly string[],
    /** Aborted when the instance stops (before the core's own signal is). */
    private readonly signal: AbortSignal,
  ) {
    this.polling = signal;
  }

  /**
   * Poll until the instance stops or `until` aborts (the lease of this server instance ended).
   * Cursors are read again from the instance state at each start: another server instance may
   * have moved them meanwhile.
   */
  start(until?: AbortSignal): void {
    if (this.loop) return;
    this.cursors.clear();
    this.failures = 0;
    const signal = until ? AbortSignal.any([this.signal, until]) : this.signal;
    this.polling = signal;
    this.loop = this.run(signal).finally(() => {
      this.loop = null;
      this.polling = this.signal;
      this.cursors.clear(); // not polling here: willSee() is false, created events are mirrored at once
      for (const k of [...this.problems.keys()]) if (k.startsWith('poll:')) this.problems.delete(k);
      this.failures = 0;
      this.report();
    });
  }

  /** Resolves when the loop has ended (after `signal` is aborted). */
  async stop(): Promise<void> {
    this.wake();
    await this.loop;
  }

  /** Poll now instead of at the next tick (after a trigger or create). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Poll every camera once (exposed for tests and start-up). */
  async pollAll(): Promise<void> {
    for (const cam of this.cameras) {
      if (this.polling.aborted) return;
      try {
        await this.pollCamera(cam);
        this.problems.delete(`poll:${cam.vendorId}`);
      } catch (e) {
        if (this.polling.aborted) return;
        const msg = e instanceof AppError ? e.message : 'unexpected error (see the log)';
        if (!(e instanceof AppError)) this.ctx.log.error({ err: e, camid: cam.channel.camid }, 'VXG poll failed');
        else this.ctx.log.warn({ code: e.code, detail: e.message, camid: cam.channel.camid }, 'VXG poll failed');
        this.problems.set(`poll:${cam.vendorId}`, `camera ${cam.vendorId}: ${msg}`);
      }
    }
    const failing = [...this.problems.keys()].some((k) => k.startsWith('poll:'));
    this.failures = failing ? this.failures + 1 : 0;
    this.report();
  }

  /** Record (or clear, with null) a problem that makes the instance DEGRADED, e.g. event types unreadable. */
  setProblem(key: string, detail: string | null): void {
    if (detail) this.problems.set(key, detail);
    else this.problems.delete(key);
    this.report();
  }

  /** Whether an event at `time` will be seen by the next poll (it is within the window). */
  willSee(cam: VxgCameraRuntime, time: Date): boolean {
    const c = this.cursors.get(cam.vendorId);
    return !!c && time.getTime() >= c.newest - this.ctx.config.pollOverlapSec * 1000;
  }

  /** Map, attach media, publish. */
  async ingest(cam: VxgCameraRuntime, ev: VxgStoredEvent): Promise<PublishResult> {
    const input = mapVxgEvent(ev, { vendorId: cam.vendorId, name: cam.channel.name, capabilities: capabilitiesOf(cam.types.current) }, this.secrets);
    const media = await this.media(cam, ev);
    let r: PublishResult;
    try {
      r = await this.ctx.publish({ ...input, media });
    } catch (e) {
      // Bytes the media store refuses must not cost the event: store it without them.
      if (!(e instanceof AppError) || !media.length || (e.code !== 'UNSUPPORTED_MEDIA_TYPE' && e.code !== 'PAYLOAD_TOO_LARGE')) throw e;
      this.ctx.count('media.refused');
      r = await this.ctx.publish(input);
    }
    this.ctx.count(r.duplicate ? 'events.duplicate' : 'events.mirrored');
    return r;
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      this.woken = false;
      await this.pollAll();
      if (this.woken) continue;
      const base = this.ctx.config.pollIntervalSec * 1000;
      const behind = [...this.cursors.values()].some((c) => c.resume);
      const delay = this.failures ? backoffDelay(this.failures, { baseMs: base, capMs: MAX_BACKOFF_MS }) : behind ? 0 : base;
      const { clock } = this.ctx;
      await new Promise<void>((resolve) => {
        const done = () => {
          clock.clearTimeout(t);
          signal.removeEventListener('abort', done);
          this.wakeUp = null;
          resolve();
        };
        const t = clock.setTimeout(done, delay);
        this.wakeUp = done;
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  private async cursorOf(cam: VxgCameraRuntime): Promise<Cursor> {
    let c = this.cursors.get(cam.vendorId);
    if (c) return c;
    const saved = await this.ctx.state.get<{ newest: string; seen: Array<[string, number]> } | null>(`cursor:${cam.vendorId}`);
    const newest = saved ? Date.parse(saved.newest) : this.ctx.clock.now().getTime() - this.ctx.config.backfillSec * 1000;
    c = { newest: Number.isFinite(newest) ? newest : this.ctx.clock.nowMs(), seen: new Map(saved?.seen ?? []), resume: null };
    this.cursors.set(cam.vendorId, c);
    return c;
  }

  private async pollCamera(cam: VxgCameraRuntime): Promise<void> {
    const cfg = this.ctx.config;
    const c = await this.cursorOf(cam);
    const start = c.resume?.start ?? Math.max(0, c.newest - cfg.pollOverlapSec * 1000);
    let offset = c.resume?.offset ?? 0;
    const before = c.newest;
    let changed = false;
    try {
      for (let pages = 0; ; pages++) {
        if (pages >= cfg.maxPagesPerPoll) {
          c.resume = { start, offset };
          break;
        }
        const page = await cam.client.listStoredEvents({ start: new Date(start), limit: cfg.pageSize, offset });
        for (const why of page.bad) {
          this.ctx.reportRejected('BAD_USER_INPUT');
          this.ctx.log.warn({ camid: cam.channel.camid, why }, 'VXG stored event skipped: unreadable');
        }
        for (const ev of page.events) {
          if (c.seen.has(ev.id) || ev.camid !== cam.channel.camid) continue;
          await this.ingest(cam, ev);
          c.seen.set(ev.id, ev.time.getTime());
          // An event dated in the future (created with a future time) must not move the window past now.
          c.newest = Math.max(c.newest, Math.min(ev.time.getTime(), this.ctx.clock.now().getTime() + MAX_FUTURE_MS));
          changed = true;
        }
        offset += page.count;
        if (!page.more) {
          c.resume = null;
          break;
        }
      }
    } finally {
      if (changed) await this.save(cam, c).catch((e) => this.ctx.log.warn({ err: e }, 'VXG cursor not saved'));
      if (c.newest !== before) this.prune(c);
    }
  }

  private prune(c: Cursor): void {
    const floor = c.newest - this.ctx.config.pollOverlapSec * 1000;
    for (const [id, t] of c.seen) if (t < floor) c.seen.delete(id);
    if (c.seen.size > MAX_SEEN) {
      const newest = [...c.seen].sort((a, b) => b[1] - a[1]).slice(0, MAX_SEEN);
      c.seen = new Map(newest);
    }
  }

  private save(cam: VxgCameraRuntime, c: Cursor): Promise<void> {
    const seen = [...c.seen].sort((a, b) => b[1] - a[1]).slice(0, MAX_SEEN);
    return this.ctx.state.set(`cursor:${cam.vendorId}`, { newest: new Date(c.newest).toISOString(), seen });
  }

  private async media(cam: VxgCameraRuntime, ev: VxgStoredEvent): Promise<MediaInput[]> {
    if (!this.ctx.config.fetchMedia) return [];
    const wanted: Array<{ url: string; role: MediaInput['role'] }> = [];
    if (ev.thumbUrl) wanted.push({ url: ev.thumbUrl, role: 'SNAPSHOT' });
    if (ev.downloadUrl && downloadLooksLikeImage(ev)) wanted.push({ url: ev.downloadUrl, role: 'FRAME' });
    const out: MediaInput[] = [];
    for (const w of wanted) {
      try {
        const { data, contentType } = await cam.client.fetchLink(w.url, this.ctx.config.maxImageBytes);
        if (!isImageBytes(data)) throw new AppError('UNSUPPORTED_MEDIA_TYPE', `not an image (${contentType ?? 'no content type'})`);
        out.push({ role: w.role, data: new Uint8Array(data), contentType });
      } catch (e) {
        if (this.signal.aborted) throw e;
        this.ctx.count('media.failed');
        this.ctx.log.warn(
          { camid: cam.channel.camid, vxgId: ev.id, role: w.role, code: e instanceof AppError ? e.code : 'INTERNAL', detail: (e as Error).message },
          'VXG media not stored; event kept with its link',
        );
      }
    }
    return out;
  }

  private report(): void {
    const { status, detail } = combineHealth([...this.problems.values()].map((d) => ({ status: 'DEGRADED', detail: d })));
    this.ctx.setStatus(status, detail?.slice(0, 500));
  }
}
