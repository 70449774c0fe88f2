/**
 * Delivery of one event to one sink, whatever its kind: the payload (payload.ts) with the event's
 * camera, site and absolute media URLs, then a signed webhook POST (webhook.ts) or an MQTT publish to
 * the rendered topic (mqtt.ts, one connection per sink, replaced when its URL changes). Used by the
 * sink runners and by `deliverNow` (the rules engine's port). The secret is read from the store to
 * sign and cached per sink version (updatedAt), never logged nor returned.
 */
import type { Db } from '../db/client.ts';
import type { HostPolicy } from '../http/safe-fetch.ts';
import type { MediaRef, StoredEvent } from '../events/model.ts';
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

export class SinkDelivery {
  private readonly publishers = new Map<string, { url: string; p: MqttPublisher }>();
  private readonly secrets = new Map<string, { version: number; secret: string | null }>();

  constructor(
    private readonly db: Db,
    private readonly webhooks: WebhookSender,
    private readonly policy: HostPolicy,
    private readonly describe: EventDescriber,
  ) {}

  async deliver(sink: SinkRecord, e: StoredEvent, messageId: string, signal?: AbortSignal): Promise<DeliveryOutcome> {
    const camera = e.cameraId ? await this.describe.camera(e.cameraId) : null;
    const site = camera?.siteKey ? await this.describe.site(camera.siteKey) : null;
    const payload = toSinkPayload(e, { camera, site, mediaUrl: (m) => this.describe.mediaUrl(m) });
    if (sink.kind === 'WEBHOOK') {
      const secret = await this.secret(sink);
      if (!secret) return { ok: false, gone: false, httpStatus: null, error: 'the sink has no signing secret' };
      return this.webhooks.send({ url: sink.url, secret }, messageId, JSON.stringify(payload), signal);
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
    await p?.p.close();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.publishers.keys()].map((id) => this.close(id)));
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
