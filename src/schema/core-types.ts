/**
 * Core GraphQL types of the contract: enums, Event and its semantic interfaces, Media, Camera,
 * EventFilter, and the eventType() helper adapters use to add vendor event types.
 */
import { GraphQLError } from 'graphql';
import {
  CAMERA_DEVICE_TYPE,
  CAMERA_STATUSES,
  CAPABILITIES,
  DIRECTIONS,
  EVENT_FIELD_LIMITS,
  EVENT_KINDS,
  MEDIA_ROLES,
  normalizePlate,
  PLATE_PHASES,
  type CapabilityName,
  type EventKindName,
  type MediaRef,
  type StoredEvent,
} from '../core/events/model.ts';
import type { EventFilter, PlateFuzzyFilter } from '../core/db/event-repo.ts';
import { OCR_LOOKALIKES } from '../core/plates/ocr.ts';
import { badInput } from '../core/errors.ts';
import type { InputObjectRef } from '@pothos/core';
import type { Builder, CoreRefs, EventFilterInput, EventTypeOptions, Types } from './builder.ts';
import { addDeviceTypes, type DeviceFilterInput } from './device-types.ts';
import { localId, seqOf } from './ids.ts';
import { READ } from './scopes.ts';
import { batchLoader, perContext } from './batch-loader.ts';
import type { GraphQLContext } from '../core/ports.ts';
import type { DeviceRecord } from '../core/cameras/repo.ts';

/** Kinds and capabilities the adapters of this schema declare beyond the core ones (merged into the enums). */
export interface TaxonomyExtras {
  eventKinds: readonly string[];
  capabilities: readonly string[];
}

/** Core values first, then the extras in name order, each once. */
/**
 * The device of an event (Event.camera, Event.device): the events of a page are completed in one turn
 * of the event loop and share few devices, so each distinct id is looked up once per turn instead of
 * once per event (a lookup composes a linked camera from its sources). Nothing is kept past the turn.
 */
const deviceOf = perContext((ctx: GraphQLContext) =>
  batchLoader<string, DeviceRecord | null>(async (ids) => new Map(await Promise.all(ids.map(async (id) => [id, await ctx.services.deviceById(id)] as const)))),
);

const enumValues = (core: readonly string[], extras: readonly string[]): string[] => [...core, ...[...new Set(extras)].filter((e) => !core.includes(e)).sort()];

/** The refs adapters get, plus what only the core's own fields and buildSchema use. */
export type CoreTypes = CoreRefs & {
  registeredEventTypes: Set<string>;
  vendorEventTypes: ReadonlySet<string>;
  definedDeviceTypes: Set<string>;
  DeviceFilter: InputObjectRef<Types, DeviceFilterInput>;
};

export function addCoreTypes(builder: Builder, extras: TaxonomyExtras = { eventKinds: [], capabilities: [] }): CoreTypes {
  const kinds = enumValues(EVENT_KINDS, extras.eventKinds);
  const kindSet = new Set(kinds);
  const EventKind = builder.enumType('EventKind', { values: kinds as readonly EventKindName[] });
  const Capability = builder.enumType('Capability', { values: enumValues(CAPABILITIES, extras.capabilities) as readonly CapabilityName[] });
  const CameraStatus = builder.enumType('CameraStatus', { values: CAMERA_STATUSES });
  const Direction = builder.enumType('Direction', { values: DIRECTIONS });
  const PlatePhase = builder.enumType('PlatePhase', { values: PLATE_PHASES });
  const MediaRole = builder.enumType('MediaRole', { values: MEDIA_ROLES });

  const Media = builder.objectRef<MediaRef>('Media').implement({
    description: 'An image or clip in the media store, served at `url` (API key required when auth is on). Scope events:read.',
    authScopes: READ,
    fields: (t) => ({
      id: t.exposeID('id'),
      role: t.field({ type: MediaRole, resolve: (m) => m.role }),
      contentType: t.exposeString('contentType'),
      byteSize: t.exposeInt('byteSize'),
      url: t.string({ resolve: (m, _a, ctx) => ctx.services.mediaUrl(m.id) }),
    }),
  });

  const Source = builder.objectRef<{ adapter: string; instance: string }>('EventSource').implement({
    fields: (t) => ({ adapter: t.exposeString('adapter'), instance: t.exposeString('instance') }),
  });
  const PlateFuzzyInput = builder.inputType('PlateFuzzyFilter', {
    description: `Plate reads within an edit distance of a plate, where OCR look-alikes (${OCR_LOOKALIKES.map(([, m]) => [...m].join('/')).join(', ')}) cost nothing`,
    fields: (t) => ({
      plate: t.string({ required: true, description: `Plate (case, spaces and dashes ignored), 1–${PLATE_FUZZY_MAX_LENGTH} characters` }),
      maxDistance: t.int({ defaultValue: 1, description: `Edits allowed (insert, delete, replace a character), 0–${PLATE_FUZZY_MAX_DISTANCE}` }),
    }),
  });
  const EventFilterRef = builder.inputType('EventFilter', {
    fields: (t) => ({
      kinds: t.field({ type: [EventKind] }),
      adapters: t.stringList(),
      instances: t.stringList(),
      cameraIds: t.idList({ description: 'Camera.id values; a linked camera matches the events of all its sources' }),
      siteIds: t.idList({ description: "Site.id values (or site keys): events of every source of the sites' cameras" }),
      vendorTypes: t.stringList({ description: `Event.vendorType values, exact match (any of); each at most ${EVENT_FIELD_LIMITS.vendorType} characters` }),
      from: t.field({ type: 'DateTime', description: 'occurredAt ≥ from' }),
      to: t.field({ type: 'DateTime', description: 'occurredAt ≤ to' }),
      plate: t.string({ description: 'Normalized plate (case, spaces and dashes ignored); a trailing * matches a prefix' }),
      plateListIds: t.idList({ description: `PlateList.id values (at most ${PLATE_LIST_IDS_MAX}): plate reads that matched any of these lists at ingest (deleted lists too)` }),
      plateFuzzy: t.field({ type: PlateFuzzyInput, description: 'Plate reads whose plate is within maxDistance of this one (OCR-aware)' }),
    }),
  });

  const registeredEventTypes = new Set<string>();
  /** Event types with fields of their adapter's own (their resolvers may read `raw`: pagination.ts reads it for them). */
  const vendorEventTypes = new Set<string>();
  const Event = builder.interfaceRef<StoredEvent>('Event').implement({
    description: 'One event in the unified log, whatever the vendor.',
    interfaces: [builder.nodeInterfaceRef()],
    resolveType: (ev) => (registeredEventTypes.has(ev.typeName) ? ev.typeName : 'GenericEvent'),
    fields: (t) => ({
      seq: t.string({ description: 'Position in the event log (monotonically increasing); use as `after` to resume', resolve: (ev) => ev.seq.toString() }),
      // A kind declared by an adapter that is no longer loaded is not in the enum: shown as CUSTOM.
      kind: t.field({ type: EventKind, resolve: (ev) => (kindSet.has(ev.kind) ? ev.kind : 'CUSTOM') }),
      vendorType: t.exposeString('vendorType', { description: "The vendor's own type name" }),
      occurredAt: t.field({ type: 'DateTime', resolve: (ev) => ev.occurredAt }),
      receivedAt: t.field({ type: 'DateTime', resolve: (ev) => ev.receivedAt }),
      source: t.field({ type: Source, resolve: (ev) => ev }),
      camera: t.field({
        type: devices.Camera,
        nullable: true,
        description: 'The camera of the event; null when its device is not a camera (see device)',
        resolve: async (ev, _a, ctx) => {
          const d = ev.cameraId ? await deviceOf(ctx)(ev.cameraId) : null;
          return d?.deviceType === CAMERA_DEVICE_TYPE ? d : null;
        },
      }),
      device: t.field({
        type: devices.Device,
        nullable: true,
        description: 'The device of the event (a camera, a door, …)',
        resolve: async (ev, _a, ctx) => (ev.cameraId ? ((await deviceOf(ctx)(ev.cameraId)) ?? null) : null),
      }),
      media: t.field({ type: [Media], resolve: (ev) => ev.media }),
      raw: t.field({ type: 'JSON', description: 'The vendor payload as received, images removed', resolve: (ev) => ev.raw ?? null }),
    }),
  });

  const Vehicle = builder.objectRef<NonNullable<NonNullable<StoredEvent['plate']>['vehicle']>>('Vehicle').implement({
    fields: (t) => ({
      type: t.string({ nullable: true, resolve: (v) => v.type ?? null }),
      color: t.string({ nullable: true, resolve: (v) => v.color ?? null }),
      make: t.string({ nullable: true, resolve: (v) => v.make ?? null }),
      model: t.string({ nullable: true, resolve: (v) => v.model ?? null }),
    }),
  });

  const plate = (ev: StoredEvent) => {
    if (!ev.plate) throw new Error(`event ${ev.seq} has no plate fields`);
    return ev.plate;
  };
  const PlateReadEvent = builder.interfaceRef<StoredEvent>('PlateReadEvent').implement({
    description: 'A licence plate read, whatever the vendor.',
    fields: (t) => ({
      plate: t.string({ resolve: (ev) => plate(ev).plate }),
      plateNormalized: t.string({ resolve: (ev) => plate(ev).plateNormalized }),
      country: t.string({ nullable: true, resolve: (ev) => plate(ev).country ?? null }),
      region: t.string({ nullable: true, resolve: (ev) => plate(ev).region ?? null }),
      confidence: t.float({ nullable: true, description: '0–1', resolve: (ev) => plate(ev).confidence ?? null }),
      direction: t.field({ type: Direction, resolve: (ev) => plate(ev).direction }),
      phase: t.field({ type: PlatePhase, resolve: (ev) => plate(ev).phase }),
      trackId: t.string({ nullable: true, resolve: (ev) => plate(ev).trackId ?? null }),
      vehicle: t.field({ type: Vehicle, nullable: true, resolve: (ev) => plate(ev).vehicle ?? null }),
    }),
  });

  const an = (ev: StoredEvent) => ev.analytics ?? {};
  const AnalyticsEvent = builder.interfaceRef<StoredEvent>('AnalyticsEvent').implement({
    description: 'A video-analytics rule event (line, zone, loitering, ...), whatever the vendor.',
    fields: (t) => ({
      ruleId: t.string({ nullable: true, resolve: (ev) => an(ev).ruleId ?? null }),
      ruleName: t.string({ nullable: true, resolve: (ev) => an(ev).ruleName ?? null }),
      objectClass: t.string({ nullable: true, resolve: (ev) => an(ev).objectClass ?? null }),
      objectId: t.string({ nullable: true, resolve: (ev) => an(ev).objectId ?? null }),
    }),
  });

  const eventType = (name: string, options: EventTypeOptions = {}) => {
    if (registeredEventTypes.has(name)) throw new Error(`event type ${name} is defined twice`);
    registeredEventTypes.add(name);
    if (options.fields) vendorEventTypes.add(name);
    const ref = builder.objectRef<StoredEvent>(name);
    builder.node(ref, {
      description: options.description,
      authScopes: READ, // wherever an event is reached: events, event, node(s), Camera.events, vendor fields
      interfaces: [Event, ...(options.interfaces ?? [])],
      id: { resolve: (ev) => ev.seq.toString() },
      loadOne: async (id, ctx) => {
        const seq = seqOf(id);
        if (seq === null) return null;
        const ev = await ctx.services.eventBySeq(seq);
        return ev && ev.typeName === name ? ev : null;
      },
      isTypeOf: (ev) => (ev as StoredEvent).typeName === name,
      fields: options.fields,
    });
    return ref;
  };

  // Events whose adapter is no longer configured are still readable.
  builder.node(builder.objectRef<StoredEvent>('GenericEvent'), {
    description: 'An event whose vendor type is not registered in this server (its adapter is not loaded).',
    authScopes: READ,
    interfaces: [Event],
    id: { resolve: (ev) => ev.seq.toString() },
    loadOne: async (id, ctx) => {
      const seq = seqOf(id);
      return seq === null ? null : ctx.services.eventBySeq(seq);
    },
    isTypeOf: (ev) => !registeredEventTypes.has((ev as StoredEvent).typeName),
    fields: (t) => ({ typeName: t.exposeString('typeName') }),
  });

  const EventConnection = builder.connectionObject({ type: Event, name: 'EventConnection' });

  const devices = addDeviceTypes(builder, { Event, EventConnection, EventFilter: EventFilterRef, Capability, CameraStatus, toEventFilter, vendorEventTypes });

  return {
    Event,
    PlateReadEvent,
    AnalyticsEvent,
    Camera: devices.Camera,
    Device: devices.Device,
    DeviceFilter: devices.DeviceFilter,
    deviceType: devices.deviceType,
    definedDeviceTypes: devices.definedDeviceTypes,
    Media,
    EventFilter: EventFilterRef,
    eventType,
    toEventFilter,
    registeredEventTypes,
    vendorEventTypes,
    EventConnection,
    Capability,
    CameraStatus,
  } as unknown as CoreTypes;
}

/** Most list ids in EventFilter.plateListIds. */
export const PLATE_LIST_IDS_MAX = 50;

export function toEventFilter(input: EventFilterInput | null | undefined): EventFilter | null {
  if (!input) return null;
  let plate: string | null = null;
  if (input.plate != null) {
    const prefix = input.plate.endsWith('*');
    const body = normalizePlate(prefix ? input.plate.slice(0, -1) : input.plate);
    if (!body) throw new GraphQLError('filter.plate: expected at least one plate character', { extensions: { code: 'BAD_USER_INPUT' } });
    plate = prefix ? `${body}*` : body;
  }
  // A longer vendorType is never stored, so it is the client's mistake rather than an empty page.
  const longVendorType = input.vendorTypes?.find((v) => v.length > EVENT_FIELD_LIMITS.vendorType);
  if (longVendorType !== undefined)
    throw new GraphQLError(`filter.vendorTypes: each at most ${EVENT_FIELD_LIMITS.vendorType} characters, got ${longVendorType.length}`, { extensions: { code: 'BAD_USER_INPUT' } });
  const plateFuzzy = input.plateFuzzy == null ? null : toPlateFuzzy(input.plateFuzzy);
  const cameraIds = input.cameraIds?.map((id) => localId(String(id), (t) => t === 'Camera'));
  const siteKeys = input.siteIds?.map((id) => localId(String(id), (t) => t === 'Site'));
  if (input.plateListIds && input.plateListIds.length > PLATE_LIST_IDS_MAX)
    throw new GraphQLError(`filter.plateListIds: at most ${PLATE_LIST_IDS_MAX} list ids, got ${input.plateListIds.length}`, { extensions: { code: 'BAD_USER_INPUT' } });
  const plateListIds = input.plateListIds?.map((id) => localId(String(id), (t) => t === 'PlateList'));
  return { ...input, cameraIds, siteKeys, plate, plateListIds, plateFuzzy };
}

export const PLATE_FUZZY_MAX_LENGTH = 20;
export const PLATE_FUZZY_MAX_DISTANCE = 2;

function toPlateFuzzy(input: NonNullable<EventFilterInput['plateFuzzy']>): PlateFuzzyFilter {
  const bad = (message: string) => badInput(`filter.plateFuzzy.${message}`);
  const maxDistance = input.maxDistance ?? 1;
  if (!Number.isInteger(maxDistance) || maxDistance < 0 || maxDistance > PLATE_FUZZY_MAX_DISTANCE) throw bad(`maxDistance: expected 0–${PLATE_FUZZY_MAX_DISTANCE}, got ${maxDistance}`);
  const plate = normalizePlate(input.plate);
  const length = [...plate].length;
  if (length === 0) throw bad('plate: expected at least one plate character');
  if (length > PLATE_FUZZY_MAX_LENGTH) throw bad(`plate: at most ${PLATE_FUZZY_MAX_LENGTH} characters, got ${length}`);
  return { plate, maxDistance };
}
