/** Options of the adapter conformance kit (runAdapterConformance / createConformanceSuite). */
import type { AdapterDefinition, RunningAdapter } from '../core/adapter/types.ts';
import type { Scope } from '../core/config/schema.ts';

/** What a check returns when it found, once running, that it has nothing to check (e.g. no route published). */
export interface CheckSkipped {
  /** Why, shown as the skip note. */
  skipped: string;
}

/** One conformance check (suite.ts runs them in order). */
export interface ConformanceCheck {
  name: string;
  /** Set when the check cannot run with the given options (e.g. no produceDuplicate hook). */
  skip?: string;
  /** Throws saying what is wrong; resolves with `{ skipped }` when there turned out to be nothing to check. */
  run(): Promise<void | CheckSkipped>;
}

/** What the simulator hooks get: where the server runs and the instance under test. */
export interface ConformanceEnv {
  /** Base URL of the running server, e.g. http://127.0.0.1:43121. */
  appUrl: string;
  adapterType: string;
  instanceId: string;
  /** URL of one of the instance's routes: `${appUrl}/adapters/{type}/{id}${path}`. */
  routeUrl(path: string): string;
  /** What the adapter's start() returned (its own fields too, e.g. a TCP port it bound). */
  running: RunningAdapter & Record<string, unknown>;
  /** The instance as `adapters` shows it now: status, detail and its counters (ctx.count). */
  instance(): { status: string; detail: string | null; counters: Record<string, number> };
}

/**
 * The vendor side: the plugin's own simulator, or recorded fixtures replayed by these hooks.
 * Every hook may be async; the kit waits for it.
 */
export interface ConformanceSimulator {
  /** Start the vendor; return config fields that point the instance at it (e.g. `{ baseUrl }`). */
  start(): Promise<Record<string, unknown> | void> | Record<string, unknown> | void;
  stop(): Promise<void> | void;
  /** Make the vendor emit ONE new event (each call a different one), by push or for a poll to find. */
  produceEvent(env: ConformanceEnv): Promise<void> | void;
  /** Make the vendor deliver an event already delivered (a webhook retry, a re-read); optional. */
  produceDuplicate?(env: ConformanceEnv): Promise<void> | void;
  /**
   * Make the vendor fail (down, errors) so the instance reports DEGRADED or ERROR; optional, with
   * restoreVendor. Also called before an instance starts (the starts-while-down check): `env` is then
   * the previous run's, its routes not served meanwhile.
   */
  breakVendor?(env: ConformanceEnv): Promise<void> | void;
  /** Undo breakVendor: the instance must come back to READY. */
  restoreVendor?(env: ConformanceEnv): Promise<void> | void;
}

export interface InvalidConfigCase {
  /** Changes to the valid config (a field set to undefined is removed). */
  patch: Record<string, unknown>;
  /** Path of the problem below the instance, as the start-up error names it: `baseUrl`, `auth.key`, `channels[0]`. */
  path: string;
  /** Expected in the message too (optional). */
  message?: string | RegExp;
}

export interface ConformanceTimeouts {
  /** Until the instance is READY after start (default 10 s). */
  startMs?: number;
  /** Until a produced event is stored (default 10 s). */
  eventMs?: number;
  /** Until a status change shows (default 10 s). */
  healthMs?: number;
  /** How long stopped resources may take to close (default 3 s). */
  settleMs?: number;
}

/** Ids of one of the instance's devices (a camera when it has one), for `ConformanceOptions.operations`. */
export interface ConformanceDeviceIds {
  /** Global id of the device (`Device.id`; for a camera the same as `Camera.id`). */
  deviceId: string;
  /** Global id when the device is a camera. */
  cameraId?: string;
  /** The vendor's id of the device (`sources[0].vendorId`). */
  vendorId: string;
}

/** One of the plugin's own GraphQL operations, run by the kit with global ids (see ConformanceOptions.operations). */
export interface ConformanceOperation {
  /** Shown in messages. */
  name: string;
  /** The operation document (one query or mutation). */
  query: string;
  /** Its variables from the ids of a device of the instance (the global id, as clients have it). */
  variables?: (ids: ConformanceDeviceIds) => Record<string, unknown>;
  /**
   * The scope the operation needs. The kit runs it again with a key that has every scope except
   * this one (and admin) and expects FORBIDDEN. Omit to skip that second run.
   */
  scope?: Scope;
  /** Look at `data` of the admin run: return a string (or throw) to say what is wrong. */
  check?: (data: any) => void | string;
}

/** Inputs of the core capability mutations the kit calls (a capability without its entry is skipped, saying so). */
export interface ConformanceCapabilityCalls {
  /** triggerEvent: a `type` the simulator's camera can trigger, optional `meta`. */
  triggerEvent?: { type: string; meta?: unknown };
  /** createEvent: a `type` the simulator's camera accepts, optional `meta`. */
  createEvent?: { type: string; meta?: unknown };
  /** unlockDevice (SDK 2 LOCK/UNLOCK). */
  unlock?: { durationSec?: number };
  /** lockDevice. */
  lock?: Record<string, never>;
}

export interface ConformanceOptions {
  /** A valid instance config without `type` and `id` (the simulator's start() adds its fields). */
  config: Record<string, unknown>;
  /** Instance id (default "conformance"). */
  instanceId?: string;
  /** Configs that must be refused at start-up, with the path the error must name. */
  invalidConfigs?: InvalidConfigCase[];
  simulator: ConformanceSimulator;
  timeouts?: ConformanceTimeouts;
  /** Server log level while the checks run (default: silent; e.g. "debug" to see the adapter's log). */
  logLevel?: string;
  /**
   * The adapters a server runs beside this one: its type and GraphQL prefix must not clash with
   * theirs, and the schema must build with them all (default: the server's own, createApp's defaults).
   */
  otherAdapters?: readonly AdapterDefinition[];
  /**
   * Names of the credentials the vendor sends to the adapter's routes, removed when the kit replays
   * a route request without credentials (routes-refuse-unauthenticated check). Besides these the kit
   * removes `authorization`, `cookie` and every header and query parameter whose name matches
   * /auth|token|secret|sig|key|password/i.
   */
  credentials?: { headers?: string[]; query?: string[] };
  /**
   * How long a publish() made inside a route handler is held back before it reaches the store
   * while the kit looks for an answer sent before the event was committed (default 300 ms). A
   * detection window for that mistake, not a synchronisation: a correct route simply answers that
   * much later during the check; a route that answers 2xx first is caught in the act.
   */
  routeCommitWindowMs?: number;
  /** Inputs for the core capability mutations (triggerEvent, createEvent, unlockDevice, lockDevice). */
  capabilityCalls?: ConformanceCapabilityCalls;
  /**
   * The plugin's own GraphQL operations: each is run with the admin key and the global ids of a
   * device of the instance (no error, data not null, `check` passes) and, when `scope` is given,
   * with a key lacking that scope (FORBIDDEN expected).
   */
  operations?: ConformanceOperation[];
}
