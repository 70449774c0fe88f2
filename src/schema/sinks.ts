/**
 * Outbound sinks in GraphQL (contract "Sinks (outbound)"): the Sink node (scope admin wherever it is
 * reached, `node(id:)` included), `sinks`, and the admin mutations createWebhookSink (the secret is
 * answered there only), createMqttSink, pauseSink, resumeSink, deleteSink and replaySink. Input
 * checks (URL and its host, filter fields, topic template, qos, bounds) live in core/sinks and answer
 * BAD_USER_INPUT with `extensions.field`.
 */
import { GraphQLError } from 'graphql';
import { SINK_DELIVERIES_KEPT, SINK_KINDS, SINK_STATES, type DeliveryRecord, type SinkKind, type SinkRecord, type SinkState, DELIVERY_STATUSES, type DeliveryStatus } from '../core/sinks/repo.ts';
import { SINK_NAME_MAX, SINKS_MAX } from '../core/sinks/manager.ts';
import { SINK_URL_MAX } from '../core/sinks/target.ts';
import { DEFAULT_TOPIC, TOPIC_PLACEHOLDERS } from '../core/sinks/topic.ts';
import type { Builder } from './builder.ts';
import { localId, seqOf } from './ids.ts';
import { connectionOf } from './pagination.ts';
import { ADMIN } from './scopes.ts';

const bad = (message: string, field: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field } });
const sinkId = (id: string | number) => localId(String(id), (t) => t === 'Sink');

export function addSinkFields(builder: Builder) {
  const SinkKindRef = builder.enumType('SinkKind', { values: SINK_KINDS as unknown as SinkKind[] });
  const SinkStateRef = builder.enumType('SinkState', {
    values: SINK_STATES as unknown as SinkState[],
    description: 'ACTIVE delivering; FAILING retrying the oldest undelivered event with backoff; PAUSED by pauseSink; DISABLED after 24 h of failures or a 410 Gone (resumeSink restarts it)',
  });
  const DeliveryStatusRef = builder.enumType('SinkDeliveryStatus', { values: DELIVERY_STATUSES as unknown as DeliveryStatus[] });

  const SinkDeliveryRef = builder.objectRef<DeliveryRecord>('SinkDelivery').implement({
    description: 'The outcome of delivering one event to a sink (its latest attempt).',
    fields: (t) => ({
      seq: t.string({ description: 'The event delivered (Event.seq)', resolve: (d) => d.seq.toString() }),
      messageId: t.exposeString('messageId', { description: 'The webhook-id header (msg_<sink>_<seq>): the same on every attempt' }),
      status: t.field({ type: DeliveryStatusRef, resolve: (d) => d.status }),
      attempts: t.exposeInt('attempts'),
      httpStatus: t.int({ nullable: true, resolve: (d) => d.httpStatus }),
      error: t.string({ nullable: true, resolve: (d) => d.error }),
      at: t.field({ type: 'DateTime', description: 'Time of the latest attempt', resolve: (d) => d.at }),
    }),
  });

  const Sink = builder.objectRef<SinkRecord>('Sink');
  builder.node(Sink, {
    description: 'A webhook or MQTT target that receives the events matching its filter, in log order, at least once. Scope admin.',
    authScopes: ADMIN,
    id: { resolve: (s) => s.id },
    loadOne: (id, ctx) => ctx.services.sinks.byId(id),
    isTypeOf: (s) => typeof (s as SinkRecord).url === 'string' && 'origin' in (s as object),
    fields: (t) => ({
      name: t.exposeString('name'),
      kind: t.field({ type: SinkKindRef, resolve: (s) => s.kind }),
      url: t.exposeString('url', { description: 'Webhook URL or MQTT broker URL' }),
      topic: t.string({ nullable: true, description: 'MQTT topic template', resolve: (s) => s.topic }),
      qos: t.int({ nullable: true, description: 'MQTT QoS', resolve: (s) => s.qos }),
      filter: t.field({ type: 'JSON', nullable: true, description: 'The EventFilter as stored (ids internal, plate normalized); null: every event', resolve: (s) => s.filter }),
      state: t.field({ type: SinkStateRef, resolve: (s) => s.state }),
      lastDeliveredSeq: t.string({
        nullable: true,
        description: 'The cursor: every event up to this seq is delivered (or did not match)',
        resolve: async (s, _a, ctx) => (await ctx.services.sinks.lastDeliveredSeq(s.id))?.toString() ?? null,
      }),
      lag: t.int({ description: 'Events in the log after the cursor', resolve: (s, _a, ctx) => ctx.services.sinks.lag(s.id) }),
      lastError: t.string({ nullable: true, resolve: (s) => s.lastError }),
      origin: t.string({ description: 'config or api', resolve: (s) => s.origin }),
      createdAt: t.field({ type: 'DateTime', resolve: (s) => s.createdAt }),
      deliveries: t.connection(
        {
          type: SinkDeliveryRef,
          description: `The latest deliveries, newest first (the newest ${SINK_DELIVERIES_KEPT} are kept).`,
          resolve: async (s, args, ctx) => {
            const first = args.first ?? 20;
            if (first < 0 || first > SINK_DELIVERIES_KEPT) throw bad(`first: expected 0..${SINK_DELIVERIES_KEPT}, got ${first}`, 'first');
            const after = args.after == null ? null : seqOf(args.after);
            if (args.after != null && after === null) throw bad('after: not a cursor of this connection', 'after');
            const r = await ctx.services.sinks.deliveries(s.id, first, after);
            return connectionOf(r.deliveries, r.hasNextPage, false, (d) => d.seq.toString());
          },
        },
        { name: 'SinkDeliveryConnection' },
        { name: 'SinkDeliveryEdge' },
      ),
    }),
  });

  const CreatedSink = builder.objectRef<{ sink: SinkRecord; secret: string }>('CreatedSink').implement({
    description: 'A new webhook sink and its signing secret, shown this once.',
    fields: (t) => ({
      sink: t.field({ type: Sink, resolve: (c) => c.sink }),
      secret: t.exposeString('secret', { description: 'whsec_…: verify deliveries with a Standard Webhooks library. Not shown again.' }),
    }),
  });

  builder.queryField('sinks', (t) => t.field({ type: [Sink], authScopes: ADMIN, description: 'Sinks ordered by name. Scope admin.', resolve: (_r, _a, ctx) => ctx.services.sinks.list() }));

  const filterDescription = 'An EventFilter as JSON (kinds, adapters, instances, cameraIds, siteIds, vendorTypes, plate, plateListIds, plateFuzzy); absent: every event';
  const CreateWebhookSinkInput = builder.inputType('CreateWebhookSinkInput', {
    fields: (t) => ({
      name: t.string({ required: true, description: `Unique, 1..${SINK_NAME_MAX} characters` }),
      url: t.string({ required: true, description: `http(s) URL, at most ${SINK_URL_MAX} characters; loopback/private hosts only with outbound.allowHosts` }),
      filter: t.field({ type: 'JSON', description: filterDescription }),
    }),
  });
  const CreateMqttSinkInput = builder.inputType('CreateMqttSinkInput', {
    fields: (t) => ({
      name: t.string({ required: true, description: `Unique, 1..${SINK_NAME_MAX} characters` }),
      url: t.string({ required: true, description: `mqtt:// or mqtts:// broker URL (user:password@ allowed), at most ${SINK_URL_MAX} characters` }),
      topic: t.string({ defaultValue: DEFAULT_TOPIC, description: `Topic template with ${TOPIC_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}` }),
      filter: t.field({ type: 'JSON', description: filterDescription }),
      qos: t.int({ defaultValue: 1, description: '0, 1 or 2; with 1 and 2 an event counts as delivered when the broker acknowledges it' }),
    }),
  });

  builder.mutationFields((t) => ({
    createWebhookSink: t.field({
      type: CreatedSink,
      authScopes: ADMIN,
      description: `A webhook sink delivering the events from now on (at most ${SINKS_MAX} sinks). Scope admin.`,
      args: { input: t.arg({ type: CreateWebhookSinkInput, required: true }) },
      resolve: (_r, { input }, ctx) => ctx.services.sinks.createWebhook({ name: input.name, url: input.url, filter: input.filter ?? null }),
    }),
    createMqttSink: t.field({
      type: Sink,
      authScopes: ADMIN,
      description: `An MQTT sink publishing the events from now on (at most ${SINKS_MAX} sinks). Scope admin.`,
      args: { input: t.arg({ type: CreateMqttSinkInput, required: true }) },
      resolve: (_r, { input }, ctx) => ctx.services.sinks.createMqtt({ name: input.name, url: input.url, topic: input.topic, filter: input.filter ?? null, qos: input.qos }),
    }),
    pauseSink: t.field({
      type: Sink,
      authScopes: ADMIN,
      description: 'Stop delivering (the cursor stays; resumeSink continues from it). Scope admin.',
      args: { id: t.arg.id({ required: true }) },
      resolve: (_r, { id }, ctx) => ctx.services.sinks.pause(sinkId(id)),
    }),
    resumeSink: t.field({
      type: Sink,
      authScopes: ADMIN,
      description: 'Deliver again from the cursor (a PAUSED or DISABLED sink). Scope admin.',
      args: { id: t.arg.id({ required: true }) },
      resolve: (_r, { id }, ctx) => ctx.services.sinks.resume(sinkId(id)),
    }),
    deleteSink: t.boolean({
      authScopes: ADMIN,
      description: 'Delete a sink, its cursor and deliveries; false when there was none. Scope admin.',
      args: { id: t.arg.id({ required: true }) },
      resolve: (_r, { id }, ctx) => ctx.services.sinks.delete(sinkId(id)),
    }),
    replaySink: t.field({
      type: Sink,
      authScopes: ADMIN,
      description: 'Deliver again every matching event from fromSeq (inclusive) on, in order. Scope admin.',
      args: { id: t.arg.id({ required: true }), fromSeq: t.arg.string({ required: true, description: 'An Event.seq' }) },
      resolve: (_r, { id, fromSeq }, ctx) => {
        const seq = seqOf(fromSeq);
        if (seq === null) throw bad('fromSeq: expected an Event.seq (digits)', 'fromSeq');
        return ctx.services.sinks.replay(sinkId(id), seq);
      },
    }),
  }));
}
