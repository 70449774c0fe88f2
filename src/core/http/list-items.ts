/**
 * The first list in an operation longer than a bound: list literals in the document and arrays in
 * its variables (variable-values.ts, any depth), so every list argument (`nodes(ids:)`, filter
 * lists, lists inside input objects) is bounded before anything is coerced or resolved.
 */
import { visit, type DocumentNode } from 'graphql';
import { findInVariables } from './variable-values.ts';

export interface LongList {
  /** Where: `$ids`, `$f.cameraIds`, or `argument ids` for a literal. */
  at: string;
  length: number;
}

export function firstLongList(document: DocumentNode, variables: unknown, max: number): LongList | null {
  let found: LongList | null = null;
  let argument = '';
  visit(document, {
    Argument: { enter: (node) => void (argument = node.name.value) },
    ObjectField: { enter: (node) => void (argument = node.name.value) },
    ListValue: (node) => {
      if (!found && node.values.length > max) found = { at: `argument ${argument}`, length: node.values.length };
    },
  });
  if (found) return found;
  const long = findInVariables(variables, (v) => Array.isArray(v) && v.length > max);
  return long ? { at: long.path, length: (long.value as unknown[]).length } : null;
}
