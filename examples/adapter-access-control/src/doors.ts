/**
 * The door poll (PROTOCOL.md §2.1), run under ctx.runExclusive('poll', …) so one server of a
 * deployment polls: every pollIntervalSec it reads the door list, registers each door as an
 * AcmeDoor device (only when something changed), marks doors that left the list OFFLINE, and
 * reports the instance health: READY while the controller answers, DEGRADED with the reason while
 * it does not (webhooks may still arrive), retrying on backoff. Returns once `signal` aborts.
 */
import { backoffDelay, isAppError, type AdapterContext } from 'unified-surveillance-api/sdk';
import type { AcmeAccessClient } from './client.ts';
import type { AcmeAccessConfig } from './config.ts';
import { DOOR_CAPABILITIES, DOOR_TYPE } from './map.ts';
import type { AcmeDoorState } from './payload.ts';

/** Retry delays after failed polls: 0.5 s doubling, at most 30 s and at most 4 poll intervals (at least 1 s). */
export function retryDelayMs(failures: number, pollIntervalSec: number): number {
  const capMs = Math.max(1000, Math.min(30_000, pollIntervalSec * 4000));
  return backoffDelay(failures, { baseMs: 500, capMs });
}

/** What a door's device row says, to skip writes when nothing changed. */
const doorKey = (d: AcmeDoorState) => JSON.stringify([d.name, d.state, d.online]);

export async function pollDoors(ctx: AdapterContext<AcmeAccessConfig>, client: AcmeAccessClient, signal: AbortSignal): Promise<void> {
  const written = new Map<string, string>();
  let listed: Set<string> | null = null; // this instance's doors in the registry, read at the first good poll
  for (let failures = 0; !signal.aborted; ) {
    try {
      const doors = await client.listDoors(signal);
      if (!listed) listed = new Set((await ctx.devices.list()).filter((d) => d.type === DOOR_TYPE).map((d) => d.vendorId));
      const now = new Set<string>();
      for (const d of doors) {
        now.add(d.id);
        if (written.get(d.id) === doorKey(d)) continue;
        await ctx.devices.upsert({
          vendorId: d.id,
          type: DOOR_TYPE,
          name: d.name,
          status: d.online ? 'ONLINE' : 'OFFLINE',
          capabilities: [...DOOR_CAPABILITIES],
          details: { locked: d.state === 'locked', online: d.online },
        });
        written.set(d.id, doorKey(d));
      }
      for (const id of new Set([...listed, ...written.keys()])) {
        if (now.has(id)) continue;
        await ctx.devices.setStatus(id, 'OFFLINE'); // removed from the controller
        written.delete(id);
        listed.delete(id);
      }
      failures = 0;
      if (signal.aborted) break;
      ctx.setStatus('READY');
      await ctx.clock.sleep(ctx.config.pollIntervalSec * 1000, signal);
    } catch (err) {
      if (signal.aborted) break;
      const delay = retryDelayMs(failures++, ctx.config.pollIntervalSec);
      const reason = isAppError(err) ? err.message : String(err);
      ctx.setStatus('DEGRADED', `door list unavailable (${failures} failed ${failures === 1 ? 'poll' : 'polls'}, next try in ${Math.ceil(delay / 1000)} s): ${reason}`);
      await ctx.clock.sleep(delay, signal);
    }
  }
}
