/**
 * The conformance kit checks an adapter beside the adapters it is given (`otherAdapters`), and by
 * default beside the server's own: the testkit does not import the built-in adapters itself.
 */
import { describe, expect, it } from 'vitest';
import { defineAdapter, z } from '../../src/sdk.ts';
import { createConformanceSuite } from '../../src/testkit.ts';

const adapter = (type: string, graphqlPrefix: string) =>
  defineAdapter({
    type,
    version: '0.0.1',
    sdk: '^1.0.0',
    configSchema: z.object({ type: z.literal(type), id: z.string() }).strict(),
    capabilities: [],
    graphqlPrefix,
    start: () => ({ stop: () => {} }),
  });
const noVendor = { start: () => {}, stop: () => {}, produceEvent: () => {} };

/** The outcome of the static definition check (no server is started). */
async function definitionCheck(def: ReturnType<typeof adapter>, otherAdapters?: ReturnType<typeof adapter>[]): Promise<string | null> {
  const suite = createConformanceSuite(def, { config: {}, simulator: noVendor, otherAdapters });
  try {
    const check = suite.checks.find((c) => c.name.startsWith('definition'))!;
    return await check.run().then(
      () => null,
      (e: Error) => e.message,
    );
  } finally {
    await suite.teardown();
  }
}

describe('conformance kit: the adapters beside the one under test', () => {
  it("by default, the server's own adapters: a built-in prefix is taken", async () => {
    expect(await definitionCheck(adapter('plate-cam', 'Ff'))).toContain('graphqlPrefix "Ff" is already used by the built-in adapter "ff"');
    expect(await definitionCheck(adapter('plate-cam', 'PlateCam'))).toBeNull();
  });

  it('the given ones when passed: a clash with them is found, the built-ins are not consulted', async () => {
    expect(await definitionCheck(adapter('plate-cam', 'PlateCam'), [adapter('other-cam', 'PlateCam')])).toContain('graphqlPrefix "PlateCam" is already used by the built-in adapter "other-cam"');
    expect(await definitionCheck(adapter('plate-cam', 'Ff'), [])).toBeNull();
  });
});
