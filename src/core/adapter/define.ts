/** defineAdapter: checks an adapter definition's shape when it is declared, returns it typed. */
import type { z } from 'zod';
import { CAPABILITIES } from '../events/model.ts';
import type { AdapterDefinition } from './types.ts';

export function defineAdapter<S extends z.ZodType>(def: AdapterDefinition<S>): AdapterDefinition<S> {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(def.type ?? '')) problems.push(`type "${def.type}" must be lower-case letters, digits or "-"`);
  if (!/^\d+\.\d+\.\d+/.test(def.version ?? '')) problems.push(`version "${def.version}" must be semver`);
  if (!/^[A-Z][A-Za-z0-9]*$/.test(def.graphqlPrefix ?? '')) problems.push(`graphqlPrefix "${def.graphqlPrefix}" must be a capitalised GraphQL name prefix`);
  if (!def.configSchema || typeof (def.configSchema as { safeParse?: unknown }).safeParse !== 'function') problems.push('configSchema must be a zod schema');
  if (typeof def.start !== 'function') problems.push('start(ctx) must be a function');
  for (const c of def.capabilities ?? []) if (!CAPABILITIES.includes(c)) problems.push(`unknown capability "${c}"`);
  if (problems.length) throw new Error(`defineAdapter(${def.type ?? '?'}): ${problems.join('; ')}`);
  return def;
}
