/** The in-memory plate list index: each distance case, validity windows, several lists, and the index agreeing with a plain scan. */
import { describe, expect, it } from 'vitest';
import { MAX_LAYERS, type MatcherEntry, type MatcherList, oneDeletions, PlateListMatcher, PlateListSegment } from '../../../src/core/plates/matcher.ts';
import { ocrDistance } from '../../../src/core/plates/ocr.ts';

const at = new Date('2025-06-01T12:00:00Z');
const list = (id: string, maxDistance: number, kind: MatcherList['kind'] = 'WATCH'): MatcherList => ({ id, name: `list-${id}`, kind, maxDistance });
const entry = (listId: string, plate: string, over: Partial<MatcherEntry> = {}): MatcherEntry => ({
  listId,
  plate,
  plateNormalized: plate.replace(/[\s-]/g, '').toUpperCase(),
  label: `label ${plate}`,
  validFrom: null,
  validTo: null,
  ...over,
});
const distances = (m: PlateListMatcher, plate: string, when = at) => m.match(plate, when).map((x) => [x.listId, x.distance, x.entryPlate]);

describe('PlateListMatcher', () => {
  it('oneDeletions lists each distinct one-character deletion', () => {
    expect(oneDeletions('ABC').sort()).toEqual(['AB', 'AC', 'BC']);
    expect(oneDeletions('AAB').sort()).toEqual(['AA', 'AB']);
    expect(oneDeletions('')).toEqual([]);
  });

  it('maxDistance 0: the same plate and its OCR look-alikes match at distance 0, one edit does not', () => {
    const m = new PlateListMatcher([list('a', 0, 'DENY')], [entry('a', '1AB-2345')]);
    expect(m.match('1AB2345', at)).toEqual([
      { listId: 'a', listName: 'list-a', kind: 'DENY', entryPlate: '1AB-2345', entryLabel: 'label 1AB-2345', entryValidFrom: null, entryValidTo: null, distance: 0 },
    ]);
    expect(distances(m, 'IA82345')).toEqual([['a', 0, '1AB-2345']]); // 1/I and B/8 look alike
    expect(distances(m, '1AC2345')).toEqual([]);
    expect(distances(m, '1AB234')).toEqual([]);
  });

  it('maxDistance 1: one substitution, insertion or deletion matches at 1 (look-alikes still free), two edits do not', () => {
    const m = new PlateListMatcher([list('a', 1)], [entry('a', '1AB2345')]);
    expect(distances(m, '1AB2345')).toEqual([['a', 0, '1AB2345']]);
    expect(distances(m, 'IAB2345')).toEqual([['a', 0, '1AB2345']]);
    expect(distances(m, '1AC2345')).toEqual([['a', 1, '1AB2345']]); // substitution
    expect(distances(m, '1AB23456')).toEqual([['a', 1, '1AB2345']]); // insertion
    expect(distances(m, '1A2345')).toEqual([['a', 1, '1AB2345']]); // deletion
    expect(distances(m, 'LAC2345')).toEqual([['a', 1, '1AB2345']]); // look-alike + substitution
    expect(distances(m, '1XY2345')).toEqual([]);
    expect(distances(m, '1BA2345')).toEqual([]); // a transposition is two edits
  });

  it('maxDistance 2 and 3 lists are scanned with their own bound', () => {
    const m = new PlateListMatcher([list('two', 2), list('three', 3)], [entry('two', 'ABC1234'), entry('three', 'ABC1234')]);
    expect(distances(m, 'AXY1234')).toEqual([
      ['three', 2, 'ABC1234'],
      ['two', 2, 'ABC1234'],
    ]);
    expect(distances(m, 'XYZ1234')).toEqual([['three', 3, 'ABC1234']]);
    expect(distances(m, 'XYZ9234')).toEqual([]);
  });

  it('respects validity windows at occurredAt: from inclusive, to exclusive', () => {
    const from = new Date('2025-06-01T00:00:00Z');
    const to = new Date('2025-06-02T00:00:00Z');
    const m = new PlateListMatcher([list('a', 0)], [entry('a', 'AAA111', { validFrom: from, validTo: to })]);
    expect(distances(m, 'AAA111', from)).toEqual([['a', 0, 'AAA111']]);
    expect(distances(m, 'AAA111', at)).toEqual([['a', 0, 'AAA111']]);
    expect(distances(m, 'AAA111', new Date(from.getTime() - 1))).toEqual([]); // not yet valid
    expect(distances(m, 'AAA111', to)).toEqual([]); // expired
  });

  it('an expired entry at distance 0 leaves a valid one at distance 1 to match', () => {
    const m = new PlateListMatcher([list('a', 1)], [entry('a', 'AAA111', { validTo: new Date('2025-01-01T00:00:00Z') }), entry('a', 'AAA112')]);
    expect(distances(m, 'AAA111')).toEqual([['a', 1, 'AAA112']]);
  });

  it('matches two lists at once, each with its own maxDistance, one match per list (the closest entry)', () => {
    const m = new PlateListMatcher([list('deny', 0, 'DENY'), list('watch', 1, 'WATCH')], [entry('deny', 'XYZ999'), entry('watch', 'XYZ998'), entry('watch', 'XYZ99'), entry('watch', 'XYZ999')]);
    expect(distances(m, 'XYZ999')).toEqual([
      ['deny', 0, 'XYZ999'],
      ['watch', 0, 'XYZ999'],
    ]);
    // One edit away from the DENY entry: only the distance-1 list matches (its closest entry, ties by plate).
    expect(distances(m, 'XYZ997')).toEqual([['watch', 1, 'XYZ99']]); // XYZ99 and XYZ998 both one edit away: the smaller plate
    expect(m.match('XYZ997', at)[0]?.kind).toBe('WATCH');
  });

  it('ignores entries of unknown lists and answers nothing for an empty plate', () => {
    const m = new PlateListMatcher([list('a', 1)], [entry('gone', 'AAA111'), entry('a', 'BBB222')]);
    expect(m.size).toBe(1);
    expect(distances(m, 'AAA111')).toEqual([]);
    expect(distances(m, '')).toEqual([]);
  });

  it('the distance-1 index finds exactly what a full scan finds (random plates and edits)', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; // 32-bit LCG (exact in integer arithmetic)
      return (seed >>> 16) % n;
    };
    const alphabet = 'ABCDEFGHJKLMNOPQRSTUVWXYZ0123456789';
    const plate = () => Array.from({ length: 4 + rnd(4) }, () => alphabet[rnd(alphabet.length)]).join('');
    const plates = Array.from({ length: 400 }, plate);
    const m = new PlateListMatcher(
      [list('a', 1)],
      plates.map((p) => entry('a', p)),
    );
    const edit = (p: string) => {
      const i = rnd(p.length + 1);
      const c = alphabet[rnd(alphabet.length)];
      const op = rnd(3);
      return op === 0 ? p.slice(0, i) + c + p.slice(i) : op === 1 ? p.slice(0, i) + p.slice(i + 1) : p.slice(0, i) + c + p.slice(i + 1);
    };
    for (let k = 0; k < 300; k++) {
      const q = rnd(2) ? edit(plates[rnd(plates.length)]) : edit(edit(plates[rnd(plates.length)]));
      const expected = Math.min(...plates.map((p) => ocrDistance(q, p, 1)));
      const got = m.match(q, at);
      if (expected <= 1)
        expect(
          got.map((x) => x.distance),
          q,
        ).toEqual([expected]);
      else expect(got, q).toEqual([]);
    }
  });

  it('changes as layers: a newer layer replaces or removes an entry of an older one, a dropped list stops matching at once', () => {
    const m = new PlateListMatcher([list('a', 1), list('b', 0, 'DENY'), list('c', 2)], [entry('a', 'AAA111', { label: 'old' }), entry('b', 'BBB222'), entry('c', 'CCC333')]);
    expect(m.size).toBe(3);
    const lists = new Map([list('a', 1), list('b', 0, 'DENY'), list('c', 2)].map((l) => [l.id, l]));

    const upsert = new PlateListSegment();
    upsert.add(lists.get('a')!, entry('a', 'AAA111', { label: 'new' })); // replaces
    upsert.add(lists.get('a')!, entry('a', 'DDD444'));
    upsert.add(lists.get('c')!, entry('c', 'CCC999'));
    m.push(upsert);
    expect(m.size).toBe(5);
    expect(m.match('AAA11', at).map((x) => [x.listId, x.distance, x.entryLabel])).toEqual([['a', 1, 'new']]);
    expect(distances(m, 'DDD444')).toEqual([['a', 0, 'DDD444']]);
    expect(distances(m, 'CCC993')).toEqual([['c', 1, 'CCC999']]); // closest of the two layers' entries

    const removal = new PlateListSegment();
    removal.remove('a', 'AAA111');
    removal.remove('b', 'BBB222');
    removal.remove('b', 'NOT-THERE');
    m.push(removal);
    expect(m.size).toBe(3);
    expect(distances(m, 'AAA111')).toEqual([]);
    expect(distances(m, 'BBB222')).toEqual([]);
    expect(m.depth).toBe(3);

    const again = new PlateListSegment();
    again.add(lists.get('b')!, entry('b', 'BBB222', { label: 'back' }));
    m.push(again);
    expect(m.match('8BB222', at).map((x) => [x.listId, x.entryLabel])).toEqual([['b', 'back']]);
    expect(m.size).toBe(4);

    expect(m.wantsCompaction).toBe(false);
    m.dropList('c');
    expect(distances(m, 'CCC333')).toEqual([]);
    expect(m.size).toBe(2);
    expect(m.wantsCompaction).toBe(true); // the dropped list's entries are still held
  });

  it('asks for a compaction past MAX_LAYERS layers', () => {
    const m = new PlateListMatcher([list('a', 0)], []);
    for (let i = 0; i <= MAX_LAYERS; i++) {
      expect(m.wantsCompaction).toBe(false);
      const l = new PlateListSegment();
      l.add(list('a', 0), entry('a', `P${i}`));
      m.push(l);
    }
    expect(m.depth).toBe(MAX_LAYERS + 1);
    expect(m.wantsCompaction).toBe(true);
    expect(m.size).toBe(MAX_LAYERS + 1);
  });
});
