/**
 * GraphQL additions, every name prefixed "Acme" / "acme": the door device type (a Device with its
 * lock state), the event type (with the badge and the denial reason), and a mutation that holds a
 * door open — reached through the door's global id, like the core's unlockDevice/lockDevice.
 */
import { badInput, notFound, type StoredEvent, unsupportedCapability, vendorUnavailable } from 'unified-surveillance-api/sdk';
import { type Builder, type CoreRefs, type DeviceRecord, requireScope } from 'unified-surveillance-api/sdk/graphql';
import type { ActionResult } from './client.ts';
import { DOOR_TYPE, EVENT_TYPE_NAME } from './map.ts';

/** What a running instance offers its own resolvers (RunningAdapter.api). */
export interface AcmeAccessApi {
  holdOpen(doorVendorId: string, durationSec: number, idempotencyKey: string | null): Promise<ActionResult>;
}

export const HOLD_OPEN_MAX_SEC = 3600;

interface HoldOpenResult {
  accepted: boolean;
  vendorActionId: string | null;
  door: DeviceRecord;
}

const text = (v: unknown) => (typeof v === 'string' ? v : null);
const bool = (v: unknown) => (typeof v === 'boolean' ? v : null);

export function addAcmeAccessSchema(builder: Builder, refs: CoreRefs, adapterType: string): void {
  const Door = refs.deviceType(DOOR_TYPE, {
    description: 'A door of an Acme Access controller.',
    fields: (t) => ({
      acmeLocked: t.boolean({ nullable: true, description: 'Locked at the last door poll; null before the first', resolve: (d: DeviceRecord) => bool(d.details.locked) }),
      acmeOnline: t.boolean({ nullable: true, description: "The controller reached the door's lock at the last door poll", resolve: (d: DeviceRecord) => bool(d.details.online) }),
    }),
  });

  refs.eventType(EVENT_TYPE_NAME, {
    description: 'An event of an Acme Access controller: a badge granted or denied, a door opened, forced, held open, a low battery.',
    fields: (t) => ({
      acmeEventId: t.string({ description: "The controller's event id (the same on every retry)", resolve: (ev: StoredEvent) => String(ev.data.eventId ?? '') }),
      acmeBadgeId: t.string({ nullable: true, description: 'The badge presented (access events)', resolve: (ev: StoredEvent) => text(ev.data.badgeId) }),
      acmeReason: t.string({ nullable: true, description: 'Why access was denied, as the controller says it (e.g. badge_expired)', resolve: (ev: StoredEvent) => text(ev.data.reason) }),
    }),
  });

  const Result = builder.objectRef<HoldOpenResult>('AcmeHoldOpenResult').implement({
    fields: (t) => ({
      accepted: t.exposeBoolean('accepted'),
      vendorActionId: t.exposeString('vendorActionId', { nullable: true, description: "The controller's action id" }),
      door: t.field({ type: Door, resolve: (r) => r.door }),
    }),
  });

  builder.mutationFields((t) => ({
    acmeHoldDoorOpen: t.field({
      type: Result,
      authScopes: requireScope('admin'), // a physical action, like the capability ACME_HOLD_OPEN
      description: 'Keep an Acme door unlocked for durationSec (1–3600), e.g. for a delivery. Scope admin.',
      args: {
        doorId: t.arg.id({ required: true, description: "The door's id (AcmeDoor.id)" }),
        durationSec: t.arg.int({ required: true }),
        idempotencyKey: t.arg.string({ description: 'A retry with the same key does not act twice (at most 200 characters)' }),
      },
      resolve: async (_root, args, ctx) => {
        if (args.durationSec < 1 || args.durationSec > HOLD_OPEN_MAX_SEC) throw badInput(`durationSec: 1–${HOLD_OPEN_MAX_SEC} seconds`, { field: 'durationSec' });
        if (args.idempotencyKey != null && (args.idempotencyKey.length < 1 || args.idempotencyKey.length > 200)) throw badInput('idempotencyKey: 1–200 characters', { field: 'idempotencyKey' });
        const doorId = String(args.doorId);
        const door = await ctx.services.deviceById(doorId);
        if (!door) throw notFound(`door ${doorId} not found`);
        if (door.adapter !== adapterType || door.deviceType !== DOOR_TYPE) throw badInput(`doorId: ${door.name} is a ${door.deviceType} of ${door.adapter}, not an ${DOOR_TYPE}`, { field: 'doorId' });
        if (!door.capabilities.includes('ACME_HOLD_OPEN')) throw unsupportedCapability(`door ${door.name} does not support ACME_HOLD_OPEN`);
        const api = ctx.services.adapterApi(adapterType, door.instance) as AcmeAccessApi | null;
        if (!api) throw vendorUnavailable(`Acme Access instance ${door.instance} is not running`);
        const r = await api.holdOpen(door.vendorId, args.durationSec, args.idempotencyKey ?? null);
        return { accepted: true, vendorActionId: r.actionId, door };
      },
    }),
  }));
}
