/**
 * The second scope check of a capability mutation: after the field's own scope, the scope the
 * target device's adapter requires for the capability (core/adapter/capability-scopes.ts), so an
 * adapter can raise TRIGGER_EVENT to admin or open UNLOCK to events:write for its devices.
 */
import { hasScope } from '../core/auth/api-keys.ts';
import type { DeviceRecord } from '../core/cameras/repo.ts';
import { AppError } from '../core/errors.ts';
import type { CapabilityName } from '../core/events/model.ts';
import type { GraphQLContext } from '../core/ports.ts';

/** FORBIDDEN (extensions.scopes) unless the caller's key has the scope of `capability` on `device`. */
export function requireCapabilityScope(ctx: GraphQLContext, field: string, device: DeviceRecord, capability: CapabilityName): void {
  const scope = ctx.services.capabilityScope(device.adapter, capability);
  if (hasScope(ctx.auth, scope)) return;
  throw new AppError('FORBIDDEN', `${field} on ${device.name} (${device.adapter}/${device.instance}) needs the scope ${scope} (capability ${capability}); this API key lacks it`, {
    scopes: [scope],
  });
}
