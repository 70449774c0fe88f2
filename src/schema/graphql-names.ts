/**
 * What an adapter adds to the GraphQL schema, and which of those names lack its prefix. Types it
 * adds must start with `graphqlPrefix` ("Ff…"); fields it adds to core types (Query, Mutation,
 * Subscription, Camera, …) must start with the prefix in lower camel case ("ff…"). Found by
 * building the schema with and without the adapter. Core's plugin checks receive
 * unprefixedGraphqlNames from the composition root (core never builds a schema).
 */
import { isInputObjectType, isInterfaceType, isObjectType, type GraphQLNamedType, type GraphQLSchema } from 'graphql';
import type { AdapterDefinition } from '../core/adapter/types.ts';
import { buildSchema } from './build.ts';

export interface GraphqlAdditions {
  /** Type names the adapter adds. */
  types: string[];
  /** `Type.field` the adapter adds to types of the core. */
  fields: string[];
}

let coreSchema: GraphQLSchema | null = null;

const fieldNames = (t: GraphQLNamedType | undefined): string[] => (t && (isObjectType(t) || isInterfaceType(t) || isInputObjectType(t)) ? Object.keys(t.getFields()) : []);

export function graphqlAdditions(def: AdapterDefinition): GraphqlAdditions {
  coreSchema ??= buildSchema([]);
  const core = coreSchema.getTypeMap();
  const withAdapter = buildSchema([def]).getTypeMap();
  const types: string[] = [];
  const fields: string[] = [];
  for (const [name, type] of Object.entries(withAdapter)) {
    if (name.startsWith('__')) continue;
    if (!core[name]) {
      types.push(name);
      continue;
    }
    const before = new Set(fieldNames(core[name]));
    for (const f of fieldNames(type)) if (!before.has(f)) fields.push(`${name}.${f}`);
  }
  return { types, fields };
}

/** Names the adapter adds without its prefix (empty when all are prefixed). */
export function unprefixedGraphqlNames(def: AdapterDefinition): string[] {
  const { types, fields } = graphqlAdditions(def);
  const fieldPrefix = def.graphqlPrefix.charAt(0).toLowerCase() + def.graphqlPrefix.slice(1);
  return [...types.filter((t) => !t.startsWith(def.graphqlPrefix)).map((t) => `type ${t}`), ...fields.filter((f) => !f.split('.')[1].startsWith(fieldPrefix))];
}
