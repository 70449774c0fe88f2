/**
 * Shared setup of the IVMS integration suites: an IVMS simulator and a real server (test app)
 * with one IVMS instance `hq` pointed at it, plus small helpers to read the instance's status.
 */
import { builtInAdapters } from '../../../src/adapters/index.ts';
import { ivmsAdapter } from '../../../src/adapters/ivms/index.ts';
import { IvmsSimulator, type IvmsSimulatorOptions } from '@unified-surveillance/simulators/ivms';
import type { AdapterDefinition } from '../../../src/sdk.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import type { TestDb } from '../../helpers/db.ts';

/** The simulator writes eventTime in this process's zone, so the instance reads it in the same zone. */
export const LOCAL_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

export const IVMS_ADAPTERS: readonly AdapterDefinition[] = [...builtInAdapters.filter((a) => a.type !== 'ivms'), ivmsAdapter];

export interface IvmsHarness {
  sim: IvmsSimulator;
  t: TestApp;
  /** The instance's running parts (channel sync, alert ingest, socket). */
  internals(): { channels: { refreshNow(): Promise<void> }; alerts: { idle(): Promise<void> } };
  adapter(): Promise<{ status: string; detail: string | null; counters: Record<string, number> }>;
  waitStatus(status: string, detail?: RegExp, ms?: number): Promise<{ status: string; detail: string | null }>;
  close(): Promise<void>;
}

export interface StartIvmsOptions {
  /** Instance config fields (over the defaults below). */
  config?: Record<string, unknown>;
  /** Other top-level app config (e.g. streams). */
  app?: Record<string, unknown>;
  sim?: IvmsSimulatorOptions;
  /** Other adapter instances next to ivms/hq (e.g. an FF instance). */
  adapters?: Array<Record<string, unknown>>;
}

export async function startIvms(db: TestDb, o: StartIvmsOptions = {}): Promise<IvmsHarness> {
  const sim = new IvmsSimulator(o.sim);
  await sim.start();
  const t = await startTestApp({
    db,
    adapters: IVMS_ADAPTERS,
    config: {
      ...o.app,
      adapters: [{ type: 'ivms', id: 'hq', baseUrl: sim.url, wsUrl: sim.wsUrl, timezone: LOCAL_ZONE, maxReconnectSec: 0.5, ...o.config }, ...(o.adapters ?? [])],
    },
  });
  const adapter = async () => {
    const r = await t.gql('{ adapters { type id status detail counters { name value } } }');
    const a = r.data.adapters.find((x: { type: string; id: string }) => x.type === 'ivms' && x.id === 'hq');
    return { status: a.status, detail: a.detail, counters: Object.fromEntries(a.counters.map((c: { name: string; value: number }) => [c.name, c.value])) };
  };
  return {
    sim,
    t,
    internals: () => (t.app.registry.find('ivms', 'hq')!.running as unknown as { internals: ReturnType<IvmsHarness['internals']> }).internals,
    adapter,
    waitStatus: async (status, detail, ms = 8000) =>
      (await waitFor(
        async () => {
          const a = await adapter();
          return a.status === status && (!detail || detail.test(a.detail ?? '')) ? a : null;
        },
        ms,
        `ivms/hq ${status} ${detail ?? ''}`,
      ))!,
    close: async () => {
      await t.close();
      await sim.stop();
    },
  };
}
