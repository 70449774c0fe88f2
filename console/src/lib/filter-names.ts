/**
 * Names for the ids a stored filter may hold (a rule's `when`, a sink's `filter`): cameras by
 * Camera.id, configured key and each source's internal id (adapter/instance/vendorId, as the server
 * stores them), plate lists and sinks by id. Pure.
 */
import type { RuleFormOptionsQuery } from '../generated/graphql.ts';

export function filterNames(options: RuleFormOptionsQuery | null): Record<string, string> {
  const names: Record<string, string> = {};
  if (!options) return names;
  for (const { node: c } of options.cameras.edges) {
    names[c.id] = c.name;
    if (c.key) names[c.key] = c.name;
    for (const s of c.sources) names[`${s.adapter}/${s.instance}/${s.vendorId}`] = c.name;
  }
  for (const l of options.plateLists) names[l.id] = l.name;
  for (const s of options.sinks) names[s.id] = s.name;
  return names;
}
