/**
 * The start-while-down conformance check: an instance started while its vendor is down starts
 * (the server runs), reports DEGRADED or ERROR with a reason and not READY again while the vendor
 * is down; once the vendor is back it becomes READY and ingests events.
 *
 * Tolerated, because the SDK defines them: READY right after start() returned (the core sets it
 * when the adapter reported nothing before its first vendor contact), as long as DEGRADED or ERROR
 * follows; a start() that throws (the registry shows ERROR with the error and retries with backoff),
 * as long as a retry makes it READY within the timeout once the vendor is back.
 */
import type { AdapterInstanceInfo } from '../core/ports.ts';
import { waitUntil, type LiveServer } from './live.ts';
import type { ConformanceCheck, ConformanceEnv, ConformanceSimulator } from './types.ts';

export interface StartDownCheckDeps {
  server: LiveServer;
  sim: ConformanceSimulator;
  type: string;
  id: string;
  timeoutMs: number;
  /** The instance config the suite starts. */
  instance(): Record<string, unknown>;
  live(): Promise<void>;
  statusText(): string;
  /** Produce one event and wait until it is stored (throws saying what is missing). */
  ingests(env: ConformanceEnv): Promise<void>;
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function startDownCheck(deps: StartDownCheckDeps): ConformanceCheck {
  const { server, sim, type, id } = deps;
  const name = `${type}/${id}`;
  return {
    name: 'starts while the vendor is down: DEGRADED or ERROR with a reason, not READY until the vendor is back, then READY and ingesting',
    skip: sim.breakVendor && sim.restoreVendor ? undefined : 'no simulator.breakVendor / restoreVendor hooks',
    run: async () => {
      await deps.live();
      let previous: ConformanceEnv | undefined;
      try {
        previous = server.env(type, id);
      } catch {
        // an earlier check left it stopped
      }
      await server.stopServer();
      // Before the start the hooks get the previous run's env (its routes are not served meanwhile).
      const stopped: ConformanceEnv = {
        ...(previous ?? { appUrl: '', adapterType: type, instanceId: id, routeUrl: (path) => `/adapters/${type}/${id}${path}`, running: { stop: () => {} } }),
        instance: () => ({ status: 'STOPPED', detail: null, counters: {} }),
      };
      const envNow = () => server.env(type, id, stopped.running);
      const seen: AdapterInstanceInfo[] = [];
      let updates: AsyncIterator<AdapterInstanceInfo> | undefined;
      let listening: Promise<void> = Promise.resolve();
      let down = true;
      await sim.breakVendor!(stopped);
      try {
        try {
          await server.start(deps.instance(), (app) => {
            updates = app.services.subscribeAdapterStatus()[Symbol.asyncIterator]();
            const it = updates;
            listening = (async () => {
              for (let r = await it.next(); !r.done; r = await it.next()) if (r.value.type === type && r.value.id === id) seen.push(r.value);
            })().catch(() => {});
          });
        } catch (e) {
          throw new Error(`the server did not start with ${name} configured while the vendor is down: ${errText(e)}`);
        }
        const bad = await waitUntil(
          () => {
            const i = server.info(type, id);
            return i && (i.status === 'DEGRADED' || i.status === 'ERROR') && i;
          },
          deps.timeoutMs,
          `${name}, started while the vendor is down (breakVendor() before the start), to report DEGRADED or ERROR`,
          deps.statusText,
        ).catch((e: Error) => {
          if (server.info(type, id)?.status !== 'READY') throw e;
          throw new Error(
            `${name} reports READY while the vendor is down (breakVendor() before the start) and not DEGRADED or ERROR within ${deps.timeoutMs} ms: contact the vendor and report the failure (ctx.setStatus(status, detail))`,
          );
        });
        if (!bad.detail?.trim()) throw new Error(`${name} started while the vendor is down is ${bad.status} without a detail: say what is wrong (ctx.setStatus(status, detail))`);
        const problemAt = seen.findIndex((s) => s.status === 'DEGRADED' || s.status === 'ERROR');
        const readyWhileDown = problemAt < 0 ? undefined : seen.slice(problemAt).find((s) => s.status === 'READY');
        if (readyWhileDown) throw new Error(`${name} reported READY${readyWhileDown.detail ? ` (${readyWhileDown.detail})` : ''} while the vendor was still down, after ${bad.status}: ${bad.detail}`);
        await sim.restoreVendor!(envNow());
        down = false;
        await waitUntil(
          () => server.info(type, id)?.status === 'READY',
          deps.timeoutMs,
          `${name} to be READY after restoreVendor() (it started while the vendor was down: it must keep retrying)`,
          deps.statusText,
        );
        await deps.ingests(envNow());
      } finally {
        if (down) await Promise.resolve(sim.restoreVendor!(stopped)).catch(() => {});
        await updates?.return?.();
        await listening;
      }
    },
  };
}
