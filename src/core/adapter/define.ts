/** defineAdapter: checks an adapter definition's shape when it is declared, returns it typed. */
import type { z } from 'zod';
import { SCOPES } from '../config/schema.ts';
import { CAPABILITIES, EVENT_KINDS, TAXONOMY_NAME_MAX } from '../events/model.ts';
import type { AdapterDefinition } from './types.ts';

/** The UPPER_SNAKE form of a graphqlPrefix that starts every kind and capability an adapter declares: `AcmeDoors` → `ACME_DOORS`. */
export function pluginNamePrefix(graphqlPrefix: string): string {
  return graphqlPrefix.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

const isCore = (list: readonly string[], name: string) => list.includes(name);

/** Problems with the kinds, capabilities, capability scopes and device types an adapter declares. */
export function taxonomyProblems(def: Pick<AdapterDefinition, 'graphqlPrefix' | 'capabilities' | 'eventKinds' | 'capabilityScopes' | 'deviceTypes'>): string[] {
  const problems: string[] = [];
  const prefix = pluginNamePrefix(def.graphqlPrefix ?? '');
  const extra = new RegExp(`^${prefix}_[A-Z0-9_]+$`);
  const checkExtra = (what: string, name: unknown) => {
    if (typeof name !== 'string' || !extra.test(name) || name.length > TAXONOMY_NAME_MAX)
      problems.push(`${what} ${JSON.stringify(name)} is not a core one; an adapter's own must match ${prefix}_[A-Z0-9_]+ (at most ${TAXONOMY_NAME_MAX} characters)`);
  };
  for (const c of def.capabilities ?? []) if (!isCore(CAPABILITIES, c)) checkExtra('capability', c);
  for (const k of def.eventKinds ?? []) {
    if (isCore(EVENT_KINDS, k)) problems.push(`eventKinds: "${k}" is a core kind; list only the adapter's own`);
    else checkExtra('event kind', k);
  }
  for (const [cap, scope] of Object.entries(def.capabilityScopes ?? {})) {
    if (!(def.capabilities ?? []).includes(cap)) problems.push(`capabilityScopes: "${cap}" is not one of the adapter's capabilities`);
    if (!(SCOPES as readonly string[]).includes(scope)) problems.push(`capabilityScopes.${cap}: "${scope}" is not a scope (${SCOPES.join(', ')})`);
  }
  const seen = new Set<string>();
  for (const t of def.deviceTypes ?? []) {
    if (typeof t !== 'string' || !t.startsWith(def.graphqlPrefix) || !/^[A-Z][A-Za-z0-9]{0,99}$/.test(t))
      problems.push(`deviceTypes: "${t}" must be a GraphQL type name starting with ${def.graphqlPrefix}`);
    if (seen.has(t)) problems.push(`deviceTypes: "${t}" is listed twice`);
    seen.add(t);
  }
  return problems;
}

export function defineAdapter<S extends z.ZodType>(def: AdapterDefinition<S>): AdapterDefinition<S> {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(def.type ?? '')) problems.push(`type "${def.type}" must be lower-case letters, digits or "-"`);
  if (!/^\d+\.\d+\.\d+/.test(def.version ?? '')) problems.push(`version "${def.version}" must be semver`);
  if (!/^[A-Z][A-Za-z0-9]*$/.test(def.graphqlPrefix ?? '')) problems.push(`graphqlPrefix "${def.graphqlPrefix}" must be a capitalised GraphQL name prefix`);
  if (!def.configSchema || typeof (def.configSchema as { safeParse?: unknown }).safeParse !== 'function') problems.push('configSchema must be a zod schema');
  if (typeof def.start !== 'function') problems.push('start(ctx) must be a function');
  problems.push(...taxonomyProblems(def));
  if (problems.length) throw new Error(`defineAdapter(${def.type ?? '?'}): ${problems.join('; ')}`);
  return def;
}
