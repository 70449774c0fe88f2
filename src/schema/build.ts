/**
 * buildSchema(adapters): a fresh builder, the core types and fields, then each adapter's
 * additions. Sorted, validated eagerly (yoga would only validate on first request).
 */
import { assertValidSchema, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import type { AdapterDefinition } from '../core/adapter/types.ts';
import { createBuilder, type AdapterGraphql } from './builder.ts';
import { addCoreFields } from './core-fields.ts';
import { addCoreTypes } from './core-types.ts';

export function buildSchema(adapters: readonly AdapterDefinition[]): GraphQLSchema {
  const builder = createBuilder();
  const refs = addCoreTypes(builder);
  addCoreFields(builder, refs);
  for (const a of adapters) {
    try {
      // Core holds `graphql` opaquely; every definition was written against the SDK's type of it.
      (a.graphql as AdapterGraphql | undefined)?.(builder, refs);
    } catch (e) {
      throw new Error(`adapter "${a.type}": its GraphQL additions failed: ${(e as Error).message}`);
    }
  }
  const schema = lexicographicSortSchema(builder.toSchema());
  assertValidSchema(schema);
  return schema;
}

export function printSchemaSDL(schema: GraphQLSchema): string {
  return `${printSchema(schema).trim()}\n`;
}
