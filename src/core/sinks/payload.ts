/**
 * The body a sink delivers for one event (pure), as the contract fixes it:
 * `{ type: "event", data: { id, seq, kind, vendorType, occurredAt, camera { id name }, site, plate…, media [{ role url }] } }`.
 * Ids are the GraphQL global ids (usable with `node(id:)`), seq a decimal string (it is a 64-bit
 * integer), times ISO 8601, media URLs absolute on this server (signed when the sink service mints
 * signed media URLs). The same JSON goes to webhooks and MQTT.
 */
import type { Analytics, MediaRef, PlateRead, StoredEvent } from '../events/model.ts';
import type { ListMatch } from '../plates/matcher.ts';
import { encodeGlobalId } from '../util/global-id.ts';

export interface PayloadCamera {
  /** Internal id of the logical camera (its primary source). */
  id: string;
  name: string;
}

export interface PayloadSite {
  key: string;
  name: string;
}

export interface SinkPayload {
  type: 'event';
  data: {
    id: string;
    seq: string;
    kind: string;
    vendorType: string;
    occurredAt: string;
    receivedAt: string;
    adapter: string;
    instance: string;
    camera: { id: string; name: string } | null;
    site: { id: string; key: string; name: string } | null;
    plate: PlateRead | null;
    analytics: Analytics | null;
    listMatches: Array<{ listId: string; listName: string; kind: string; distance: number }>;
    media: Array<{ role: string; url: string; contentType: string }>;
  };
}

export interface PayloadContext {
  camera: PayloadCamera | null;
  site: PayloadSite | null;
  /** Absolute URL of a media item. */
  mediaUrl(m: MediaRef): string;
}

export function toSinkPayload(e: Omit<StoredEvent, 'data' | 'raw'>, ctx: PayloadContext): SinkPayload {
  return {
    type: 'event',
    data: {
      id: encodeGlobalId(e.typeName, e.seq),
      seq: e.seq.toString(),
      kind: e.kind,
      vendorType: e.vendorType,
      occurredAt: e.occurredAt.toISOString(),
      receivedAt: e.receivedAt.toISOString(),
      adapter: e.adapter,
      instance: e.instance,
      camera: ctx.camera ? { id: encodeGlobalId('Camera', ctx.camera.id), name: ctx.camera.name } : null,
      site: ctx.site ? { id: encodeGlobalId('Site', ctx.site.key), key: ctx.site.key, name: ctx.site.name } : null,
      plate: e.plate ?? null,
      analytics: e.analytics ?? null,
      listMatches: (e.listMatches ?? []).map((m: ListMatch) => ({ listId: encodeGlobalId('PlateList', m.listId), listName: m.listName, kind: m.kind, distance: m.distance })),
      media: e.media.map((m) => ({ role: m.role, url: ctx.mediaUrl(m), contentType: m.contentType })),
    },
  };
}
