/**
 * What the rule and sink forms pick (cameras, kinds, plate lists, a plate) → the EventFilter the API
 * takes. Empty picks are left out (an empty filter matches every event). Pure.
 */
import type { EventFilter, EventKind } from '../generated/graphql.ts';

export interface FilterPicks {
  cameraIds: string[];
  kinds: EventKind[];
  plateListIds: string[];
  /** Normalized by the server; a trailing * matches a prefix. */
  plate: string;
}

export const NO_PICKS: FilterPicks = { cameraIds: [], kinds: [], plateListIds: [], plate: '' };

export function toEventFilter(picks: FilterPicks): EventFilter {
  const filter: EventFilter = {};
  if (picks.cameraIds.length > 0) filter.cameraIds = [...picks.cameraIds];
  if (picks.kinds.length > 0) filter.kinds = [...picks.kinds];
  if (picks.plateListIds.length > 0) filter.plateListIds = [...picks.plateListIds];
  const plate = picks.plate.trim();
  if (plate) filter.plate = plate;
  return filter;
}
