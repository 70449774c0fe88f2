/**
 * The public adapter SDK: the only module an adapter (built-in or third-party) imports from the
 * core. Semver: additions are minor releases; changes or removals of anything exported here are
 * major releases (SDK_VERSION).
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
} from './core/events/model.ts';
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
export type { Builder, CoreRefs, EventTypeOptions, Types as SchemaTypes } from './schema/builder.ts';
export type { GraphQLContext } from './core/ports.ts';
/** Since 1.2.0: the scope a plugin's GraphQL field needs, `authScopes: requireScope('events:write')` (scopes.ts). */
export { requireScope } from './schema/scopes.ts';
export type { Scope } from './core/config/schema.ts';
export type { SafeFetch, SafeFetchOptions, SafeResponse } from './core/http/safe-fetch.ts';
export { readBody, readJsonBody, sendError, sendJson, discardBody } from './core/http/body.ts';
export { parseMultipart, safeFilename, type MultipartLimits, type MultipartPart } from './core/http/multipart.ts';
export { mapAsyncIterator } from './core/util/async-iter.ts';
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
/** Since 1.4.0: the parent object of a field an adapter adds to Camera (`builder.objectField(refs.Camera, …)`). */
export type { CameraRecord } from './core/cameras/repo.ts';
/** zod, as the core validates configs with it: a plugin needs no zod of its own (`z.object({ … }).strict()`). */
export { z } from 'zod';
