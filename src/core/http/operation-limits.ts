/**
 * Envelop plugin: per-request limits checked after validation and before anything executes, on
 * HTTP, SSE and graphql-ws alike (they all run through yoga's envelop):
 * - no list argument longer than `maxListItems` (list-items.ts);
 * - an estimated cost of at most `maxCost`: page sizes multiplied down the selection tree
 *   (schema/cost.ts gives each field's cost). Variables count: the cost is remembered per document
 *   and the values of the variables given to page sizes and id lists (cost-cache.ts), not by query text alone.
 * Both answer BAD_USER_INPUT: the request is the client's to change (smaller pages, fewer ids);
 * `extensions` carry the figures (`cost`/`maxCost`, `listItems`/`maxListItems`) a client can act on.
 */
import type { Plugin } from 'graphql-yoga';
import { GraphQLError, validate, type DocumentNode, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { createComplexityRule } from '@pothos/plugin-complexity';
import { firstLongList } from './list-items.ts';
import { cachedCost, type CostOf } from './cost-cache.ts';

export interface OperationLimits {
  maxCost: number;
  maxListItems: number;
}

/** The estimated cost of the operation to run; null when its variables do not coerce (execution reports that). */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  operationName: string | null | undefined,
  context: object,
): number | null {
  let cost: number | null = null;
  const errors = validate(schema, document, [createComplexityRule({ context, variableValues: variables ?? {}, operationName, onResult: (r) => void (cost = Math.max(cost ?? 0, r.complexity)) })]);
  return errors.length ? null : cost;
}

/** Costs computed with no context: no field's cost reads it (schema/cost.ts), so one cost serves every request. */
const contextFreeCost =
  (schema: GraphQLSchema): CostOf =>
  (document, variables, operationName) =>
    operationCost(schema, document, variables, operationName, {});

export function checkOperationLimits(args: ExecutionArgs, limits: OperationLimits, costOf: CostOf = contextFreeCost(args.schema)): GraphQLError | null {
  const long = firstLongList(args.document, args.variableValues, limits.maxListItems);
  if (long) {
    return new GraphQLError(`${long.at}: ${long.length} items, at most ${limits.maxListItems} allowed`, {
      extensions: { code: 'BAD_USER_INPUT', listItems: long.length, maxListItems: limits.maxListItems },
    });
  }
  const cost = costOf(args.document, args.variableValues, args.operationName);
  if (cost !== null && cost > limits.maxCost) {
    return new GraphQLError(`operation cost ${cost} exceeds ${limits.maxCost}: ask for smaller pages (first/last) or fewer nested lists`, {
      extensions: { code: 'BAD_USER_INPUT', cost, maxCost: limits.maxCost },
    });
  }
  return null;
}

export function useOperationLimits(limits: OperationLimits): Plugin {
  // One cache per schema (a reloaded schema gets its own).
  const caches = new WeakMap<GraphQLSchema, CostOf>();
  const costOf = (schema: GraphQLSchema) => {
    let c = caches.get(schema);
    if (!c) caches.set(schema, (c = cachedCost(contextFreeCost(schema))));
    return c;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = checkOperationLimits(args, limits, costOf(args.schema));
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = checkOperationLimits(args, limits, costOf(args.schema));
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
