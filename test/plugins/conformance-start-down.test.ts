/**
 * The start-while-down conformance check fails an adapter that is READY while its vendor is down
 * and one that gives up when the vendor is down at start, saying which; it passes one that keeps
 * trying and one whose start() throws meanwhile (the registry retries it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AdapterDefinition } from '../../src/sdk.ts';
import { createConformanceSuite, type ConformanceSuite } from '../../src/testkit.ts';
import { blindAdapter, patientAdapter, quitterAdapter, throwerAdapter, VendorStub } from './fixtures/start-down-adapters.ts';

const START_DOWN = 'starts while the vendor is down';
let suite: ConformanceSuite | undefined;
afterEach(() => suite?.teardown());

/** Start against the vendor, then run the start-while-down check: its failure message, or null. */
async function startDown(make: (vendor: VendorStub) => AdapterDefinition, healthMs = 500): Promise<string | null> {
  const vendor = new VendorStub();
  suite = createConformanceSuite(make(vendor), {
    config: {},
    timeouts: { startMs: 3000, eventMs: 3000, healthMs },
    simulator: {
      start: () => {},
      stop: () => {},
      produceEvent: () => vendor.add(),
      breakVendor: () => {
        vendor.down = true;
      },
      restoreVendor: () => {
        vendor.down = false;
      },
    },
  });
  const [started, startDownCheck] = ['starts against its simulator', START_DOWN].map((prefix) => suite!.checks.find((c) => c.name.startsWith(prefix)));
  expect(startDownCheck, `a check named "${START_DOWN}…"`).toBeDefined();
  await started!.run();
  return startDownCheck!.run().then(
    () => null,
    (e: Error) => e.message,
  );
}

// Each test starts a server (PGlite, migrations) and runs checks with their own deadlines: a hang guard, not a timing.
describe('conformance kit: an instance started while the vendor is down', { timeout: 60_000 }, () => {
  it('fails an adapter that reports READY without contacting the vendor and never changes it', async () => {
    expect(await startDown(blindAdapter)).toBe(
      'blind/conformance reports READY while the vendor is down (breakVendor() before the start) and not DEGRADED or ERROR within 500 ms: contact the vendor and report the failure (ctx.setStatus(status, detail))',
    );
  });

  it('fails an adapter that gives up for good when the vendor is down at start', async () => {
    expect(await startDown(quitterAdapter)).toBe(
      'timed out after 500 ms waiting for quitter/conformance to be READY after restoreVendor() (it started while the vendor was down: it must keep retrying) (status ERROR: vendor down at start: giving up)',
    );
  });

  it('passes an adapter that reports DEGRADED with the reason and keeps polling', async () => {
    expect(await startDown(patientAdapter, 5000)).toBeNull();
  });

  it('passes an adapter whose start() throws while the vendor is down: the registry retries it', async () => {
    expect(await startDown(throwerAdapter, 5000)).toBeNull();
  });
});
