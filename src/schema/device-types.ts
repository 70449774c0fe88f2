/**
 * Devices in GraphQL: the Device interface (a Relay node: cameras, doors, readers, … whatever the
 * vendor), Camera and GenericDevice implementing it, DeviceFilter, and refs.deviceType() with which
 * an adapter defines its own device types (AcmeDoor). One table stores them all (core/cameras/repo.ts),
 * told apart by `deviceType`, which is the GraphQL type presenting the row and the type in its global id.
 */
import type { EnumRef, InputObjectRef, InterfaceRef, ObjectRef } from '@pothos/core';
import { GraphQLError } from 'graphql';
import type { DeviceFilter, DeviceRecord } from '../core/cameras/repo.ts';
import type { EventFilter } from '../core/db/event-repo.ts';
import { CAMERA_DEVICE_TYPE, EVENT_FIELD_LIMITS, type CameraStatus, type CapabilityName, type StoredEvent } from '../core/events/model.ts';
import type { Builder, DeviceTypeOptions, EventFilterInput, Types } from './builder.ts';
import { eventConnectionArgs, resolveEventConnection } from './pagination.ts';
import { ANY_KEY, READ } from './scopes.ts';

/** The GraphQL type of a device row whose type no loaded adapter defines (its adapter is not configured). */
export const GENERIC_DEVICE_TYPE = 'GenericDevice';

export interface DeviceTypeDeps {
  Event: InterfaceRef<Types, StoredEvent>;
  EventConnection: ObjectRef<Types, unknown>;
  EventFilter: InputObjectRef<Types, EventFilterInput>;
  Capability: EnumRef<Types, CapabilityName>;
  CameraStatus: EnumRef<Types, CameraStatus>;
  toEventFilter(input: EventFilterInput | null | undefined): EventFilter | null;
  /** Event types with fields of their adapter's own (a page that selects them reads `raw`). */
  vendorEventTypes: ReadonlySet<string>;
}

export interface DeviceFilterInput {
  types?: string[] | null;
  adapters?: string[] | null;
  instances?: string[] | null;
  statuses?: CameraStatus[] | null;
  capabilities?: CapabilityName[] | null;
}

/** DeviceFilter → the store's filter; a type name that could never be stored is the client's mistake. */
export function toDeviceFilter(input: DeviceFilterInput | null | undefined): DeviceFilter | null {
  if (!input) return null;
  const badType = input.types?.find((t) => t.length > EVENT_FIELD_LIMITS.deviceType || !/^[A-Z_a-z]\w*$/.test(t));
  if (badType !== undefined)
    throw new GraphQLError(`filter.types: each a GraphQL type name of at most ${EVENT_FIELD_LIMITS.deviceType} characters, got ${JSON.stringify(badType.slice(0, 120))}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  return input;
}

export function addDeviceTypes(builder: Builder, deps: DeviceTypeDeps) {
  /** Device types defined with deviceType() (Camera included): their rows resolve to them. */
  const definedDeviceTypes = new Set<string>([CAMERA_DEVICE_TYPE]);

  const DeviceSource = builder.objectRef<DeviceRecord>('CameraSource').implement({
    description:
      'Where a device comes from: its adapter instance and the vendor id there. A linked camera has one per vendor source (config order, then link order), each with its own status and capabilities.',
    fields: (t) => ({
      adapter: t.exposeString('adapter'),
      instance: t.exposeString('instance'),
      vendorId: t.exposeString('vendorId'),
      status: t.field({ type: deps.CameraStatus, description: "This source's own status", resolve: (d) => d.status }),
      capabilities: t.field({ type: [deps.Capability], description: "This source's own capabilities", resolve: (d) => d.capabilities }),
    }),
  });

  const Device = builder.interfaceRef<DeviceRecord>('Device').implement({
    description: 'A device known to an adapter instance (a camera, a door, a reader, …), whatever the vendor. Any scope reads it; its events need events:read.',
    interfaces: [builder.nodeInterfaceRef()],
    resolveType: (d) => (definedDeviceTypes.has(d.deviceType) ? d.deviceType : GENERIC_DEVICE_TYPE),
    fields: (t) => ({
      name: t.exposeString('name'),
      sources: t.field({ type: [DeviceSource], resolve: (d) => d.sources ?? [d] }),
      capabilities: t.field({ type: [deps.Capability], description: "For a linked camera: the union of its sources' capabilities, in source order", resolve: (d) => d.capabilities }),
      status: t.field({
        type: deps.CameraStatus,
        description:
          "For a linked camera: over its sources with LIVE_STREAM or ARCHIVE_STREAM if any (else all sources), ONLINE when any is ONLINE, OFFLINE when all are OFFLINE, else UNKNOWN (each source's status: sources)",
        resolve: (d) => d.status,
      }),
      events: t.connection(
        {
          type: deps.Event,
          authScopes: READ,
          args: { filter: t.arg({ type: deps.EventFilter }) },
          resolve: (d, args, ctx, info) => resolveEventConnection(ctx, { ...(deps.toEventFilter(args.filter) ?? {}), cameraIds: [d.id] }, eventConnectionArgs(args), info, deps.vendorEventTypes),
        },
        deps.EventConnection as never,
      ),
    }),
  });

  /** A Relay node implementing Node & Device that presents device rows of type `name`. */
  const defineDeviceType = (name: string, options: DeviceTypeOptions & { isTypeOf?: (d: DeviceRecord) => boolean } = {}): ObjectRef<Types, DeviceRecord> => {
    const ref = builder.objectRef<DeviceRecord>(name);
    builder.node(ref, {
      description: options.description,
      authScopes: ANY_KEY, // like Camera: every scope needs device metadata to act on it
      interfaces: [Device],
      id: { resolve: (d) => d.id },
      loadOne: async (id, ctx) => {
        const d = await ctx.services.deviceById(id);
        return d && (options.isTypeOf ?? ((x: DeviceRecord) => x.deviceType === name))(d) ? d : null;
      },
      isTypeOf: (d) => (options.isTypeOf ?? ((x: DeviceRecord) => x.deviceType === name))(d as DeviceRecord),
      fields: options.fields,
    });
    return ref;
  };

  const Camera = defineDeviceType(CAMERA_DEVICE_TYPE, {
    description: 'A camera or channel known to an adapter instance. Any scope reads it; its events need events:read.',
  });

  defineDeviceType(GENERIC_DEVICE_TYPE, {
    description: 'A device whose type is not defined in this server (its adapter is not loaded).',
    isTypeOf: (d) => !definedDeviceTypes.has(d.deviceType),
    fields: (t) => ({ deviceType: t.exposeString('deviceType', { description: 'The type its adapter gave it' }) }),
  });

  /** refs.deviceType: an adapter's own device type (checked against its deviceTypes by buildSchema). */
  const deviceType = (name: string, options: DeviceTypeOptions = {}): ObjectRef<Types, DeviceRecord> => {
    if (definedDeviceTypes.has(name) || name === GENERIC_DEVICE_TYPE) throw new Error(`device type ${name} is defined twice`);
    definedDeviceTypes.add(name);
    return defineDeviceType(name, options);
  };

  const DeviceFilterRef = builder.inputType('DeviceFilter', {
    fields: (t) => ({
      types: t.stringList({ description: `Device types (GraphQL type names: Camera, AcmeDoor, …), any of them; each at most ${EVENT_FIELD_LIMITS.deviceType} characters` }),
      adapters: t.stringList(),
      instances: t.stringList(),
      statuses: t.field({ type: [deps.CameraStatus] }),
      capabilities: t.field({ type: [deps.Capability], description: 'Devices having any of these' }),
    }),
  });

  return { Device, Camera, DeviceFilter: DeviceFilterRef, deviceType, definedDeviceTypes };
}
