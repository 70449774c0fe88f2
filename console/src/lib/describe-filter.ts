/**
 * An EventFilter (a rule's `when`, a sink's `filter`, as JSON) in words for a table cell:
 * `PLATE_READ · camera North gate · list Visitors`. Ids are shown by name when `names` knows them.
 * Pure: no React, no request.
 */

type Names = Readonly<Record<string, string>>;

const LIST_FIELDS: ReadonlyArray<[field: string, label: string]> = [
  ['kinds', 'kind'],
  ['cameraIds', 'camera'],
  ['siteIds', 'site'],
  ['plateListIds', 'list'],
  ['adapters', 'adapter'],
  ['instances', 'instance'],
  ['vendorTypes', 'type'],
];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function describeFilter(filter: unknown, names: Names = {}): string {
  if (filter === null || filter === undefined) return 'every event';
  if (!isRecord(filter)) return JSON.stringify(filter);
  const parts: string[] = [];
  for (const [field, label] of LIST_FIELDS) {
    const values = filter[field];
    if (!Array.isArray(values) || values.length === 0) continue;
    const shown = values.map((v) => names[String(v)] ?? String(v));
    parts.push(field === 'kinds' ? shown.join(' or ') : `${label}${shown.length > 1 ? 's' : ''} ${shown.join(', ')}`);
  }
  if (typeof filter.plate === 'string') parts.push(`plate ${filter.plate}`);
  if (isRecord(filter.plateFuzzy)) parts.push(`plate ≈ ${String(filter.plateFuzzy.plate)} (±${String(filter.plateFuzzy.maxDistance ?? 1)})`);
  if (typeof filter.from === 'string') parts.push(`from ${filter.from}`);
  if (typeof filter.to === 'string') parts.push(`to ${filter.to}`);
  const known = new Set([...LIST_FIELDS.map(([f]) => f), 'plate', 'plateFuzzy', 'from', 'to']);
  const other = Object.keys(filter).filter((k) => !known.has(k) && filter[k] !== null && filter[k] !== undefined);
  if (other.length > 0) parts.push(`+ ${other.join(', ')}`);
  return parts.length > 0 ? parts.join(' · ') : 'every event';
}
