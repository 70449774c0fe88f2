/**
 * Delivery of one event to one sink, whatever its kind: the payload (payload.ts) with the event's
 * camera, site and absolute media URLs, then a signed webhook POST (webhook.ts) or an MQTT publish to
 * the rendered topic (mqtt.ts, one connection per sink, replaced when its URL changes). Used by the
 * sink runners and by `deliverNow` (the rules engine's port). The secret is read from the store to
 * sign and cached per sink version (updatedAt), never logged nor returned.
 */
import type { Db } from '../db/client.ts';
import type { HostPolicy } from '../http/safe-fetch.ts';
import type { EventHead } from '../db/event-repo.ts';
import type { MediaRef } from '../events/model.ts';
import { MqttPublisher } from './mqtt.ts';
import { type PayloadCamera, type PayloadSite, toSinkPayload } from './payload.ts';
import { secretOf, type SinkRecord } from './repo.ts';
import { DEFAULT_TOPIC, renderTopic } from './topic.ts';
import type { DeliveryOutcome, WebhookSender } from './webhook.ts';

export interface EventDescriber {
  /** The logical camera of a source id (name, site key); null when unknown. */
  camera(id: string): Promise<(PayloadCamera & { siteKey?: string | null; key?: string | null }) | null>;
  site(key: string): Promise<PayloadSite | null>;
  /** Absolute URL of a media item (signed when the server mints signed media URLs). */
  mediaUrl(m: MediaRef): string;
}

type DescribedCamera = Awaited<ReturnType<EventDescriber['camera']>>;

/** One sink's delivery context for a batch (SinkDelivery.prepare). */
export interface PreparedSink {
  sink: SinkRecord;
  cameras: ReadonlyMap<string, DescribedCamera>;
  sites: ReadonlyMap<string, PayloadSite | null>;
  secret: string | null;
}

export class SinkDelivery {
  private readonly publishers = new Map<string, { url: string; p: MqttPublisher }>();
  private readonly secrets = new Map<string, { version: number; secret: string | null }>();

  constructor(
    private readonly db: Db,
    private readonly webhooks: WebhookSender,
    private readonly policy: HostPolicy,
    private readonly describe: EventDescriber,
  ) {}

  /** Deliver one event now (the rules engine's `deliverNow`). */
  async deliver(sink: SinkRecord, e: EventHead, messageId: string, signal?: AbortSignal): Promise<DeliveryOutcome> {
    return this.send(await this.prepare(sink, [e]), e, messageId, signal);
  }

  /** What delivering these events needs, looked up once for all of them: their cameras and sites, the sink's secret. */
  async prepare(sink: SinkRecord, events: readonly EventHead[]): Promise<PreparedSink> {
    const cameraIds = [...new Set(events.map((e) => e.cameraId).filter((id): id is string => !!id))];
    const cameras = new Map(await Promise.all(cameraIds.map(async (id) => [id, await this.describe.camera(id)] as const)));
    const siteKeys = [...new Set([...cameras.values()].map((c) => c?.siteKey).filter((k): k is string => !!k))];
    const sites = new Map(await Promise.all(siteKeys.map(async (k) => [k, await this.describe.site(k)] as const)));
    const secret = sink.kind === 'WEBHOOK' ? await this.secret(sink) : null;
    return { sink, cameras, sites, secret };
  }

  /**
   * Send one prepared event. The request (or publish) is handed to its connection before this
   * returns its promise, so calls made in seq order go out in seq order.
   */
  send(p: PreparedSink, e: EventHead, messageId: string, signal?: AbortSignal): Promise<DeliveryOutcome> {
    const { sink } = p;
    const camera = e.cameraId ? (p.cameras.get(e.cameraId) ?? null) : null;
    const site = camera?.siteKey ? (p.sites.get(camera.siteKey) ?? null) : null;
    const payload = toSinkPayload(e, { camera, site, mediaUrl: (m) => this.describe.mediaUrl(m) });
    if (sink.kind === 'WEBHOOK') {
      if (!p.secret) return Promise.resolve({ ok: false, gone: false, httpStatus: null, error: 'the sink has no signing secret' });
      return this.webhooks.send({ client: sink.id, url: sink.url, secret: p.secret }, messageId, JSON.stringify(payload), signal);
    }
    const topic = renderTopic(sink.topic ?? DEFAULT_TOPIC, { site: site?.key, camera: camera?.key ?? camera?.name ?? e.cameraId, kind: e.kind, adapter: e.adapter });
    const body = JSON.stringify({ ...payload, id: messageId });
    return this.publisher(sink).publish(topic, body, (sink.qos ?? 1) as 0 | 1 | 2);
  }

  /** Drop the sink's connection and cached secret (stopped or deleted). */
  async close(sinkId: string): Promise<void> {
    this.secrets.delete(sinkId);
    const p = this.publishers.get(sinkId);
    this.publishers.delete(sinkId);
    await Promise.all([p?.p.close(), this.webhooks.close(sinkId)]);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.publishers.keys()].map((id) => this.close(id)));
    await this.webhooks.closeAll();
  }

  private async secret(sink: SinkRecord): Promise<string | null> {
    const version = sink.updatedAt.getTime();
    const hit = this.secrets.get(sink.id);
    if (hit && hit.version === version) return hit.secret;
    const secret = await secretOf(this.db, sink.id);
    this.secrets.set(sink.id, { version, secret });
    return secret;
  }

  private publisher(sink: SinkRecord): MqttPublisher {
    const hit = this.publishers.get(sink.id);
    if (hit && hit.url === sink.url) return hit.p;
    if (hit) void hit.p.close();
    const p = new MqttPublisher(sink.url, this.policy, `usa-sink-${sink.id.slice(0, 8)}`);
    this.publishers.set(sink.id, { url: sink.url, p });
    return p;
  }
}
