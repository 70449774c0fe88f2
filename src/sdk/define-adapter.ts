/**
 * The adapter definition as plugin authors write it: core's definition (core/adapter/types.ts) with
 * `graphql` typed against the schema builder. Core keeps `graphql` opaque so it never imports the
 * schema; the SDK, which may, gives it its real type here.
 */
import type { z } from 'zod';
import { defineAdapter as checkDefinition } from '../core/adapter/define.ts';
import type { AdapterDefinition as CoreAdapterDefinition } from '../core/adapter/types.ts';
import type { Builder, CoreRefs } from '../schema/builder.ts';

export interface AdapterDefinition<S extends z.ZodType = z.ZodType> extends CoreAdapterDefinition<S> {
  /** Add the adapter's GraphQL types and fields. Called once per adapter type. */
  graphql?: (builder: Builder, refs: CoreRefs) => void;
}

/**
 * defineAdapter: checks an adapter definition's shape when it is declared, returns it typed by its
 * config schema. The result is an `AdapterDefinition` (the default, "some config") as it is, alone or
 * in `readonly AdapterDefinition[]`, with no cast: `start` is declared as a method, so its `ctx`
 * parameter is compared bivariantly (keep it a method, and keep every other member independent of
 * `S` or covariant in it; test/plugins/definition-types.test.ts fails otherwise).
 */
export function defineAdapter<S extends z.ZodType>(def: AdapterDefinition<S>): AdapterDefinition<S> {
  checkDefinition(def);
  return def;
}
