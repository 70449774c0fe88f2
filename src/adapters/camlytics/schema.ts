/**
 * GraphQL additions of the Camlytics adapter: CamlyticsEvent (Event & AnalyticsEvent with the
 * Camlytics fields), Camera.camlyticsChannel (stream URI without credentials) and the
 * camlyticsAggregates query over stored hourly/daily webhook aggregates.
 */
import { badInput, decodeGlobalId, notFound, type StoredEvent } from '../../sdk.ts';
import { requireScope, type Builder, type CoreRefs, type GraphQLContext } from '../../sdk/graphql.ts';
import { AGGREGATE_GRANULARITIES, type AggregateGranularity, type EventTypeCount, type RuleCount } from './aggregate.ts';
import { aggregateMatch, asStoredAggregate, toBucket, type AggregateBucket, type AggregateFilter } from './aggregate-query.ts';
import { CAMLYTICS_EVENT_TYPE } from './map.ts';
import { AGGREGATES_COLLECTION } from './webhook.ts';

const str = (ev: StoredEvent, k: string): string | null => (typeof ev.data[k] === 'string' ? (ev.data[k] as string) : null);
const bad = (message: string) => badInput(message);

/** A Camera argument: its Relay global id or the raw `camlytics/<instance>/<channelId>`. */
export function cameraChannel(id: string, adapterType: string): { instance: string; channelId: string } {
  const raw = /^[a-z]/.test(id) ? id : decodeGlobalId(id, 'Camera', 'cameraId'); // an internal camera id starts with its adapter type
  const m = /^([^/]+)\/([^/]+)\/(.+)$/.exec(raw);
  if (!m || m[1] !== adapterType) throw bad(`cameraId: ${JSON.stringify(id)} is not a Camlytics camera`);
  return { instance: m[2], channelId: m[3] };
}

interface AggregateArgs {
  instance?: string | null;
  cameraId?: string | number | null;
  channelId?: string | null;
  granularity?: AggregateGranularity | null;
  from?: Date | null;
  to?: Date | null;
  ruleId?: string | null;
  ruleName?: string | null;
  eventType?: string | null;
  first?: number | null;
}

async function queryAggregates(ctx: GraphQLContext, adapterType: string, args: AggregateArgs): Promise<AggregateBucket[]> {
  const instances = ctx.services
    .adapters()
    .filter((a) => a.type === adapterType)
    .map((a) => a.id);
  let wanted = args.instance ? [args.instance] : instances;
  let channelId = args.channelId ?? null;
  if (args.cameraId !== null && args.cameraId !== undefined) {
    const cam = cameraChannel(String(args.cameraId), adapterType);
    if (args.instance && args.instance !== cam.instance) throw bad(`cameraId belongs to instance "${cam.instance}", not "${args.instance}"`);
    if (channelId && channelId !== cam.channelId) throw bad('cameraId and channelId name different channels');
    wanted = [cam.instance];
    channelId = cam.channelId;
  }
  for (const i of wanted) if (!instances.includes(i)) throw notFound(`no ${adapterType} instance "${i}"`);
  if (args.from && args.to && args.from > args.to) throw bad('from: must not be after to');
  const first = Math.max(0, Math.min(args.first ?? 500, 10_000));
  const filter: AggregateFilter = { granularity: args.granularity, channelId, ruleId: args.ruleId, ruleName: args.ruleName, eventType: args.eventType };
  const match = aggregateMatch(filter);
  const buckets: AggregateBucket[] = [];
  for (const instance of wanted) {
    const rows = await ctx.services.records(adapterType, instance).query(AGGREGATES_COLLECTION, { from: args.from, to: args.to, match, order: 'asc', limit: first });
    for (const r of rows) {
      const a = asStoredAggregate(r.data);
      if (a) buckets.push(toBucket(instance, a, filter));
    }
  }
  return buckets.sort((x, y) => x.since.getTime() - y.since.getTime() || x.channelId.localeCompare(y.channelId)).slice(0, first);
}

export function addCamlyticsSchema(builder: Builder, refs: CoreRefs, adapterType: string): void {
  const Delivery = builder.enumType('CamlyticsDelivery', {
    description: 'How the stored copy of a Camlytics event arrived (the first delivery wins).',
    values: ['POLL', 'WEBHOOK'] as const,
  });
  refs.eventType(CAMLYTICS_EVENT_TYPE, {
    description: 'A Camlytics video-analytics event (line crossed, zone joined, motion, ...), from the REST long-poll or the immediate webhook.',
    interfaces: [refs.AnalyticsEvent],
    fields: (t) => ({
      eventId: t.string({ nullable: true, description: 'REST event_id; null when the event was first delivered by webhook (webhooks carry none)', resolve: (ev) => str(ev, 'eventId') }),
      channelId: t.string({ description: 'Camlytics channel (the camera’s vendor id)', resolve: (ev) => str(ev, 'channelId') ?? '' }),
      channelName: t.string({ nullable: true, resolve: (ev) => str(ev, 'channelName') }),
      eventName: t.string({ description: 'The label the app shows, e.g. "Line crossed"', resolve: (ev) => str(ev, 'eventName') ?? ev.vendorType }),
      timeText: t.string({ nullable: true, description: 'The event time as Camlytics sent it (7 fractional digits and offset)', resolve: (ev) => str(ev, 'timeText') }),
      snapshotPath: t.string({ nullable: true, description: 'Snapshot file path on the Camlytics host (not a URL)', resolve: (ev) => str(ev, 'snapshotPath') }),
      videoFileName: t.string({ nullable: true, resolve: (ev) => str(ev, 'videoFileName') }),
      videoFileTime: t.string({ nullable: true, resolve: (ev) => str(ev, 'videoFileTime') }),
      deliveredBy: t.field({ type: Delivery, nullable: true, resolve: (ev) => (ev.data.deliveredBy === 'POLL' || ev.data.deliveredBy === 'WEBHOOK' ? ev.data.deliveredBy : null) }),
    }),
  });

  type Channel = { channelId: string; streamUri: string | null; streamUriHadCredentials: boolean };
  const ChannelRef = builder.objectRef<Channel>('CamlyticsChannel').implement({
    description: 'The Camlytics channel behind a camera.',
    fields: (t) => ({
      channelId: t.exposeString('channelId'),
      streamUri: t.string({ nullable: true, description: 'The channel’s stream URI with any credentials removed (user info and credential-like query parameters)', resolve: (c) => c.streamUri }),
      streamUriHadCredentials: t.boolean({ description: 'Credentials were removed from the URI: a player must supply its own', resolve: (c) => c.streamUriHadCredentials }),
    }),
  });
  builder.objectField(refs.Camera, 'camlyticsChannel', (t) =>
    t.field({
      type: ChannelRef,
      nullable: true,
      description: 'For a Camlytics channel: its stream URI and channel id; null for other cameras.',
      resolve: (cam) => {
        if (cam.adapter !== adapterType) return null;
        const d = cam.details ?? {};
        return { channelId: cam.vendorId, streamUri: typeof d.streamUri === 'string' ? d.streamUri : null, streamUriHadCredentials: d.streamUriHadCredentials === true };
      },
    }),
  );

  const Granularity = builder.enumType('CamlyticsAggregateGranularity', { values: AGGREGATE_GRANULARITIES });
  const TypeCount = builder.objectRef<EventTypeCount>('CamlyticsEventTypeCount').implement({
    fields: (t) => ({
      eventType: t.exposeString('eventType'),
      eventName: t.string({ nullable: true, resolve: (e) => e.eventName ?? null }),
      count: t.exposeInt('count'),
    }),
  });
  const RuleCountRef = builder.objectRef<RuleCount>('CamlyticsRuleCount').implement({
    fields: (t) => ({
      ruleId: t.exposeString('ruleId'),
      ruleName: t.string({ nullable: true, resolve: (r) => r.ruleName ?? null }),
      count: t.exposeInt('count'),
    }),
  });
  const Bucket = builder.objectRef<AggregateBucket>('CamlyticsAggregateBucket').implement({
    description: 'Event counts of one channel over one hour or day, from a Camlytics aggregate webhook. Scope events:read.',
    authScopes: requireScope('events:read'),
    fields: (t) => ({
      instance: t.exposeString('instance'),
      granularity: t.field({ type: Granularity, resolve: (b) => b.granularity }),
      channelId: t.exposeString('channelId'),
      channelName: t.string({ nullable: true, resolve: (b) => b.channelName }),
      camera: t.field({ type: refs.Camera, nullable: true, resolve: (b, _a, ctx) => ctx.services.cameraById(`${adapterType}/${b.instance}/${b.channelId}`) }),
      since: t.field({ type: 'DateTime', resolve: (b) => b.since }),
      until: t.field({ type: 'DateTime', resolve: (b) => b.until }),
      count: t.int({ description: 'The selected rule’s count, or the selected event type’s, or (neither selected) all events of the period', resolve: (b) => b.count }),
      eventTypes: t.field({ type: [TypeCount], description: 'Per event type (only the selected one when filtered by eventType)', resolve: (b) => b.eventTypes }),
      rules: t.field({ type: [RuleCountRef], description: 'Per rule (only the selected one when filtered by ruleId/ruleName)', resolve: (b) => b.rules }),
    }),
  });

  builder.queryFields((t) => ({
    camlyticsAggregates: t.field({
      type: [Bucket],
      authScopes: requireScope('events:read'),
      description:
        'Hourly/daily counts from Camlytics aggregate webhooks, oldest first, e.g. "Line 1 crossings per hour today": ' +
        '{ camlyticsAggregates(granularity: HOURLY, ruleName: "Line 1", from: "…T00:00:00Z") { since count } }. ' +
        'A bucket is in range when from ≤ since ≤ to.',
      args: {
        instance: t.arg.string({ description: 'Camlytics instance id; default all' }),
        cameraId: t.arg.id({ description: 'A Camlytics camera (sets instance and channel)' }),
        channelId: t.arg.string(),
        granularity: t.arg({ type: Granularity }),
        from: t.arg({ type: 'DateTime' }),
        to: t.arg({ type: 'DateTime' }),
        ruleId: t.arg.string({ description: 'Count of this rule (line, zone); only buckets that report it' }),
        ruleName: t.arg.string({ description: 'Count of the rule with this name, e.g. "Line 1"' }),
        eventType: t.arg.string({ description: 'Count of this Camlytics event type, e.g. TripwireCrossed' }),
        first: t.arg.int({ defaultValue: 500, description: 'At most this many buckets (≤ 10000)' }),
      },
      // Query cost (limits.maxCost): one database read, times the buckets asked for (it answers up to 10000).
      complexity: (args) => ({ field: 10, multiplier: Math.max(0, Math.min(args.first ?? 500, 10_000)) }),
      resolve: (_r, args, ctx) => queryAggregates(ctx, adapterType, args),
    }),
  }));
}
