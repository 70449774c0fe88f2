/**
 * Keeps the cameras of an IVMS instance in step with its channels: every `refreshMs` (after a
 * failure: backoff from 1 s up to `refreshMs`) it reads channel, channel/status and channel/count,
 * upserts the cameras that changed, marks cameras no longer listed OFFLINE, and reports problems:
 * list unreachable → 'down'; status or count unreadable, or count ≠ list → 'warn'.
 */
import { backoffDelay, type CameraRegistry, type CameraStatus, type CameraUpsert, type Clock, type Timer } from '../../sdk.ts';
import type { IvmsClient } from './client.ts';
import { countMismatch, parseChannelStatuses, parseChannels } from './channels.ts';
import { parseChannelCount } from './envelope.ts';
import type { Health } from './health.ts';

export interface ChannelSyncOptions {
  client: IvmsClient;
  cameras: CameraRegistry;
  health: Health;
  refreshMs: number;
  count(counter: string, by?: number): void;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /** Refresh timers (ctx.clock). */
  clock: Clock;
}

export const CHANNELS_PART = 'channels';

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class ChannelSync {
  /** Channel ids of the last successful list (alerts for these never rename the camera). */
  known: ReadonlySet<string> = new Set();
  private timer: Timer | null = null;
  private running: Promise<void> | null = null;
  private failures = 0;
  private stopped = false;
  /** vendorId → what was last written, so unchanged cameras are not rewritten every refresh. */
  private readonly written = new Map<string, string>();

  constructor(private readonly options: ChannelSyncOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.options.clock.clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
  }

  /** One refresh now (the scheduled one is replaced); resolves when done. */
  refreshNow(): Promise<void> {
    this.options.clock.clearTimeout(this.timer);
    this.timer = null;
    return (this.running ??= this.refresh().finally(() => {
      this.running = null;
    }));
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.options.clock.clearTimeout(this.timer);
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = null;
      void this.refreshNow();
    }, ms);
    this.timer.unref();
  }

  private async refresh(): Promise<void> {
    let list: unknown[];
    try {
      list = await this.options.client.call(['channel'], { what: 'channel list' });
    } catch (e) {
      if (this.stopped) return;
      const delay = Math.min(this.options.refreshMs, backoffDelay(this.failures++, { baseMs: 1000, capMs: this.options.refreshMs }));
      this.options.count('channels.refresh_failed');
      this.options.health.problem(CHANNELS_PART, `${messageOf(e)} (retry in ${Math.ceil(delay / 1000)} s)`);
      this.options.log.warn({ err: messageOf(e), retryMs: delay }, 'IVMS channel list failed');
      return this.schedule(delay);
    }
    this.failures = 0;
    const warnings: string[] = [];
    const parsed = parseChannels(list);
    if (parsed.invalid) {
      this.options.count('channels.invalid', parsed.invalid);
      warnings.push(`${parsed.invalid} channel entries without a usable id`);
    }
    const [statuses, count] = await Promise.all([
      this.options.client.call(['channel', 'status'], { what: 'channel status' }).then(parseChannelStatuses, (e) => {
        warnings.push(`channel status unavailable: ${messageOf(e)}`);
        return null;
      }),
      this.options.client.call(['channel', 'count'], { what: 'channel count' }).then(parseChannelCount, (e) => {
        warnings.push(`channel count unavailable: ${messageOf(e)}`);
        return null;
      }),
    ]);
    const mismatch = countMismatch(count, parsed.cameras.length + parsed.invalid + parsed.duplicates);
    if (mismatch) warnings.push(mismatch);
    if (this.stopped) return;

    try {
      await this.apply(parsed.cameras, statuses);
    } catch (e) {
      if (this.stopped) return;
      warnings.push(`cameras not saved: ${messageOf(e)}`);
    }
    this.options.count('channels.refreshed');
    if (warnings.length) this.options.health.problem(CHANNELS_PART, warnings.join('; '), 'warn');
    else this.options.health.ok(CHANNELS_PART);
    this.schedule(this.options.refreshMs);
  }

  private async apply(cameras: CameraUpsert[], statuses: Map<string, CameraStatus> | null): Promise<void> {
    const ids = new Set(cameras.map((c) => c.vendorId));
    for (const cam of cameras) {
      if (this.stopped) return;
      const status = statuses ? (statuses.get(cam.vendorId) ?? 'UNKNOWN') : undefined;
      const next = { ...cam, ...(status ? { status } : {}) };
      const sig = JSON.stringify(next);
      if (this.written.get(cam.vendorId) === sig) continue;
      await this.options.cameras.upsert(next);
      this.written.set(cam.vendorId, sig);
    }
    this.known = ids;
    for (const c of await this.options.cameras.list()) {
      if (ids.has(c.vendorId) || c.status === 'OFFLINE') continue;
      await this.options.cameras.setStatus(c.vendorId, 'OFFLINE');
      this.written.delete(c.vendorId);
      this.options.count('channels.gone');
    }
  }
}
