/**
 * What an adapter may publish beyond the core taxonomy: its declared event kinds, capabilities and
 * device types. Checked at publish (ingest) and by ctx.devices.upsert, so a typo is refused where
 * it is made instead of surfacing as an unknown enum value in GraphQL.
 */
import { badInput } from '../errors.ts';
import { CAMERA_DEVICE_TYPE, CAPABILITIES, EVENT_KINDS } from '../events/model.ts';
import type { AdapterDefinition } from './types.ts';

export interface DeclaredNames {
  eventKinds: ReadonlySet<string>;
  capabilities: ReadonlySet<string>;
  /** Camera included. */
  deviceTypes: ReadonlySet<string>;
}

/** Core names plus the ones the definition declares. */
export function declaredNamesOf(def: Pick<AdapterDefinition, 'type' | 'capabilities' | 'eventKinds' | 'deviceTypes'>): DeclaredNames {
  return {
    eventKinds: new Set<string>([...EVENT_KINDS, ...(def.eventKinds ?? [])]),
    capabilities: new Set<string>([...CAPABILITIES, ...(def.capabilities ?? [])]),
    deviceTypes: new Set<string>([CAMERA_DEVICE_TYPE, ...(def.deviceTypes ?? [])]),
  };
}

/** Only the core names (a source without a definition, e.g. a test publishing straight to ingest). */
export const CORE_NAMES: DeclaredNames = declaredNamesOf({ type: '', capabilities: [] });

const listed = (s: ReadonlySet<string>) => [...s].join(', ');

export function checkEventKind(names: DeclaredNames, kind: string, adapter: string): void {
  if (!names.eventKinds.has(kind)) throw badInput(`invalid event: event.kind: "${kind}" is neither a core kind nor declared in eventKinds of adapter ${adapter}`, { field: 'kind' });
}

export function checkDeviceType(names: DeclaredNames, type: string, adapter: string, field = 'device.type'): void {
  if (!names.deviceTypes.has(type)) throw badInput(`${field}: "${type}" is not a device type of adapter ${adapter} (declared: ${listed(names.deviceTypes)})`, { field });
}

export function checkCapabilities(names: DeclaredNames, capabilities: readonly string[] | undefined, adapter: string, field: string): void {
  const unknown = capabilities?.find((c) => !names.capabilities.has(c));
  if (unknown !== undefined) throw badInput(`${field}: "${unknown}" is neither a core capability nor declared by adapter ${adapter}`, { field });
}
