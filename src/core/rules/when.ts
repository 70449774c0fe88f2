/**
 * A rule's `when` (stored as the client gave it: EventFilter fields, ids global or internal, dates
 * as ISO text) → the store's EventFilter (pure). Inputs were validated when the rule was saved
 * (schema toEventFilter and the rule service); what is not understood here is dropped, never thrown.
 * cameraIds and siteIds still name logical cameras and sites: the engine expands them to sources.
 */
import type { EventFilter } from '../db/event-repo.ts';
import { type EventKindName, normalizePlate } from '../events/model.ts';
import { parseGlobalId } from '../util/global-id.ts';
import type { RuleWhen } from './model.ts';

const strings = (v: unknown): string[] | null => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : null);
const date = (v: unknown): Date | null => {
  if (typeof v !== 'string' && !(v instanceof Date)) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
};
/** The internal id of a global id of `typename`, or the text itself (already internal). */
export const internalId = (id: string, typename: string): string => {
  const g = parseGlobalId(id);
  return g && g.typename === typename ? g.id : id;
};

export function whenToFilter(when: RuleWhen): EventFilter {
  const ids = (key: string, typename: string) => strings(when[key])?.map((id) => internalId(id, typename)) ?? null;
  let plate: string | null = null;
  if (typeof when.plate === 'string') {
    const prefix = when.plate.endsWith('*');
    const body = normalizePlate(prefix ? when.plate.slice(0, -1) : when.plate);
    plate = body ? (prefix ? `${body}*` : body) : null;
  }
  const fz = when.plateFuzzy as { plate?: unknown; maxDistance?: unknown } | null | undefined;
  const plateFuzzy = fz && typeof fz.plate === 'string' && normalizePlate(fz.plate) ? { plate: normalizePlate(fz.plate), maxDistance: typeof fz.maxDistance === 'number' ? fz.maxDistance : 1 } : null;
  return {
    kinds: strings(when.kinds) as EventKindName[] | null,
    adapters: strings(when.adapters),
    instances: strings(when.instances),
    cameraIds: ids('cameraIds', 'Camera'),
    siteKeys: ids('siteIds', 'Site'),
    vendorTypes: strings(when.vendorTypes),
    from: date(when.from),
    to: date(when.to),
    plate,
    plateListIds: ids('plateListIds', 'PlateList'),
    plateFuzzy,
  };
}
