/**
 * The adapter test kit (`unified-surveillance-api/testkit`): conformance checks every adapter —
 * built-in or plugin — should pass, run against the adapter's own simulator. Separate from the SDK
 * entry because it needs vitest (a devDependency of the plugin) and starts a whole server.
 * Same semver promise as the SDK (SDK_VERSION).
 *
 *   import { runAdapterConformance } from 'unified-surveillance-api/testkit';
 *   runAdapterConformance(myAdapter, { config: {…}, simulator: {…} });
 */
export { runAdapterConformance } from './testkit/vitest.ts';
export { createConformanceSuite, type ConformanceCheck, type ConformanceSuite } from './testkit/suite.ts';
export type {
  CheckSkipped,
  ConformanceCapabilityCalls,
  ConformanceDeviceIds,
  ConformanceEnv,
  ConformanceOperation,
  ConformanceOptions,
  ConformanceSimulator,
  ConformanceTimeouts,
  InvalidConfigCase,
} from './testkit/types.ts';
/** Since 1.3.0: a clock that moves only when told (`advance(ms)`), to test an adapter's timers through `ctx.clock`. */
export { ManualClock } from './core/time/manual-clock.ts';
