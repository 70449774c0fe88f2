/**
 * Envelop plugin: no string argument or variable may contain a NUL character (U+0000). PostgreSQL
 * text and jsonb cannot hold one, so it would otherwise fail deep in a query as a server error; here
 * it is BAD_USER_INPUT naming where it was, before anything runs. Strings written in the operation
 * (`"\u0000"` escapes) and every string inside the variables (variable-values.ts) count.
 */
import type { Plugin } from 'graphql-yoga';
import { findInVariables } from './variable-values.ts';
import { BREAK, GraphQLError, Kind, visit, type ArgumentNode, type ASTNode, type DocumentNode, type VariableDefinitionNode } from 'graphql';

/**
 * The document's part of findNul, per document: yoga's parser cache hands the same DocumentNode to
 * every request with the same text, so a repeated operation is walked once, not per request.
 */
const nulInDocument = new WeakMap<DocumentNode, string | null>();

/** Where the first NUL is: `$f.plate`, `$ids[2]`, or `argument "plate"`; null when there is none. */
export function findNul(document: DocumentNode, variables: unknown): string | null {
  let where = nulInDocument.get(document);
  if (where === undefined) nulInDocument.set(document, (where = findNulInDocument(document)));
  if (where) return where;
  return findInVariables(variables, (v) => typeof v === 'string' && v.includes('\0'))?.path ?? null;
}

function findNulInDocument(document: DocumentNode): string | null {
  let where: string | null = null;
  visit(document, {
    StringValue(node, _key, parent, _path, ancestors) {
      if (!node.value.includes('\0')) return undefined;
      const owner = [...ancestors, parent]
        .reverse()
        .find((a): a is ArgumentNode | VariableDefinitionNode => !!a && !Array.isArray(a) && ((a as ASTNode).kind === Kind.ARGUMENT || (a as ASTNode).kind === Kind.VARIABLE_DEFINITION));
      where = !owner ? 'a string in the operation' : owner.kind === Kind.ARGUMENT ? `argument "${owner.name.value}"` : `the default of $${owner.variable.name.value}`;
      return BREAK;
    },
  });
  return where;
}

export function useRejectNul(): Plugin {
  const check = (args: { document: DocumentNode; variableValues?: unknown }) => {
    const where = findNul(args.document, args.variableValues);
    return where ? new GraphQLError(`${where}: strings must not contain NUL (\\u0000) characters`, { extensions: { code: 'BAD_USER_INPUT' } }) : null;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const err = check(args);
      if (err) setResultAndStopExecution({ errors: [err] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const err = check(args);
      if (err) setResultAndStopExecution({ errors: [err] });
    },
  };
}
