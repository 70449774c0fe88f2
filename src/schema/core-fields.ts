/**
 * Core root fields of the contract: queries, subscriptions and capability-dispatched mutations.
 */
import { GraphQLError } from 'graphql';
import type { AdapterInstanceInfo } from '../core/ports.ts';
import { deviceByClientId, localId, seqOf } from './ids.ts';
import type { Builder } from './builder.ts';
import type { CoreTypes } from './core-types.ts';
import { toDeviceFilter } from './device-types.ts';
import { connectionOf, eventConnectionArgs, MAX_PAGE, parseSeqCursor, resolveEventConnection } from './pagination.ts';
import { addMutationFields } from './core-mutations.ts';
import { addSiteFields } from './site-fields.ts';
import { addPlateListFields } from './plate-lists.ts';
import { addViewerField } from './viewer.ts';
import { addAuditFields } from './audit.ts';
import { addDataExportFields } from './data-export.ts';
import { addStorageFields } from './storage.ts';
import { addLifecycleFields } from './lifecycle.ts';
import { addRuleFields } from './rules.ts';
import { addSinkFields } from './sinks.ts';
import { ANY_KEY, READ } from './scopes.ts';

const bad = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

export function addCoreFields(builder: Builder, refs: CoreTypes) {
  const AdapterStatus = builder.enumType('AdapterStatus', { values: ['STARTING', 'READY', 'DEGRADED', 'ERROR', 'STOPPED'] as const });
  const Counter = builder.objectRef<{ name: string; value: number }>('AdapterCounter').implement({
    fields: (t) => ({ name: t.exposeString('name'), value: t.exposeFloat('value') }),
  });
  const Lease = builder.objectRef<{ name: string; held: boolean }>('AdapterLease').implement({
    description: 'Work of an adapter instance that runs on one server instance of the deployment (a poller, an outbound connection).',
    fields: (t) => ({
      name: t.exposeString('name', { description: 'As the adapter names it, e.g. "poll"' }),
      held: t.exposeBoolean('held', { description: 'True when it runs on this server instance; false on standby (another instance runs it, or none is reachable yet)' }),
    }),
  });
  const AdapterInstance = builder.objectRef<AdapterInstanceInfo>('AdapterInstance').implement({
    description: 'One configured adapter instance and its health. Scope events:read.',
    authScopes: READ,
    fields: (t) => ({
      type: t.exposeString('type'),
      id: t.exposeString('id'),
      version: t.exposeString('version'),
      status: t.field({ type: AdapterStatus, resolve: (a) => a.status }),
      detail: t.string({ nullable: true, resolve: (a) => a.detail }),
      since: t.field({ type: 'DateTime', description: 'When the status last changed', resolve: (a) => a.since }),
      lastEventAt: t.field({ type: 'DateTime', nullable: true, resolve: (a) => a.lastEventAt }),
      counters: t.field({
        type: [Counter],
        resolve: (a) => Object.entries(a.counters).map(([name, value]) => ({ name, value })),
      }),
      capabilities: t.field({ type: [refs.Capability], resolve: (a) => [...a.capabilities] }),
      leases: t.field({ type: [Lease], description: 'Work that runs on one server instance of the deployment: whether this instance runs it', resolve: (a) => a.leases }),
    }),
  });

  const CameraFilter = builder.inputType('CameraFilter', {
    fields: (t) => ({
      adapters: t.stringList(),
      instances: t.stringList(),
      statuses: t.field({ type: [refs.CameraStatus] }),
      capabilities: t.field({ type: [refs.Capability], description: 'Cameras having any of these (on any of their sources)' }),
      siteIds: t.idList({ description: 'Site.id values (or site keys): cameras of these sites' }),
    }),
  });

  builder.queryType({
    fields: (t) => ({
      events: t.connection(
        {
          type: refs.Event,
          description: 'Stored events, newest first. `after` pages to older events.',
          authScopes: READ,
          args: { filter: t.arg({ type: refs.EventFilter }) },
          resolve: (_r, args, ctx, info) => resolveEventConnection(ctx, refs.toEventFilter(args.filter), eventConnectionArgs(args), info, refs.vendorEventTypes),
        },
        refs.EventConnection as never,
      ),
      event: t.field({
        type: refs.Event,
        nullable: true,
        authScopes: READ,
        args: { id: t.arg.id({ required: true, description: 'Event.id (global id) or Event.seq' }) },
        resolve: (_r, args, ctx) => {
          const raw = localId(String(args.id), (tn) => tn !== 'Camera');
          const seq = seqOf(raw);
          if (seq === null) throw bad(`id: not an event id: ${JSON.stringify(String(args.id).slice(0, 80))}`);
          return ctx.services.eventBySeq(seq);
        },
      }),
      cameras: t.connection(
        {
          type: refs.Camera,
          description: 'Cameras ordered by id; a linked camera once (its sources are in Camera.sources). `last`/`before` are not supported.',
          authScopes: ANY_KEY,
          args: { filter: t.arg({ type: CameraFilter }) },
          resolve: async (_r, args, ctx) => {
            const first = args.first ?? 100;
            if (first < 0 || first > MAX_PAGE) throw bad(`first: expected 0..${MAX_PAGE}, got ${first}`);
            const after = args.after ? localId(args.after, (tn) => tn === 'Camera') : null;
            const f = args.filter;
            const filter = f && { ...f, siteKeys: f.siteIds?.map((id) => localId(String(id), (tn) => tn === 'Site')) };
            const r = await ctx.services.listCameras(filter, first, after);
            return connectionOf(r.cameras, r.hasNextPage, false, (c) => c.id);
          },
        },
        { name: 'CameraConnection' },
        { name: 'CameraEdge' },
      ),
      camera: t.field({
        type: refs.Camera,
        nullable: true,
        authScopes: ANY_KEY,
        args: { id: t.arg.id({ required: true }) },
        resolve: (_r, args, ctx) => ctx.services.cameraById(localId(String(args.id), (tn) => tn === 'Camera')),
      }),
      devices: t.connection(
        {
          type: refs.Device,
          description: 'Devices of every type (cameras, doors, …) ordered by id. `last`/`before` are not supported.',
          authScopes: ANY_KEY,
          args: { filter: t.arg({ type: refs.DeviceFilter }) },
          resolve: async (_r, args, ctx) => {
            const first = args.first ?? 100;
            if (first < 0 || first > MAX_PAGE) throw bad(`first: expected 0..${MAX_PAGE}, got ${first}`);
            const r = await ctx.services.listDevices(toDeviceFilter(args.filter), first, args.after ?? null); // cursors are internal ids
            return connectionOf(r.devices, r.hasNextPage, false, (d) => d.id);
          },
        },
        { name: 'DeviceConnection' },
        { name: 'DeviceEdge' },
      ),
      device: t.field({
        type: refs.Device,
        nullable: true,
        authScopes: ANY_KEY,
        args: { id: t.arg.id({ required: true, description: 'Device.id (global id) or the internal id' }) },
        resolve: (_r, args, ctx) => deviceByClientId(ctx, String(args.id)),
      }),
      adapters: t.field({ type: [AdapterInstance], authScopes: READ, resolve: (_r, _a, ctx) => ctx.services.adapters() }),
    }),
  });

  builder.subscriptionType({
    fields: (t) => ({
      events: t.field({
        type: refs.Event,
        description:
          'Live events matching the filter. With `after` (a seq), first replays every stored event after it, then continues live with no gap and no duplicate. A subscriber that reads slower than events arrive catches up from the log; it never misses one.',
        authScopes: READ,
        args: { filter: t.arg({ type: refs.EventFilter }), after: t.arg.string() },
        subscribe: (_r, args, ctx) => ctx.services.subscribeEvents(refs.toEventFilter(args.filter), parseSeqCursor('after', args.after)),
        resolve: (ev) => ev,
      }),
      adapterStatusChanged: t.field({
        type: AdapterInstance,
        authScopes: READ,
        subscribe: (_r, _a, ctx) => ctx.services.subscribeAdapterStatus(),
        resolve: (a) => a,
      }),
    }),
  });

  addMutationFields(builder, refs);
  addSiteFields(builder, refs);
  addPlateListFields(builder, refs);
  addViewerField(builder);
  addAuditFields(builder);
  addDataExportFields(builder);
  addStorageFields(builder);
  addLifecycleFields(builder, refs);
  addRuleFields(builder, refs);
  addSinkFields(builder);
}
