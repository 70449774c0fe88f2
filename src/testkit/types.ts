/** Options of the adapter conformance kit (runAdapterConformance / createConformanceSuite). */
import type { AdapterDefinition, RunningAdapter } from '../core/adapter/types.ts';

/** One conformance check (suite.ts runs them in order). */
export interface ConformanceCheck {
  name: string;
  /** Set when the check cannot run with the given options (e.g. no produceDuplicate hook). */
  skip?: string;
  run(): Promise<void>;
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
}
