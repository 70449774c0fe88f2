/**
 * LOCK / UNLOCK: lockDevice and unlockDevice, dispatched to the adapter instance that owns the
 * device whatever the vendor. Checks, in order: input bounds (BAD_USER_INPUT), the device
 * (NOT_FOUND), the capability's scope for the device's adapter (FORBIDDEN, default admin), the
 * device's capability (UNSUPPORTED_CAPABILITY); then the vendor answers (VENDOR_*).
 */
import { GraphQLError } from 'graphql';
import type { DeviceActionInput, DeviceActionOutcome } from '../core/adapter/types.ts';
import type { DeviceRecord } from '../core/cameras/repo.ts';
import type { GraphQLContext } from '../core/ports.ts';
import type { Builder } from './builder.ts';
import { requireCapabilityScope } from './capability-auth.ts';
import type { CoreTypes } from './core-types.ts';
import { loadDevice } from './ids.ts';
import { ANY_KEY } from './scopes.ts';

/** UNLOCK durationSec bounds, in seconds. */
export const UNLOCK_DURATION_SEC = { min: 1, max: 3600 } as const;
/** Longest idempotencyKey of a device action. */
export const IDEMPOTENCY_KEY_MAX = 200;

const bad = (message: string, field: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field } });

interface DeviceActionArgs {
  deviceId: string | number;
  durationSec?: number | null;
  idempotencyKey?: string | null;
}

/** BAD_USER_INPUT naming the field when an argument is out of its bounds. */
export function checkDeviceActionArgs(input: DeviceActionArgs): void {
  const { durationSec, idempotencyKey } = input;
  if (durationSec != null && (durationSec < UNLOCK_DURATION_SEC.min || durationSec > UNLOCK_DURATION_SEC.max))
    throw bad(`input.durationSec: expected ${UNLOCK_DURATION_SEC.min}..${UNLOCK_DURATION_SEC.max} seconds, got ${durationSec}`, 'durationSec');
  if (idempotencyKey != null && idempotencyKey.length > IDEMPOTENCY_KEY_MAX)
    throw bad(`input.idempotencyKey: at most ${IDEMPOTENCY_KEY_MAX} characters, got ${idempotencyKey.length}`, 'idempotencyKey');
}

async function dispatchDeviceAction(ctx: GraphQLContext, field: string, cap: 'LOCK' | 'UNLOCK', input: DeviceActionArgs) {
  checkDeviceActionArgs(input);
  const device = await loadDevice(ctx, String(input.deviceId));
  const source = ctx.services.sourceFor(device, cap); // a linked camera: its first source having it
  requireCapabilityScope(ctx, field, source ?? device, cap);
  if (!source) throw new GraphQLError(`device ${device.name} (${device.adapter}/${device.instance}) does not support ${cap}`, { extensions: { code: 'UNSUPPORTED_CAPABILITY', capability: cap } });
  const action: DeviceActionInput = { deviceVendorId: source.vendorId, durationSec: input.durationSec ?? null, idempotencyKey: input.idempotencyKey ?? null };
  const r = await ctx.services.dispatchDeviceAction(cap, source, action);
  return { ...r, device };
}

export function addDeviceMutations(builder: Builder, refs: CoreTypes) {
  const DeviceActionResult = builder.objectRef<DeviceActionOutcome & { device: DeviceRecord }>('DeviceActionResult').implement({
    fields: (t) => ({
      accepted: t.exposeBoolean('accepted'),
      vendorActionId: t.string({ nullable: true, resolve: (r) => r.vendorActionId ?? null }),
      device: t.field({ type: refs.Device, resolve: (r) => r.device }),
    }),
  });
  const idempotencyKey = `A retried mutation with the same key does not act twice (at most ${IDEMPOTENCY_KEY_MAX} characters)`;
  const UnlockDeviceInput = builder.inputType('UnlockDeviceInput', {
    fields: (t) => ({
      deviceId: t.id({ required: true }),
      durationSec: t.int({ description: `Seconds to keep it unlocked, ${UNLOCK_DURATION_SEC.min}..${UNLOCK_DURATION_SEC.max} (default: the vendor's)` }),
      idempotencyKey: t.string({ description: idempotencyKey }),
    }),
  });
  const LockDeviceInput = builder.inputType('LockDeviceInput', {
    fields: (t) => ({
      deviceId: t.id({ required: true }),
      idempotencyKey: t.string({ description: idempotencyKey }),
    }),
  });
  builder.mutationFields((t) => ({
    unlockDevice: t.field({
      // The real check is the capability scope of the device's adapter (default admin): requireCapabilityScope.
      authScopes: ANY_KEY,
      type: DeviceActionResult,
      description: 'Unlock a device (a door) with UNLOCK. Needs the scope its adapter sets for UNLOCK (default admin).',
      args: { input: t.arg({ type: UnlockDeviceInput, required: true }) },
      resolve: (_r, { input }, ctx) => dispatchDeviceAction(ctx, 'Mutation.unlockDevice', 'UNLOCK', input),
    }),
    lockDevice: t.field({
      authScopes: ANY_KEY,
      type: DeviceActionResult,
      description: 'Lock a device (a door) with LOCK. Needs the scope its adapter sets for LOCK (default admin).',
      args: { input: t.arg({ type: LockDeviceInput, required: true }) },
      resolve: (_r, { input }, ctx) => dispatchDeviceAction(ctx, 'Mutation.lockDevice', 'LOCK', input),
    }),
  }));
}
