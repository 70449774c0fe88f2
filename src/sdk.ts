/**
 * `unified-surveillance-api/sdk`: the public adapter SDK's run-time contract — what every adapter
 * (built-in or third-party) needs to be declared, configured and run: defineAdapter and its
 * definition, the context an instance runs with (ctx: cameras, records, media, routes, TCP, clock,
 * safeFetch), the event model, the error codes, and helpers for what a vendor sends. What only an
 * adapter's `graphql(builder, refs)` needs is the entry `unified-surveillance-api/sdk/graphql`
 * (since 2.0.0, src/sdk/graphql.ts). Semver (SDK_VERSION): additions are minor releases; changes or
 * removals of anything exported here are major releases.
 *
 * What stays here, and why:
 * - `z` (zod, the core's own copy): an adapter's `configSchema` is checked at start-up by the core —
 *   run time, not GraphQL — and must be a schema of the zod the core runs, so a plugin needs no zod
 *   of its own and cannot bring a second, incompatible one.
 * - the bounded body helpers (readBody, readJsonBody, discardBody, sendJson, sendError,
 *   parseMultipart, safeFilename): a vendor's HTTP push into `ctx.route` is run time, and reading it
 *   with a size limit and a clear TOO_LARGE / BAD_USER_INPUT error is how an adapter keeps the rule
 *   that every input is bounded — with or without GraphQL additions.
 * - decodeGlobalId/encodeGlobalId: the ids clients see; a route, a log line or a vendor callback may
 *   carry one as well as a resolver.
 * The GraphQL names (Builder, CoreRefs, …) are still exported at the end, deprecated, so plugins
 * written for 1.x compile and run unchanged; they go in 3.0.0.
 */
export { defineAdapter, type AdapterDefinition } from './sdk/define-adapter.ts';
export { SDK_VERSION } from './core/adapter/types.ts';
export type {
  AdapterContext,
  AdapterStatus,
  BaseInstanceConfig,
  CameraInfo,
  CameraRegistry,
  RecordQuery,
  RecordStore,
  StoredRecord,
  CameraUpsert,
  CapabilityHandlers,
  Clock,
  Timer,
  InstanceState,
  MediaStore,
  RouteHandler,
  RouteRequest,
  RunningAdapter,
  StreamHandlers,
  StreamRequest,
  VendorStream,
  TcpListener,
  TcpListenOptions,
  TriggerInput,
  DeviceRegistry,
  DeviceUpsert,
  DeviceInfo,
  DeviceActionInput,
  DeviceActionOutcome,
} from './core/adapter/types.ts';
export {
  CAPABILITIES,
  EVENT_KINDS,
  MEDIA_ROLES,
  normalizePlate,
  type Analytics,
  type CameraStatus,
  type Capability,
  type Direction,
  type EventInput,
  type EventKind,
  type MediaInput,
  type MediaRef,
  type MediaRole,
  type PlatePhase,
  type PlateRead,
  type PublishResult,
  type StoredEvent,
  CAMERA_DEVICE_TYPE,
  type EventKindName,
  type CapabilityName,
  type DeviceRef,
} from './core/events/model.ts';
/**
 * Since 2.0.0: the scope each capability needs (capabilityScopes overrides DEFAULT_CAPABILITY_SCOPES; LOCK, UNLOCK and an
 * adapter's own capabilities default to admin), and the UPPER_SNAKE prefix of an adapter's own kinds and capabilities.
 */
export { capabilityScope, DEFAULT_CAPABILITY_SCOPES } from './core/adapter/capability-scopes.ts';
export { pluginNamePrefix } from './core/adapter/define.ts';
/** Since 2.0.0 in this entry (capabilityScopes names scopes): the API key scopes. */
export type { Scope } from './core/config/schema.ts';
export {
  AppError,
  ERROR_CODES,
  badInput,
  isAppError,
  notFound,
  tooLarge,
  unsupportedCapability,
  unsupportedMedia,
  vendorRejected,
  vendorUnavailable,
  type ErrorCode,
} from './core/errors.ts';
export type { SafeFetch, SafeFetchOptions, SafeResponse } from './core/http/safe-fetch.ts';
export { readBody, readJsonBody, sendError, sendJson, discardBody } from './core/http/body.ts';
export { parseMultipart, safeFilename, type MultipartLimits, type MultipartPart } from './core/http/multipart.ts';
/** Since 1.3.0: a vendor's local wall-clock time + IANA zone → instant, Temporal's "compatible" disambiguation (zoned-time.ts). */
export { isTimeZone, zonedTimeToDate, type WallTime } from './core/util/zoned-time.ts';
/** Since 1.3.0: one instance status from the health of its parts, for ctx.setStatus (combine-health.ts). */
export { combineHealth, type PartHealth } from './core/adapter/combine-health.ts';
/** Since 1.3.0: one backoff with jitter (attempt → delay) and one abortable sleep (prefer ctx.clock.sleep, which tests control). */
export { backoffDelay, type BackoffOptions, type Jitter } from './core/time/backoff.ts';
export { sleep } from './core/time/sleep.ts';
/**
 * Since 1.4.0: a client's Relay global id ↔ the internal id (global-id.ts). `decodeGlobalId(id, 'Camera')`
 * is the internal id or a BAD_USER_INPUT AppError; `services.cameraById` also takes the global id as it is.
 */
export { decodeGlobalId, encodeGlobalId } from './core/util/global-id.ts';
/** Since 1.4.0: a credential a vendor sent against the configured secret, in constant time, length not revealed (secrets-equal.ts). */
export { secretsEqual } from './core/auth/secrets-equal.ts';
/** zod, as the core validates configs with it: a plugin needs no zod of its own (`z.object({ … }).strict()`). */
export { z } from 'zod';

// ─── Deprecated since 2.0.0 ─────────────────────────────────────────────────────────────────────
// The GraphQL names of SDK 1.x (1.0.0–1.4.0), re-exported from their new entry so 1.x plugins keep
// compiling and running unchanged. Each name carries the tag itself (a tag on the whole statement
// does not reach the names), so editors strike an import of it through.
/** @deprecated since 2.0.0: import from 'unified-surveillance-api/sdk/graphql'; removed in 3.0.0 */
export {
  /** @deprecated since 2.0.0: import from 'unified-surveillance-api/sdk/graphql'; removed in 3.0.0 */
  type Builder,
  /** @deprecated since 2.0.0: import from 'unified-surveillance-api/sdk/graphql'; removed in 3.0.0 */
  type CoreRefs,
  /** @deprecated since 2.0.0: import from 'unified-surveillance-api/sdk/graphql'; removed in 3.0.0 */
  type EventTypeOptions,
  /** @deprecated since 2.0.0: import from 'unified-surveillance-api/sdk/graphql'; removed in 3.0.0 */
  type SchemaTypes,
  /** @deprecated since 2.0.0: import from 'unified-surveillance-api/sdk/graphql'; removed in 3.0.0 */
  type GraphQLContext,
  /** @deprecated since 2.0.0: import from 'unified-surveillance-api/sdk/graphql'; removed in 3.0.0 */
  requireScope,
  /** @deprecated since 2.0.0: import from 'unified-surveillance-api/sdk/graphql'; removed in 3.0.0 */
  type CameraRecord,
  /** @deprecated since 2.0.0: import from 'unified-surveillance-api/sdk/graphql'; removed in 3.0.0 */
  mapAsyncIterator,
} from './sdk/graphql.ts';
