/**
 * Field-level scopes (@pothos/plugin-scope-auth): what each API key scope lets a caller reach.
 * The check runs before a field's resolver, for every field wherever it appears in an operation
 * (fragments, nested fields, mutation results), over HTTP, SSE and graphql-ws alike.
 *
 * - Root fields declare their scope (`authScopes: READ`, …); a root field that declares none gets
 *   the default of its root type (DefaultScopesPlugin: Query/Subscription `events:read`,
 *   Mutation `admin`), so an adapter plugin's physical or configuration action is admin-only
 *   unless it says otherwise.
 * - Types that carry data declare a type scope, checked once per object wherever it is reached
 *   (`runScopesOnType`): every event type `events:read`, Media `events:read`, StreamSession
 *   `streams`, Camera any scope.
 * - `admin` grants every scope; with no API keys configured every scope is granted.
 * An unauthorised field answers null with a FORBIDDEN error (a non-null one nulls its parent, as
 * GraphQL prescribes); the rest of the operation still runs.
 */
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import { AuthScopeFailureType, type AuthFailure } from '@pothos/plugin-scope-auth';
import type { GraphQLResolveInfo } from 'graphql';
import { SCOPES, type Scope } from '../core/config/schema.ts';
import { AppError } from '../core/errors.ts';
import { hasScope } from '../core/auth/api-keys.ts';
import type { GraphQLContext } from '../core/ports.ts';

/** The scopes fields can require: the API key scopes (AuthScopes of the builder). */
export type AuthScopes = { [S in Scope]: boolean };

/** A scope map requiring any one of `scopes` (admin always passes). */
export function requireScope(...scopes: [Scope, ...Scope[]]): Partial<AuthScopes> {
  return Object.fromEntries(scopes.map((s) => [s, true]));
}

export const READ = requireScope('events:read');
export const WRITE = requireScope('events:write');
export const STREAMS = requireScope('streams');
export const ADMIN = requireScope('admin');
/** Any API key (every key has at least one scope): camera metadata that every scope needs to act on. */
export const ANY_KEY = requireScope('events:read', 'events:write', 'streams');

/** The scope initializer: which scopes this request's key has. */
export function scopesOf(ctx: GraphQLContext): AuthScopes {
  return Object.fromEntries(SCOPES.map((s) => [s, hasScope(ctx.auth, s)])) as AuthScopes;
}

function missingScopes(f: AuthFailure, out = new Set<string>()): Set<string> {
  if (f.kind === AuthScopeFailureType.AuthScope) out.add(f.scope);
  else if (f.kind === AuthScopeFailureType.AnyAuthScopes || f.kind === AuthScopeFailureType.AllAuthScopes) for (const c of f.failures) missingScopes(c, out);
  return out;
}

/** FORBIDDEN naming the field and the scope(s) it needs. */
export function forbidden(_parent: unknown, _ctx: unknown, info: GraphQLResolveInfo, result: { failure: AuthFailure }): Error {
  const scopes = [...missingScopes(result.failure)];
  const what = `${info.parentType.name}.${info.fieldName}`;
  return new AppError('FORBIDDEN', `${what} needs the scope ${scopes.length ? scopes.join(' or ') : '(unknown)'}; this API key lacks it`, { scopes });
}

/** Default scopes of root fields that declare none (adapter plugins written before SDK 1.2.0). */
export const ROOT_DEFAULT_SCOPES: Record<'Query' | 'Mutation' | 'Subscription', Partial<AuthScopes>> = {
  Query: READ,
  Subscription: READ,
  Mutation: ADMIN,
};

export class DefaultScopesPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    const options = fieldConfig.pothosOptions as { authScopes?: unknown };
    if (options.authScopes !== undefined) return fieldConfig;
    const kind = this.buildCache.getTypeConfig(fieldConfig.parentType).kind;
    if (kind !== 'Query' && kind !== 'Mutation' && kind !== 'Subscription') return fieldConfig;
    return { ...fieldConfig, pothosOptions: { ...fieldConfig.pothosOptions, authScopes: ROOT_DEFAULT_SCOPES[kind] } as never };
  }
}

const pluginName = 'defaultScopes';
declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      defaultScopes: DefaultScopesPlugin<Types>;
    }
  }
}
SchemaBuilder.registerPlugin(pluginName, DefaultScopesPlugin);
export const DefaultScopes = pluginName;
