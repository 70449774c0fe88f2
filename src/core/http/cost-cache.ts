/**
 * Operation costs (operation-limits.ts) remembered per parsed document. A cost depends only on the
 * document, the operation's name and the values of the variables given to COST_ARGUMENTS, the only
 * arguments a field's cost may read (schema/cost.ts and every `complexity` option keep to them): a
 * query repeated with other filters costs one lookup instead of a validation pass with the
 * complexity rule (~0.4 ms a request, issue 19). Documents are the parser cache's objects (yoga
 * keeps them by query text), held weakly; at most MAX_COSTS_PER_DOCUMENT costs each.
 */
import { visit, type DocumentNode } from 'graphql';

/** Field arguments a field's cost may depend on (a page size or a list of ids). */
export const COST_ARGUMENTS: ReadonlySet<string> = new Set(['first', 'last', 'limit', 'ids']);

const MAX_COSTS_PER_DOCUMENT = 64;

export type CostOf = (document: DocumentNode, variables: Record<string, unknown> | null | undefined, operationName: string | null | undefined) => number | null;

/** `compute`, remembered by document, operation name and the values of the variables a cost may read. */
export function cachedCost(compute: CostOf): CostOf {
  const byDocument = new WeakMap<DocumentNode, { variables: string[]; costs: Map<string, number> }>();
  return (document, variables, operationName) => {
    let entry = byDocument.get(document);
    if (!entry) byDocument.set(document, (entry = { variables: costVariables(document), costs: new Map() }));
    // An absent variable (its default applies) and one given as null are different keys.
    const key = JSON.stringify([operationName ?? null, entry.variables.map((v) => (variables && v in variables ? [variables[v]] : []))]);
    const hit = entry.costs.get(key);
    if (hit !== undefined) return hit;
    const cost = compute(document, variables, operationName);
    // null (the variables do not coerce) is not kept: the next request's variables may, and must be costed.
    if (cost === null) return null;
    if (entry.costs.size >= MAX_COSTS_PER_DOCUMENT) entry.costs.clear();
    entry.costs.set(key, cost);
    return cost;
  };
}

/** Names of the variables used (at any depth) in the values of COST_ARGUMENTS, in document order. */
export function costVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Argument(node) {
      if (!COST_ARGUMENTS.has(node.name.value)) return;
      visit(node.value, { Variable: (v) => void names.add(v.name.value) });
    },
    // A variable's definition names it too; only uses count.
    VariableDefinition: () => false,
  });
  return [...names];
}
