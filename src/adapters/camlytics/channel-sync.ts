/**
 * Channels become cameras: the channel list is read at start and every `channelRefreshSec`; each
 * channel is upserted ONLINE with its name and credential-free stream URI in `details`; a known
 * camera missing from a successfully read list goes OFFLINE. One request at a time; failures show
 * in the instance status and are retried with backoff.
 */
import { isAppError, sleep, type CameraInfo, type CameraRegistry } from '../../sdk.ts';
import { statusOf, type CamlyticsClient } from './client.ts';
import type { CamlyticsConfig } from './config.ts';
import { parseChannelList, type CamlyticsChannel } from './channels.ts';
import type { CamlyticsHealth } from './health.ts';
import { describeFailure, retryDelay } from './poller.ts';

export interface ChannelSyncDeps {
  client: Pick<CamlyticsClient, 'channels'>;
  config: CamlyticsConfig;
  cameras: Pick<CameraRegistry, 'upsert' | 'setStatus' | 'list'>;
  health: CamlyticsHealth;
  count(counter: string, by?: number): void;
  log: { warn(o: object, m: string): void; debug(o: object, m: string): void };
  /** The abortable sleep (default: the SDK's, on real time; the adapter passes ctx.clock.sleep). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** What a channel stores on its camera (never credentials). */
export function channelDetails(ch: CamlyticsChannel): Record<string, unknown> {
  return { channelId: ch.id, streamUri: ch.streamUri, streamUriHadCredentials: ch.streamUriHadCredentials };
}

export class ChannelSync {
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  /** Last upserted form per channel: unchanged channels are not written again. */
  private readonly written = new Map<string, string>();

  constructor(private readonly d: ChannelSyncDeps) {}

  start(parent?: AbortSignal): void {
    parent?.addEventListener('abort', () => this.abort.abort(), { once: true });
    this.loop ??= this.run().catch((err) => this.d.log.warn({ err }, 'Camlytics channel loop ended unexpectedly'));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { config: c, health } = this.d;
    const signal = this.abort.signal;
    const everyMs = c.channelRefreshSec * 1000;
    let failures = 0;
    while (!signal.aborted) {
      try {
        await this.refresh(signal);
        failures = 0;
        health.ok('channels');
        await (this.d.sleep ?? sleep)(everyMs, signal);
      } catch (err) {
        if (signal.aborted) break;
        failures++;
        this.d.count('channels.failures');
        const delay = Math.min(everyMs, retryDelay(failures, c));
        const hint = statusOf(err) === 404 ? ' (set channelsPath to the right path, or null to stop listing channels)' : '';
        health.problem('channels', 'DEGRADED', `${describeFailure(err)}${hint}`);
        if (failures === 1) this.d.log.warn({ err: isAppError(err) ? err.message : err }, 'Camlytics channel list failed');
        await (this.d.sleep ?? sleep)(delay, signal);
      }
    }
  }

  /** Read the list once and bring the cameras in line with it. */
  async refresh(signal: AbortSignal): Promise<void> {
    const { config: c, cameras } = this.d;
    const body = await this.d.client.channels({ timeoutMs: Math.round(c.requestGraceSec * 1000), signal });
    const { channels, skipped } = parseChannelList(body);
    if (skipped) this.d.count('channels.skipped', skipped);
    const known = new Map<string, CameraInfo>((await cameras.list()).map((cam) => [cam.vendorId.toLowerCase(), cam]));
    const present = new Set<string>();
    for (const ch of channels) {
      const cam = known.get(ch.id.toLowerCase());
      const vendorId = cam?.vendorId ?? ch.id; // keep the spelling events already used
      present.add(vendorId.toLowerCase());
      const name = ch.name ?? cam?.name ?? ch.id;
      const form = JSON.stringify([name, channelDetails(ch)]);
      if (this.written.get(vendorId) === form && cam?.status === 'ONLINE') continue;
      await cameras.upsert({ vendorId, name, status: 'ONLINE', capabilities: [], details: channelDetails(ch) });
      this.written.set(vendorId, form);
      this.d.count('channels.upserted');
    }
    for (const cam of known.values()) {
      if (present.has(cam.vendorId.toLowerCase()) || cam.status === 'OFFLINE') continue;
      await cameras.setStatus(cam.vendorId, 'OFFLINE');
      this.written.delete(cam.vendorId);
      this.d.count('channels.offline');
    }
    this.d.count('channels.refreshed');
  }
}
