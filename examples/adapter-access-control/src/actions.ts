/**
 * Door actions for the core's unlockDevice / lockDevice (capabilities UNLOCK, LOCK) and the
 * plugin's acmeHoldDoorOpen (ACME_HOLD_OPEN). Every call carries an Idempotency-Key
 * (PROTOCOL.md §2.2): derived from the client's key when it gave one, so the client's retry does
 * not act twice, else a fresh one. The derivation (SHA-256 of instance, action, door and the key)
 * keeps the key in the controller's alphabet and length whatever the client sent, and a client
 * key reused for another door or action never collides at the controller.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { AcmeAccessClient, ActionResult, DoorAction } from './client.ts';

export function vendorIdempotencyKey(instanceId: string, action: DoorAction, doorVendorId: string, clientKey: string | null | undefined): string {
  if (clientKey === null || clientKey === undefined || clientKey === '') return `usa-${randomUUID()}`;
  return `usa-${createHash('sha256')
    .update(JSON.stringify([instanceId, action, doorVendorId, clientKey]))
    .digest('hex')}`;
}

export function doorActions(client: AcmeAccessClient, instanceId: string, signal: AbortSignal) {
  const act = (action: DoorAction, doorVendorId: string, durationSec: number | null | undefined, clientKey: string | null | undefined): Promise<ActionResult> =>
    client.act(action, doorVendorId, vendorIdempotencyKey(instanceId, action, doorVendorId, clientKey), durationSec, signal);
  return {
    unlock: (doorVendorId: string, durationSec?: number | null, key?: string | null) => act('unlock', doorVendorId, durationSec, key),
    lock: (doorVendorId: string, key?: string | null) => act('lock', doorVendorId, null, key),
    holdOpen: (doorVendorId: string, durationSec: number, key?: string | null) => act('hold-open', doorVendorId, durationSec, key),
  };
}
