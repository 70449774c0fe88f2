/**
 * The operation gate bounds list inputs by field name before the schema is consulted
 * (core/http/list-items.ts): `entries` and `plates` take the bulk bound (10,000) instead of
 * limits.maxListItems. That is only safe while no other input field of the schema is named so —
 * this test fails when one appears (built-in adapters included), so the name rule cannot silently
 * widen the bound of an unrelated list.
 */
import { isInputObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { builtInAdapters } from '../../../src/adapters/index.ts';
import { BULK_LIST_FIELDS, firstLongList } from '../../../src/core/http/list-items.ts';
import { buildSchema } from '../../../src/schema/build.ts';
import { parse } from 'graphql';

describe('bulk list fields', () => {
  it('are used by the plate-list inputs only', () => {
    const schema = buildSchema(builtInAdapters);
    const users = Object.values(schema.getTypeMap())
      .filter(isInputObjectType)
      .flatMap((t) =>
        Object.keys(t.getFields())
          .filter((f) => BULK_LIST_FIELDS.has(f))
          .map((f) => `${t.name}.${f}`),
      )
      .sort();
    expect(users).toEqual(['AddPlatesInput.entries', 'RemovePlatesInput.plates']);
  });

  it('take the bulk bound; any other list keeps the normal one', () => {
    const doc = parse('mutation($e: [PlateEntryInput!]!, $ids: [ID!]) { addPlates(input: { listId: "x", entries: $e }) { id } nodes(ids: $ids) { id } }');
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ plate: `P${i}` }));
    expect(firstLongList(doc, { e: many(10_000) }, 100)).toBeNull();
    expect(firstLongList(doc, { e: many(10_001) }, 100)?.length).toBe(10_001);
    expect(firstLongList(doc, { e: many(1), ids: many(101) }, 100)?.length).toBe(101);
  });
});
