/**
 * buildSchema(adapters): a fresh builder, the core types and fields, then each adapter's
 * additions. Sorted, validated eagerly (yoga would only validate on first request).
 */
import { assertValidSchema, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import type { AdapterDefinition } from '../core/adapter/types.ts';
import { createBuilder, type AdapterGraphql } from './builder.ts';
import { addCoreFields } from './core-fields.ts';
import { addCoreTypes, type TaxonomyExtras } from './core-types.ts';

/** The kinds and capabilities the adapters declare beyond the core ones (they join the EventKind and Capability enums). */
export function taxonomyExtras(adapters: readonly AdapterDefinition[]): TaxonomyExtras {
  return {
    eventKinds: adapters.flatMap((a) => a.eventKinds ?? []),
    capabilities: adapters.flatMap((a) => a.capabilities),
  };
}

/** An adapter's device types must be exactly the ones it defined with refs.deviceType(). */
export function deviceTypeMismatch(a: Pick<AdapterDefinition, 'type' | 'deviceTypes'>, defined: readonly string[]): string | null {
  const declared = a.deviceTypes ?? [];
  const undefinedTypes = declared.filter((t) => !defined.includes(t));
  const undeclared = defined.filter((t) => !declared.includes(t));
  const problems = [
    ...(undefinedTypes.length ? [`declares device types it does not define with refs.deviceType(): ${undefinedTypes.join(', ')}`] : []),
    ...(undeclared.length ? [`defines device types not listed in its deviceTypes: ${undeclared.join(', ')}`] : []),
  ];
  return problems.length ? `adapter "${a.type}": ${problems.join('; ')}` : null;
}

export function buildSchema(adapters: readonly AdapterDefinition[]): GraphQLSchema {
  const builder = createBuilder();
  const refs = addCoreTypes(builder, taxonomyExtras(adapters));
  addCoreFields(builder, refs);
  for (const a of adapters) {
    const before = new Set(refs.definedDeviceTypes);
    try {
      // Core holds `graphql` opaquely; every definition was written against the SDK's type of it.
      (a.graphql as AdapterGraphql | undefined)?.(builder, refs);
    } catch (e) {
      throw new Error(`adapter "${a.type}": its GraphQL additions failed: ${(e as Error).message}`);
    }
    const mismatch = deviceTypeMismatch(
      a,
      [...refs.definedDeviceTypes].filter((t) => !before.has(t)),
    );
    if (mismatch) throw new Error(mismatch);
  }
  const schema = lexicographicSortSchema(builder.toSchema());
  assertValidSchema(schema);
  return schema;
}

export function printSchemaSDL(schema: GraphQLSchema): string {
  return `${printSchema(schema).trim()}\n`;
}
