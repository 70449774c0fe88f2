/** runAdapterConformance: the conformance checks as a vitest `describe` block. */
import { afterAll, describe, it } from 'vitest';
import type { AdapterDefinition } from '../core/adapter/types.ts';
import { createConformanceSuite } from './suite.ts';
import type { ConformanceOptions } from './types.ts';

/**
 * Register the conformance tests of one adapter (call at the top level of a vitest test file).
 * Each check is one test; checks that need a hook you did not give are skipped, saying which.
 */
export function runAdapterConformance(adapter: AdapterDefinition, options: ConformanceOptions): void {
  const suite = createConformanceSuite(adapter, options);
  describe(suite.title, () => {
    afterAll(() => suite.teardown(), suite.timeoutMs);
    for (const check of suite.checks) {
      if (check.skip) it.skip(`${check.name} (skipped: ${check.skip})`, () => {});
      else
        it(
          check.name,
          async (ctx) => {
            const outcome = await check.run();
            if (outcome?.skipped) ctx.skip(outcome.skipped);
          },
          suite.timeoutMs,
        );
    }
  });
}
