/**
 * The health conformance check: when the vendor fails the instance reports DEGRADED or ERROR with
 * a reason, visible in `adapters` and pushed on `adapterStatusChanged`; when it is back, READY.
 */
import type { AdapterInstanceInfo } from '../core/ports.ts';
import { waitUntil, type LiveServer } from './live.ts';
import type { ConformanceCheck, ConformanceSimulator } from './types.ts';

export interface HealthCheckDeps {
  server: LiveServer;
  sim: ConformanceSimulator;
  type: string;
  id: string;
  timeoutMs: number;
  live(): Promise<void>;
  statusText(): string;
}

export function healthCheck(deps: HealthCheckDeps): ConformanceCheck {
  const { server, sim, type, id } = deps;
  return {
    name: 'health: reports DEGRADED or ERROR with a reason when the vendor fails, READY when it is back',
    skip: sim.breakVendor && sim.restoreVendor ? undefined : 'no simulator.breakVendor / restoreVendor hooks',
    run: async () => {
      await deps.live();
      const pushed: AdapterInstanceInfo[] = [];
      const updates = server.running.services.subscribeAdapterStatus()[Symbol.asyncIterator]();
      const listening = (async () => {
        for (let r = await updates.next(); !r.done; r = await updates.next()) if (r.value.type === type && r.value.id === id) pushed.push(r.value);
      })().catch(() => {});
      const env = server.env(type, id);
      try {
        await sim.breakVendor!(env);
        const bad = await waitUntil(
          () => {
            const i = server.info(type, id);
            return i && (i.status === 'DEGRADED' || i.status === 'ERROR') && i;
          },
          deps.timeoutMs,
          `${type}/${id} to report DEGRADED or ERROR after breakVendor()`,
          deps.statusText,
        );
        if (!bad.detail?.trim()) throw new Error(`${type}/${id} is ${bad.status} without a detail: say what is wrong (ctx.setStatus(status, detail))`);
        await waitUntil(() => pushed.some((p) => p.status === bad.status), deps.timeoutMs, `the ${bad.status} status on adapterStatusChanged`);
        await sim.restoreVendor!(env);
        await waitUntil(() => server.info(type, id)?.status === 'READY', deps.timeoutMs, `${type}/${id} to be READY again after restoreVendor()`, deps.statusText);
        await waitUntil(() => pushed.at(-1)?.status === 'READY', deps.timeoutMs, 'READY on adapterStatusChanged');
      } finally {
        await updates.return?.();
        await listening;
      }
    },
  };
}
