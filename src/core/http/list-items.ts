/**
 * The first list in an operation longer than a bound: list literals in the document and arrays in
 * its variables (variable-values.ts, any depth), so every list argument (`nodes(ids:)`, filter
 * lists, lists inside input objects) is bounded before anything is coerced or resolved.
 *
 * Bulk lists: input-object fields named in BULK_LIST_FIELDS (AddPlatesInput.entries,
 * RemovePlatesInput.plates: 10,000 plates per call, contract "Plate lists") take their own bound
 * instead of `limits.maxListItems`, as a literal, inside an object variable (`$input.entries`) or as
 * a variable given to that field (`entries: $entries`). The resolvers check the same bound again
 * with their own message. Names, not types, decide: no other input field of the schema may use them.
 */
import { visit, type DocumentNode } from 'graphql';
import { findInVariables } from './variable-values.ts';

export interface LongList {
  /** Where: `$ids`, `$f.cameraIds`, or `argument ids` for a literal. */
  at: string;
  length: number;
}

/** Input fields holding bulk lists, and their bound. */
export const BULK_LIST_FIELDS: ReadonlyMap<string, number> = new Map([
  ['entries', 10_000],
  ['plates', 10_000],
]);

/**
 * The document's part of firstLongList, per document and bound: yoga's parser cache hands the same
 * DocumentNode to every request with the same text, so a repeated operation is walked once.
 */
const documentLists = new WeakMap<DocumentNode, { max: number; found: LongList | null; bulkVariables: ReadonlyMap<string, number> }>();

export function firstLongList(document: DocumentNode, variables: unknown, max: number): LongList | null {
  let lists = documentLists.get(document);
  if (lists?.max !== max) documentLists.set(document, (lists = { max, ...listsInDocument(document, max) }));
  if (lists.found) return lists.found;
  const { bulkVariables } = lists;
  const bound = (key: string | number) => (typeof key === 'number' ? max : key.startsWith('$') ? (bulkVariables.get(key) ?? max) : (BULK_LIST_FIELDS.get(key) ?? max));
  const long = findInVariables(variables, (v, key) => Array.isArray(v) && v.length > bound(key));
  return long ? { at: long.path, length: (long.value as unknown[]).length } : null;
}

function listsInDocument(document: DocumentNode, max: number): { found: LongList | null; bulkVariables: ReadonlyMap<string, number> } {
  let found: LongList | null = null;
  let argument = '';
  /** Variables given directly to a bulk field: `$entries` → its bound. */
  const bulkVariables = new Map<string, number>();
  visit(document, {
    Argument: { enter: (node) => void (argument = node.name.value) },
    ObjectField: {
      enter: (node) => {
        argument = node.name.value;
        const bulk = BULK_LIST_FIELDS.get(argument);
        if (bulk !== undefined && node.value.kind === 'Variable') bulkVariables.set(`$${node.value.name.value}`, bulk);
      },
    },
    ListValue: (node) => {
      if (!found && node.values.length > (BULK_LIST_FIELDS.get(argument) ?? max)) found = { at: `argument ${argument}`, length: node.values.length };
    },
  });
  return { found, bulkVariables };
}
