/**
 * The one place admin actions made over GraphQL are recorded, so no resolver has to remember it:
 * an envelop plugin on execute. For a mutation operation, every root field the schema marks as
 * audited (`audited(field)`: src/schema/audit.ts says which, today every field whose scope is admin,
 * adapters' own mutations included) is recorded after execution with the caller's key id, its
 * argument values (as the resolver received them, coerced from literals and variables) and its
 * outcome: 'ok', or the code of the error raised at that field itself (an error in a nested field of
 * its result does not undo the action). A FORBIDDEN attempt is recorded too; a request that fails
 * authentication never executes and leaves nothing. HTTP, SSE and graphql-ws all execute through here.
 */
import {
  getArgumentValues,
  getDirectiveValues,
  getOperationAST,
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  type DocumentNode,
  type FieldNode,
  type GraphQLField,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { isAppError } from '../errors.ts';
import type { GraphQLContext } from '../ports.ts';
import type { AuditAction, AuditLog } from './audit-log.ts';

export interface AuditPluginOptions {
  audit: AuditLog;
  /** Whether a root mutation field is an audited (admin) action. */
  audited(field: GraphQLField<unknown, unknown>): boolean;
}

interface RootField {
  responseKey: string;
  node: FieldNode;
}

/** Root fields of the operation in order (fragments followed, @skip/@include applied). */
export function rootFields(document: DocumentNode, op: OperationDefinitionNode, variables: Record<string, unknown> | undefined): RootField[] {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const out: RootField[] = [];
  const seen = new Set<string>();
  const included = (node: { directives?: readonly unknown[] }) => {
    const n = node as FieldNode;
    if (getDirectiveValues(GraphQLSkipDirective, n, variables)?.if === true) return false;
    if (getDirectiveValues(GraphQLIncludeDirective, n, variables)?.if === false) return false;
    return true;
  };
  const visit = (set: SelectionSetNode, depth: number) => {
    if (depth > 10) return;
    for (const s of set.selections) {
      if (!included(s)) continue;
      if (s.kind === Kind.FIELD) {
        const key = s.alias?.value ?? s.name.value;
        if (!seen.has(key)) {
          seen.add(key);
          out.push({ responseKey: key, node: s });
        }
      } else if (s.kind === Kind.INLINE_FRAGMENT) visit(s.selectionSet, depth + 1);
      else {
        const f = fragments.get(s.name.value);
        if (f) visit(f.selectionSet, depth + 1);
      }
    }
  };
  visit(op.selectionSet, 0);
  return out;
}

/** The code of an error as a client sees it (typed AppError, else its extensions, else INTERNAL). */
function codeOf(e: GraphQLError): string {
  const original = e.originalError;
  if (isAppError(original)) return original.code;
  const code = (original instanceof GraphQLError ? original.extensions?.code : undefined) ?? e.extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL';
}

export function useAuditLog(options: AuditPluginOptions): Plugin<GraphQLContext> {
  return {
    onExecute({ args }) {
      const op = getOperationAST(args.document, args.operationName ?? undefined);
      const type = args.schema.getMutationType();
      if (op?.operation !== 'mutation' || !type) return;
      const variables = (args.variableValues ?? undefined) as Record<string, unknown> | undefined;
      const fields = type.getFields();
      const audited = rootFields(args.document, op, variables).flatMap((f) => {
        const def = fields[f.node.name.value];
        return def && options.audited(def) ? [{ ...f, def }] : [];
      });
      if (!audited.length) return;
      const ctx = args.contextValue as GraphQLContext;
      const keyId = ctx.auth.open ? null : (ctx.auth.keyId ?? null);
      const at = options.audit.now();
      return {
        onExecuteDone: async ({ result }) => {
          const errors = 'errors' in result ? (result.errors ?? []) : [];
          const actions: AuditAction[] = audited.map((f) => {
            const own = errors.find((e) => e.path?.length === 1 && e.path[0] === f.responseKey);
            let fieldArgs: Record<string, unknown>;
            try {
              fieldArgs = getArgumentValues(f.def, f.node, variables);
            } catch {
              fieldArgs = { $unreadable: true };
            }
            return { at, keyId, action: f.def.name, args: fieldArgs, outcome: own ? codeOf(own) : 'ok' };
          });
          await options.audit.record(actions);
        },
      };
    },
  };
}
