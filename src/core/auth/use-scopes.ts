/**
 * Envelop plugin: checks the caller's scopes for each operation before it runs. Queries and
 * subscriptions need `events:read`; each mutation field needs the scope in MUTATION_SCOPES
 * (default `events:write`); `admin` grants everything.
 */
import type { Plugin } from 'graphql-yoga';
import { GraphQLError, Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { Scope } from '../config/schema.ts';
import type { GraphQLContext } from '../../schema/context.ts';
import { hasScope } from './api-keys.ts';

export const MUTATION_SCOPES: Record<string, Scope> = {
  triggerEvent: 'events:write',
  createEvent: 'events:write',
  startStream: 'streams',
  keepStreamAlive: 'streams',
  stopStream: 'streams',
};

function operationOf(doc: DocumentNode, name?: string | null): OperationDefinitionNode | undefined {
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return name ? ops.find((o) => o.name?.value === name) : ops[0];
}

export function requiredScopes(doc: DocumentNode, operationName?: string | null): Scope[] {
  const op = operationOf(doc, operationName);
  if (!op) return [];
  if (op.operation !== 'mutation') return ['events:read'];
  const scopes = new Set<Scope>();
  for (const sel of op.selectionSet.selections) {
    if (sel.kind === Kind.FIELD && sel.name.value !== '__typename') scopes.add(MUTATION_SCOPES[sel.name.value] ?? 'events:write');
    else if (sel.kind !== Kind.FIELD) scopes.add('events:write');
  }
  return [...scopes];
}

export function useScopes(): Plugin<GraphQLContext> {
  const check = (args: { document: DocumentNode; operationName?: string | null; contextValue: GraphQLContext }) => {
    const missing = requiredScopes(args.document, args.operationName).filter((s) => !hasScope(args.contextValue.auth, s));
    if (missing.length) {
      return new GraphQLError(`this API key lacks the scope ${missing.join(', ')}`, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
    }
    return null;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const err = check(args as never);
      if (err) setResultAndStopExecution({ errors: [err] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const err = check(args as never);
      if (err) setResultAndStopExecution({ errors: [err] });
    },
  };
}
