/**
 * What a field costs in an operation's cost estimate (@pothos/plugin-complexity): the estimate is
 * each selected field's own cost plus its sub-selection's cost times the field's multiplier, so
 * page sizes multiply down the tree. One rule for every field, core and adapter-added alike:
 * - a field taking `first`/`last`/`limit` (a page) or `ids` costs PAGE_FIELD_COST (a database
 *   round trip) and multiplies its selection by the count asked for (`ids.length`), or by
 *   DEFAULT_PAGE_COUNT when no count is given; a count over MAX_PAGE counts as MAX_PAGE, since
 *   such a field refuses it with its own BAD_USER_INPUT naming the argument (a field allowing
 *   more, like camlyticsAggregates, sets its own `complexity`);
 * - a connection's `edges` multiply by 1 (the page was counted on the connection field);
 * - any other list multiplies by LIST_MULTIPLIER (its length is unknown before it runs);
 * - every other field costs 1.
 * The limit (config `limits.maxCost`) is applied per request in core/http/operation-limits.ts.
 * A cost may read no argument but `first`, `last`, `limit` and `ids` (COST_ARGUMENTS): costs are
 * remembered by document and those arguments' variable values (core/http/cost-cache.ts).
 */
import { getNamedType, getNullableType, isListType, type GraphQLField } from 'graphql';
import { MAX_PAGE } from './pagination.ts';

/** Own cost of a field that reads a page or a list of ids (a database round trip). */
export const PAGE_FIELD_COST = 10;
/** Multiplier of a paged field without `first`/`last`: the largest default page (cameras: 100). */
export const DEFAULT_PAGE_COUNT = 100;
/** Multiplier of a list field whose length is not given by an argument. */
export const LIST_MULTIPLIER = 5;

const PAGE_ARGS = ['first', 'last', 'limit'] as const;

export function fieldCost(args: Record<string, unknown>, _ctx: unknown, field: GraphQLField<unknown, any>): { field: number; multiplier: number } {
  const isList = isListType(getNullableType(field.type));
  if (field.name === 'edges' && isList && getNamedType(field.type).name.endsWith('Edge')) return { field: 1, multiplier: 1 };
  if (Array.isArray(args.ids)) return { field: PAGE_FIELD_COST, multiplier: args.ids.length };
  if (field.args.some((a) => (PAGE_ARGS as readonly string[]).includes(a.name))) {
    const asked = PAGE_ARGS.map((k) => args[k]).find((v): v is number => typeof v === 'number');
    return { field: PAGE_FIELD_COST, multiplier: Math.min(MAX_PAGE, Math.max(0, asked ?? DEFAULT_PAGE_COUNT)) };
  }
  return { field: 1, multiplier: isList ? LIST_MULTIPLIER : 1 };
}
