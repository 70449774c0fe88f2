/**
 * A sink's event filter (pure): the JSON a caller gives (GraphQL `filter: JSON`, config `sinks[].filter`)
 * with the field names of the GraphQL EventFilter input, validated strictly (an unknown field is the
 * caller's mistake, named in the error) and stored in a normal form: camera ids internal, site ids
 * as keys, the plate normalized. `toEventFilter` turns the stored form into the store's EventFilter
 * (cameraIds and siteKeys are expanded to linked sources when a sink runs: cameras/expand-filter.ts).
 */
import { z } from 'zod';
import type { EventFilter } from '../db/event-repo.ts';
import { badInput, formatIssuePath } from '../errors.ts';
import { EVENT_FIELD_LIMITS, normalizePlate } from '../events/model.ts';
import { parseGlobalId } from '../util/global-id.ts';

/** Items in one list of a sink filter. */
export const SINK_FILTER_LIST_MAX = 100;
/** Characters of one string in a sink filter. */
export const SINK_FILTER_STRING_MAX = 200;

const str = z.string().min(1).max(SINK_FILTER_STRING_MAX);
const list = (item: z.ZodType<string>) => z.array(item).max(SINK_FILTER_LIST_MAX).optional();

const sinkFilterSchema = z
  .object({
    kinds: list(z.string().regex(/^[A-Z][A-Z0-9_]{0,62}$/, 'an EventKind such as PLATE_READ')),
    adapters: list(str),
    instances: list(str),
    cameraIds: list(str),
    siteIds: list(str),
    vendorTypes: list(z.string().min(1).max(EVENT_FIELD_LIMITS.vendorType)),
    plate: z.string().min(1).max(EVENT_FIELD_LIMITS.plate).optional(),
    plateListIds: list(str),
    plateFuzzy: z
      .object({ plate: z.string().min(1).max(20), maxDistance: z.number().int().min(0).max(2).default(1) })
      .strict()
      .optional(),
  })
  .strict();

/** The stored form (jsonb sinks.filter). */
export type SinkFilter = z.output<typeof sinkFilterSchema>;

const local = (id: string, type: string) => {
  const g = parseGlobalId(id);
  return g && g.typename === type ? g.id : id;
};

/** Validate and normalise; null/undefined → null (every event). BAD_USER_INPUT names `filter.<field>`. */
export function parseSinkFilter(input: unknown, field = 'filter'): SinkFilter | null {
  if (input == null) return null;
  const r = sinkFilterSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : null;
    const path = formatIssuePath(unknownKey ? [...issue.path, unknownKey] : issue.path, field);
    throw badInput(`${path}: ${unknownKey ? 'unknown filter field (expected the fields of EventFilter)' : issue.message}`, { field: path });
  }
  const f = r.data;
  const out: SinkFilter = { ...f };
  if (f.cameraIds) out.cameraIds = f.cameraIds.map((id) => local(id, 'Camera'));
  if (f.siteIds) out.siteIds = f.siteIds.map((id) => local(id, 'Site'));
  if (f.plateListIds) out.plateListIds = f.plateListIds.map((id) => local(id, 'PlateList'));
  if (f.plate !== undefined) {
    const prefix = f.plate.endsWith('*');
    const body = normalizePlate(prefix ? f.plate.slice(0, -1) : f.plate);
    if (!body) throw badInput(`${field}.plate: expected at least one plate character`, { field: `${field}.plate` });
    out.plate = prefix ? `${body}*` : body;
  }
  if (f.plateFuzzy) {
    const plate = normalizePlate(f.plateFuzzy.plate);
    if (!plate) throw badInput(`${field}.plateFuzzy.plate: expected at least one plate character`, { field: `${field}.plateFuzzy.plate` });
    out.plateFuzzy = { plate, maxDistance: f.plateFuzzy.maxDistance };
  }
  return out;
}

/** The store's filter of a stored sink filter (cameraIds/siteKeys not yet expanded to linked sources). */
export function toEventFilter(f: SinkFilter | null): EventFilter | null {
  if (!f) return null;
  return {
    kinds: (f.kinds as EventFilter['kinds']) ?? null,
    adapters: f.adapters ?? null,
    instances: f.instances ?? null,
    cameraIds: f.cameraIds ?? null,
    siteKeys: f.siteIds ?? null,
    vendorTypes: f.vendorTypes ?? null,
    plate: f.plate ?? null,
    plateListIds: f.plateListIds ?? null,
    plateFuzzy: f.plateFuzzy ?? null,
  };
}
