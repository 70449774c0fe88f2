/**
 * The scope a caller needs to use a capability of an adapter's device (checked at dispatch, after
 * the field's own scope): the adapter's `capabilityScopes` first, then the defaults below. A
 * physical action (LOCK, UNLOCK) and every capability an adapter declares itself need admin.
 */
import type { Scope } from '../config/schema.ts';
import type { Capability, CapabilityName } from '../events/model.ts';
import type { AdapterDefinition } from './types.ts';

export const DEFAULT_CAPABILITY_SCOPES: Readonly<Record<Capability, Scope>> = {
  TRIGGER_EVENT: 'events:write',
  CREATE_EVENT: 'events:write',
  LIVE_STREAM: 'streams',
  ARCHIVE_STREAM: 'streams',
  SNAPSHOT: 'events:read',
  CLIP: 'events:read',
  LOCK: 'admin',
  UNLOCK: 'admin',
};

export function capabilityScope(def: Pick<AdapterDefinition, 'capabilityScopes'>, capability: CapabilityName): Scope {
  const own = def.capabilityScopes?.[capability];
  if (own) return own;
  return Object.hasOwn(DEFAULT_CAPABILITY_SCOPES, capability) ? DEFAULT_CAPABILITY_SCOPES[capability as Capability] : 'admin';
}
