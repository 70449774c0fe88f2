import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { cachedCost, costVariables } from '../../src/core/http/cost-cache.ts';

describe('costVariables', () => {
  it('names the variables given to page sizes and id lists, at any depth and in fragments, not the others', () => {
    const doc = parse(`query($a: Int, $b: Int, $ids: [ID!]!, $x: ID!, $f: EventFilter, $l: Int) {
      events(first: $a, last: $b, filter: $f) { edges { node { ...F } } }
      nodes(ids: $ids) { id }
      more: nodes(ids: [$x, "literal"]) { id }
    }
    fragment F on Event { camera { events(first: 3, filter: { cameraIds: [$x] }) { edges { cursor } } } related(limit: $l) { seq } }`);
    expect(costVariables(doc).sort()).toEqual(['a', 'b', 'ids', 'l', 'x']);
    expect(costVariables(parse('query($f: EventFilter) { events(filter: $f) { edges { cursor } } }'))).toEqual([]);
  });
});

describe('cachedCost', () => {
  const doc = parse('query Q($n: Int, $f: EventFilter) { events(first: $n, filter: $f) { edges { cursor } } }');
  const counting = () => {
    const calls: unknown[] = [];
    const costOf = cachedCost((_d, v) => {
      calls.push(v);
      return v && 'n' in v ? (v.n === 'bad' ? null : Number(v.n ?? -1)) : 50;
    });
    return { calls, costOf };
  };

  it('computes once per document, operation name and page-size values; other variables do not matter', () => {
    const { calls, costOf } = counting();
    expect(costOf(doc, { n: 5, f: { kinds: ['A'] } }, 'Q')).toBe(5);
    expect(costOf(doc, { n: 5, f: { kinds: ['B'] } }, 'Q')).toBe(5);
    expect(calls).toHaveLength(1);
    expect(costOf(doc, { n: 7 }, 'Q')).toBe(7);
    expect(costOf(doc, { n: 5 }, null)).toBe(5);
    expect(costOf(parse('query Q($n: Int, $f: EventFilter) { events(first: $n, filter: $f) { edges { cursor } } }'), { n: 5 }, 'Q')).toBe(5);
    expect(calls).toHaveLength(4);
  });

  it('tells an absent variable (its default applies) from a null one', () => {
    const { calls, costOf } = counting();
    expect(costOf(doc, {}, 'Q')).toBe(50);
    expect(costOf(doc, { n: null }, 'Q')).toBe(-1);
    expect(costOf(doc, undefined, 'Q')).toBe(50);
    expect(calls).toHaveLength(2);
  });

  it('keeps no null (variables that do not coerce): the next request is costed', () => {
    const { calls, costOf } = counting();
    expect(costOf(doc, { n: 'bad' }, 'Q')).toBeNull();
    expect(costOf(doc, { n: 'bad' }, 'Q')).toBeNull();
    expect(calls).toHaveLength(2);
  });
});
