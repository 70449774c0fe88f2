/** The per-request batch loader behind PlateListMatch.list and PlateList.size: one load per turn for every key asked, nothing cached past the batch, one per context. */
import { describe, expect, it } from 'vitest';
import { batchLoader, perContext } from '../../src/schema/batch-loader.ts';

describe('batchLoader', () => {
  it('loads the keys asked for in one turn in one call, each once; the next turn loads again', async () => {
    const calls: string[][] = [];
    const load = batchLoader<string, number>(async (keys) => {
      calls.push([...keys]);
      return new Map(keys.filter((k) => k !== 'absent').map((k) => [k, k.length]));
    });
    expect(await Promise.all(['a', 'bb', 'a', 'ccc', 'absent'].map(load))).toEqual([1, 2, 1, 3, undefined]);
    expect(calls).toEqual([['a', 'bb', 'ccc', 'absent']]);
    expect(await load('a')).toBe(1);
    expect(calls).toEqual([['a', 'bb', 'ccc', 'absent'], ['a']]);
  });

  it('rejects every waiter of a failed batch', async () => {
    const load = batchLoader<string, number>(async () => {
      throw new Error('store down');
    });
    const results = await Promise.allSettled([load('a'), load('b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('perContext makes one value per context', () => {
    let made = 0;
    const of = perContext((_ctx: object) => ++made);
    const a = {};
    expect([of(a), of(a), of({})]).toEqual([1, 1, 2]);
  });
});
