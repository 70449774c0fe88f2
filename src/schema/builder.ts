/**
 * The Pothos builder factory and the refs of core types that adapters build on. No singleton: every
 * buildSchema() call makes a fresh builder and passes it to the functions that add types.
 */
import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ComplexityPlugin from '@pothos/plugin-complexity';
import { GraphQLError } from 'graphql';
import type { GraphQLContext } from '../core/ports.ts';
import { fieldCost } from './cost.ts';
import { parseJsonScalar } from './json-scalar.ts';
import { decodeNodeId } from './ids.ts';
import { encodeGlobalId } from '../core/util/global-id.ts';
import type { EnumRef, InputObjectRef, InterfaceRef, ObjectFieldsShape, ObjectRef } from '@pothos/core';
import type { CameraStatus, CapabilityName, EventKindName, MediaRef, StoredEvent } from '../core/events/model.ts';
import type { CameraRecord, DeviceRecord } from '../core/cameras/repo.ts';
import type { EventFilter } from '../core/db/event-repo.ts';
import { ANY_KEY, DefaultScopes, forbidden, scopesOf, type AuthScopes } from './scopes.ts';

export interface SchemaTypes {
  Context: GraphQLContext;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  DefaultFieldNullability: false;
  AuthScopes: AuthScopes;
}

export function createBuilder() {
  let isObjectType = (_name: string): boolean => false; // set once the builder exists
  const builder = new SchemaBuilder<SchemaTypes>({
    // Scope auth first, so no other plugin's resolver wrapper runs before the check (scopes.ts).
    plugins: [ScopeAuthPlugin, DefaultScopes, RelayPlugin, ComplexityPlugin],
    defaultFieldNullability: false,
    scopeAuth: { authScopes: scopesOf, runScopesOnType: true, authorizeOnSubscribe: true, unauthorizedError: forbidden },
    // Field costs only; the per-request limit is core/http/operation-limits.ts (limits.maxCost).
    complexity: { fieldComplexity: fieldCost },
    relay: {
      // node/nodes answer any key; each object they load checks its own type scope (events: events:read).
      nodeQueryOptions: { authScopes: ANY_KEY },
      nodesQueryOptions: { authScopes: ANY_KEY },
      nodeFieldOptions: { nullable: false },
      clientMutationId: 'omit',
      cursorType: 'String',
      edgesFieldOptions: { nullable: false },
      encodeGlobalID: (typename, id) => encodeGlobalId(typename, id), // the one codec (core/util/global-id.ts), also the SDK's
      decodeGlobalID: (id: string) => decodeNodeId(id, (name) => isObjectType(name)),
    },
  });
  isObjectType = (name) => builder.configStore.hasImplementation(name) && builder.configStore.getTypeConfig(name).graphqlKind === 'Object';
  builder.scalarType('DateTime', {
    description: 'ISO-8601 date-time in UTC with millisecond precision, e.g. 2024-06-14T14:04:36.372Z',
    serialize: (d) => (d instanceof Date ? d.toISOString() : new Date(d as string).toISOString()),
    parseValue: (v) => parseDateTime(v),
  });
  builder.scalarType('JSON', {
    description: 'Arbitrary JSON value',
    serialize: (v) => v,
    parseValue: parseJsonScalar, // bounded depth (inline literals arrive here too)
  });
  return builder;
}

export function parseDateTime(v: unknown): Date {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(v)) {
    throw new GraphQLError(`DateTime: expected ISO-8601 with a zone, e.g. 2024-06-14T14:04:36.372Z, got ${JSON.stringify(v)}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) {
    throw new GraphQLError(`DateTime: not a valid date: ${v}`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return d;
}

export type Builder = ReturnType<typeof createBuilder>;
/** The builder's resolved Pothos type parameters. */
export type Types = PothosSchemaTypes.ExtendDefaultTypes<SchemaTypes>;

export interface EventTypeOptions {
  description?: string;
  /** Semantic interfaces beyond Event (e.g. refs.PlateReadEvent). */
  interfaces?: Array<InterfaceRef<Types, StoredEvent>>;
  /** Vendor fields; the Event (and given interfaces') fields are added by the core. */
  fields?: ObjectFieldsShape<Types, StoredEvent>;
}

export interface DeviceTypeOptions {
  description?: string;
  /** Vendor fields; the Device fields (id, name, sources, capabilities, status, events) are added by the core. */
  fields?: ObjectFieldsShape<Types, DeviceRecord>;
}

/** Refs of the core types, passed to every adapter's graphql(builder, refs). */
export interface CoreRefs {
  Event: InterfaceRef<Types, StoredEvent>;
  PlateReadEvent: InterfaceRef<Types, StoredEvent>;
  AnalyticsEvent: InterfaceRef<Types, StoredEvent>;
  Camera: ObjectRef<Types, CameraRecord>;
  /** The interface of every device (Camera and the adapters' own device types). Since SDK 2.0.0. */
  Device: InterfaceRef<Types, DeviceRecord>;
  Media: ObjectRef<Types, MediaRef>;
  EventFilter: InputObjectRef<Types, EventFilterInput>;
  EventConnection: ObjectRef<Types, unknown>;
  Capability: EnumRef<Types, CapabilityName>;
  CameraStatus: EnumRef<Types, CameraStatus>;
  /**
   * Define a vendor event type: a Relay node implementing Event (and the given interfaces) that
   * presents stored events whose `typeName` equals `name`.
   */
  eventType(name: string, options?: EventTypeOptions): ObjectRef<Types, StoredEvent>;
  /**
   * Define a device type of the adapter (listed in its `deviceTypes`): a Relay node implementing
   * Node & Device that presents device rows whose type is `name`. Since SDK 2.0.0.
   */
  deviceType(name: string, options?: DeviceTypeOptions): ObjectRef<Types, DeviceRecord>;
  /** Turn an EventFilter argument into the store's filter (plates normalised). */
  toEventFilter(input: EventFilterInput | null | undefined): EventFilter | null;
}

/** An adapter's `graphql` as the SDK types it (core keeps it opaque: core/adapter/types.ts). */
export type AdapterGraphql = (builder: Builder, refs: CoreRefs) => void;

export interface EventFilterInput {
  kinds?: EventKindName[] | null;
  adapters?: string[] | null;
  instances?: string[] | null;
  cameraIds?: string[] | null;
  /** Site ids (global ids) or keys. Since SDK 2.1.0. */
  siteIds?: string[] | null;
  vendorTypes?: string[] | null;
  from?: Date | null;
  to?: Date | null;
  plate?: string | null;
  /** PlateList ids (global ids or internal). Since SDK 2.2.0. */
  plateListIds?: string[] | null;
  /** Plates within an OCR-aware edit distance (look-alikes free). Since SDK 2.2.0. */
  plateFuzzy?: { plate: string; maxDistance?: number | null } | null;
}
