/**
 * Start-up checks of adapters that come from plugins: a valid definition (the defineAdapter
 * checks), an SDK range satisfied by one of this server's SDK versions (SUPPORTED_SDK_VERSIONS),
 * type names and GraphQL prefixes not taken by another adapter (built-in or plugin), every GraphQL
 * name it adds prefixed. Each problem names
 * the plugin (`plugins[1] (./x.js): …`) and the adapter.
 */
import { defineAdapter } from '../adapter/define.ts';
import type { AdapterDefinition } from '../adapter/types.ts';
import { SUPPORTED_SDK_VERSIONS, sdkRangeProblem } from './sdk-range.ts';

/**
 * The GraphQL names an adapter adds without its prefix (empty when all are prefixed). Finding them
 * needs a schema build, so the composition root passes schema/graphql-names.ts's
 * unprefixedGraphqlNames: core does not import the schema.
 */
export type GraphqlNameCheck = (def: AdapterDefinition) => string[];

/** Who already uses a type name or a GraphQL prefix, e.g. `built-in adapter "ff"`. */
export interface TakenNames {
  types: Map<string, string>;
  prefixes: Map<string, string>;
}

/** Names of adapters already present, e.g. `takenBy(builtIns, 'the built-in adapter')`. */
export function takenBy(adapters: readonly AdapterDefinition[], owner: string): TakenNames {
  const taken: TakenNames = { types: new Map(), prefixes: new Map() };
  for (const a of adapters) {
    taken.types.set(a.type, `${owner} "${a.type}"`);
    taken.prefixes.set(a.graphqlPrefix, `${owner} "${a.type}"`);
  }
  return taken;
}

/** The adapters a plugin module exports: its default export, one definition or an array of them. */
export function exportedAdapters(mod: unknown): unknown[] | string {
  let exported = (mod as { default?: unknown } | null)?.default;
  // A CommonJS build of an ES module: module.exports = { default: … }.
  if (exported && typeof exported === 'object' && !Array.isArray(exported) && !('type' in exported) && 'default' in exported) exported = (exported as { default: unknown }).default;
  if (exported === undefined || exported === null) return 'has no default export: export default defineAdapter({ … }) (or an array of adapters)';
  const list = Array.isArray(exported) ? exported : [exported];
  if (!list.length) return 'its default export is an empty array: export at least one adapter';
  return list;
}

const describe = (def: unknown, n: number): string => {
  const type = (def as { type?: unknown } | null)?.type;
  return typeof type === 'string' && type ? `adapter "${type}"` : `adapter #${n + 1}`;
};

/**
 * Problems of one plugin's adapters (empty = fine). Accepted adapters are added to `taken` so the
 * next plugin cannot reuse their names.
 */
export function pluginAdapterProblems(candidates: unknown[], label: string, taken: TakenNames, unprefixedGraphqlNames: GraphqlNameCheck): { adapters: AdapterDefinition[]; problems: string[] } {
  const problems: string[] = [];
  const adapters: AdapterDefinition[] = [];
  candidates.forEach((candidate, n) => {
    const name = describe(candidate, n);
    if (!candidate || typeof candidate !== 'object') {
      problems.push(`${label}: ${name} is not an adapter definition (got ${candidate === null ? 'null' : typeof candidate}); use defineAdapter({ … })`);
      return;
    }
    const def = candidate as AdapterDefinition;
    try {
      defineAdapter(def);
    } catch (e) {
      problems.push(`${label}: ${name} is not a valid definition: ${(e as Error).message.replace(/^defineAdapter\([^)]*\):\s*/, '')}`);
      return;
    }
    const mine: string[] = [];
    const sdkProblem = sdkRangeProblem(def.sdk, SUPPORTED_SDK_VERSIONS);
    if (sdkProblem) mine.push(`${name} ${sdkProblem}`);
    const typeOwner = taken.types.get(def.type);
    if (typeOwner) mine.push(`${name}: type "${def.type}" is already defined by ${typeOwner}`);
    const prefixOwner = taken.prefixes.get(def.graphqlPrefix);
    if (prefixOwner) mine.push(`${name}: graphqlPrefix "${def.graphqlPrefix}" is already used by ${prefixOwner}`);
    if (!mine.length) {
      try {
        const bad = unprefixedGraphqlNames(def);
        if (bad.length) mine.push(`${name} adds GraphQL names without its prefix "${def.graphqlPrefix}": ${bad.join(', ')}`);
      } catch (e) {
        mine.push(`${name}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    problems.push(...mine.map((m) => `${label}: ${m}`));
    if (mine.length) return;
    adapters.push(def);
    taken.types.set(def.type, `adapter "${def.type}" of ${label}`);
    taken.prefixes.set(def.graphqlPrefix, `adapter "${def.type}" of ${label}`);
  });
  return { adapters, problems };
}
