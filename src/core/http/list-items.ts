/**
 * The first list in an operation longer than a bound: list literals in the document and arrays in
 * its variables (walked iteratively, any depth), so every list argument (`nodes(ids:)`, filter
 * lists, lists inside input objects) is bounded before anything is coerced or resolved.
 */
import { visit, type DocumentNode } from 'graphql';

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
  const stack: Array<[unknown, string]> = [[variables, '$']];
  while (stack.length) {
    const [value, at] = stack.pop()!;
    if (Array.isArray(value)) {
      if (value.length > max) return { at, length: value.length };
      value.forEach((v, i) => stack.push([v, `${at}[${i}]`]));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) stack.push([v, at === '$' ? `$${k}` : `${at}.${k}`]);
    }
  }
  return null;
}

