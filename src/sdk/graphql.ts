/**
 * `unified-surveillance-api/sdk/graphql` (since SDK 2.0.0): what an adapter's `graphql(builder,
 * refs)` needs — the schema builder and the core's refs, the context its resolvers get, field
 * scopes, the parent objects of fields added to core types, and the subscription helper. Kept out
 * of `unified-surveillance-api/sdk` (the run-time contract: defineAdapter, the context an instance
 * runs with, events, errors, bounded HTTP input) so that an adapter without GraphQL additions never
 * sees Pothos types, and so the GraphQL side can change with its own majors of the schema tooling.
 * Same semver promise as the SDK (SDK_VERSION). 1.x plugins import these names from `/sdk`, where
 * they stay, deprecated, until 3.0.0.
 *
 *   import type { Builder, CoreRefs } from 'unified-surveillance-api/sdk/graphql';
 *   import { requireScope } from 'unified-surveillance-api/sdk/graphql';
 */
export type { Builder, CoreRefs, DeviceTypeOptions, EventTypeOptions, Types as SchemaTypes } from '../schema/builder.ts';
export type { GraphQLContext } from '../core/ports.ts';
/** The scope a plugin's GraphQL field needs, `authScopes: requireScope('events:write')` (scopes.ts). */
export { requireScope } from '../schema/scopes.ts';
export type { Scope } from '../core/config/schema.ts';
/** The parent object of a field an adapter adds to Camera (`builder.objectField(refs.Camera, …)`). */
export type { CameraRecord, DeviceRecord } from '../core/cameras/repo.ts';
/** The parent object of an event type's fields (refs.eventType), also exported by `/sdk`. */
export type { StoredEvent } from '../core/events/model.ts';
/** Map a subscription's source iterator (events → what the field resolves to; undefined skips one). */
export { mapAsyncIterator } from '../core/util/async-iter.ts';
