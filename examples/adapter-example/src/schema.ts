/**
 * GraphQL additions, every name prefixed "HmacWebhook" / "hmacWebhook": the event type (an Event
 * and an AnalyticsEvent with the vendor's fields) and a query of an instance's delivery counters.
 */
import type { Builder, CoreRefs, StoredEvent } from 'unified-surveillance-api/sdk';
import { EVENT_TYPE_NAME } from './map.ts';
import type { DeliveryStats } from './stats.ts';

/** What the running instance offers its own resolvers (RunningAdapter.api). */
export interface HmacWebhookApi {
  stats(): DeliveryStats;
}

export function addHmacWebhookSchema(builder: Builder, refs: CoreRefs, adapterType: string): void {
  refs.eventType(EVENT_TYPE_NAME, {
    description: 'An event a vendor pushed as a signed JSON webhook.',
    interfaces: [refs.AnalyticsEvent],
    fields: (t) => ({
      eventId: t.string({ description: "The vendor's event id (the same on every retry)", resolve: (ev: StoredEvent) => String(ev.data.eventId ?? '') }),
      payload: t.field({ type: 'JSON', nullable: true, description: 'The `data` object of the webhook, as sent', resolve: (ev: StoredEvent) => ev.data.payload ?? null }),
    }),
  });

  const Stats = builder.objectRef<DeliveryStats>('HmacWebhookStats').implement({
    description: 'Deliveries an instance received since it started.',
    fields: (t) => ({
      received: t.exposeInt('received'),
      stored: t.exposeInt('stored'),
      duplicates: t.exposeInt('duplicates', { description: 'Retries of events already stored' }),
      badSignatures: t.exposeInt('badSignatures'),
      badPayloads: t.exposeInt('badPayloads'),
      lastDeliveryAt: t.field({ type: 'DateTime', nullable: true, resolve: (s) => s.lastDeliveryAt }),
    }),
  });

  builder.queryFields((t) => ({
    hmacWebhookStats: t.field({
      type: Stats,
      nullable: true,
      description: 'Delivery counters of one instance; null when it is not running.',
      args: { instance: t.arg.string({ required: true }) },
      resolve: (_root, { instance }, ctx) => (ctx.services.adapterApi(adapterType, instance) as HmacWebhookApi | null)?.stats() ?? null,
    }),
  }));
}
