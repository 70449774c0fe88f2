/**
 * Plate list matching at ingest without scanning the lists (contract, "Plate lists"): an in-memory
 * index of every entry of every list. Pure: no I/O.
 *
 * The index is a stack of layers (PlateListSegment): a base built from the store, then one layer per
 * change made since (an addPlates batch, a removePlates batch as tombstones). A newer layer shadows an
 * older one for the same (list, normalized plate), so a change costs the size of the change, not of
 * the lists, and appears whole (a layer is built before it is pushed). A dropped list is left out of
 * the lists map at once; its entries go at the next compaction (list-index.ts rebuilds the base).
 *
 * Inside a layer:
 * - maxDistance 0: entries keyed by their OCR-canonical form (ocrCanonical): one Map lookup.
 * - maxDistance 1: a symmetric-delete (deletion neighbourhood) index: each entry is filed under its
 *   canonical form and every form with one character deleted; a read looks up its own canonical form
 *   and its one-deletion forms. Two strings within Levenshtein distance 1 always share one of these
 *   keys (a substitution deletes the same position on both sides, an insertion/deletion is the other
 *   string itself), so no match is missed; the few false candidates (e.g. two substitutions at
 *   adjacent positions sharing a deletion) are dropped by verifying with the bounded distance. Cost
 *   per read: length + 1 lookups per layer, whatever the number of entries.
 * - maxDistance ≥ 2: the deletion neighbourhood grows as length², so such lists are scanned instead
 *   (bounded Levenshtein on canonical forms, stopping at the list's maxDistance + 1: most entries stop
 *   after a row or two). Fine for the small watch lists that want a loose match; large lists should
 *   use 0 or 1 (README, "Plate lists").
 *
 * An entry matches a read at `at` when validFrom ≤ at < validTo (either bound open when null). One
 * match per list: its closest valid entry (ties: the smaller entry plate), so a list never reports
 * the same read twice. Matches are ordered by distance, then list name.
 */
import { boundedLevenshtein, ocrCanonical } from './ocr.ts';

export const PLATE_LIST_KINDS = ['ALLOW', 'DENY', 'WATCH'] as const;
export type PlateListKind = (typeof PLATE_LIST_KINDS)[number];

/** Largest maxDistance a list may have (contract: 0..3). */
export const MAX_LIST_DISTANCE = 3;

export interface MatcherList {
  id: string;
  name: string;
  kind: PlateListKind;
  maxDistance: number;
}

export interface MatcherEntry {
  listId: string;
  /** normalizePlate of the entry's plate. */
  plateNormalized: string;
  /** The plate as entered. */
  plate: string;
  label: string | null;
  validFrom: Date | null;
  validTo: Date | null;
}

/** What is stored with the event (events.list_matches): enough to show the match after the list changes or is deleted. */
export interface ListMatch {
  listId: string;
  listName: string;
  kind: PlateListKind;
  entryPlate: string;
  entryLabel: string | null;
  /** The entry's validity window then (ISO text; null: open). */
  entryValidFrom: string | null;
  entryValidTo: string | null;
  distance: number;
}

interface Indexed {
  entry: MatcherEntry;
  /** listId + NUL + plateNormalized: what newer layers shadow. */
  key: string;
  canonical: string;
  from: number;
  to: number;
}

const entryKey = (listId: string, plateNormalized: string) => `${listId}\u0000${plateNormalized}`;

/** `s` with each single character deleted, distinct (for "AAB": "AB", "AA"). */
export function oneDeletions(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && s.charCodeAt(i) === s.charCodeAt(i - 1)) continue; // deleting either of two equal neighbours gives the same string
    out.push(s.slice(0, i) + s.slice(i + 1));
  }
  return out;
}

/** Yields to the event loop between chunks of a long build (list-index.ts: setImmediate). */
export type Pause = () => Promise<void>;

/** Work done between two pauses of a chunked build, in milliseconds. */
const SLICE_MS = 8;

/**
 * One layer: entries added (or replaced) by one change, or by the base build, and plates removed
 * by one change (tombstones). Filled, then pushed and never changed again.
 */
export class PlateListSegment {
  /** Canonical form → entries of lists with maxDistance 0. */
  private readonly exact = new Map<string, Indexed[]>();
  /** Canonical form and its one-deletion forms → entries of lists with maxDistance 1. */
  private readonly nearby = new Map<string, Indexed[]>();
  /** Entries of each list with maxDistance ≥ 2, scanned. */
  private readonly scanned = new Map<string, Indexed[]>();
  /** Entries of this layer by key. */
  readonly entries = new Map<string, Indexed>();
  /** Keys removed by this layer. */
  readonly removed = new Set<string>();

  /** True when this layer decides for `key` (adds or removes it). */
  covers(key: string): boolean {
    return this.entries.has(key) || this.removed.has(key);
  }

  /** Adds an entry of `list` (entries of unknown lists are left out by the caller). */
  add(list: MatcherList, entry: MatcherEntry): void {
    const key = entryKey(entry.listId, entry.plateNormalized);
    if (this.entries.has(key)) return; // the first of duplicates stays; callers dedupe with the last winning
    const canonical = ocrCanonical(entry.plateNormalized);
    const ix: Indexed = { entry, key, canonical, from: entry.validFrom?.getTime() ?? Number.NEGATIVE_INFINITY, to: entry.validTo?.getTime() ?? Number.POSITIVE_INFINITY };
    this.entries.set(key, ix);
    this.removed.delete(key);
    if (list.maxDistance <= 0) file(this.exact, canonical, ix);
    else if (list.maxDistance === 1) {
      file(this.nearby, canonical, ix);
      for (const k of oneDeletions(canonical)) file(this.nearby, k, ix);
    } else file(this.scanned, list.id, ix);
  }

  remove(listId: string, plateNormalized: string): void {
    const key = entryKey(listId, plateNormalized);
    if (!this.entries.has(key)) this.removed.add(key);
  }

  /**
   * Adds entries, pausing every few milliseconds so a large build never holds the event loop;
   * `pause` null: all at once.
   */
  async addAll(lists: ReadonlyMap<string, MatcherList>, entries: Iterable<MatcherEntry>, pause: Pause | null): Promise<void> {
    let sliceStart = performance.now();
    let n = 0;
    for (const e of entries) {
      const list = lists.get(e.listId);
      if (list) this.add(list, e);
      if (pause && (++n & 255) === 0 && performance.now() - sliceStart >= SLICE_MS) {
        await pause();
        sliceStart = performance.now();
      }
    }
  }

  /** Calls `found` with each entry within its list's maxDistance of the read's canonical form `q` (`deletions`: oneDeletions(q)). */
  candidates(q: string, deletions: readonly string[], lists: ReadonlyMap<string, MatcherList>, found: (ix: Indexed, distance: number) => void): void {
    const exact = this.exact.get(q);
    if (exact) for (const ix of exact) found(ix, 0);
    if (this.nearby.size) {
      let seen: Set<Indexed> | null = null;
      for (let k = -1; k < deletions.length; k++) {
        const bucket = this.nearby.get(k < 0 ? q : deletions[k]);
        if (!bucket) continue;
        for (const ix of bucket) {
          if (seen?.has(ix)) continue;
          (seen ??= new Set()).add(ix);
          const d = ix.canonical === q ? 0 : boundedLevenshtein(q, ix.canonical, 1);
          if (d <= 1) found(ix, d);
        }
      }
    }
    if (this.scanned.size === 0) return;
    for (const [listId, arr] of this.scanned) {
      const max = lists.get(listId)?.maxDistance;
      if (max === undefined) continue;
      for (const ix of arr) {
        const d = boundedLevenshtein(q, ix.canonical, max);
        if (d <= max) found(ix, d);
      }
    }
  }
}

/** Layers above which a compaction (a rebuild of the base) is asked for. */
export const MAX_LAYERS = 4;

export class PlateListMatcher {
  private readonly lists = new Map<string, MatcherList>();
  private readonly layers: PlateListSegment[] = [];
  /** Live entries per list. */
  private readonly counts = new Map<string, number>();
  /** Entries of dropped lists still held by layers (freed by a compaction). */
  private deadEntries = 0;

  /** A matcher of these lists and entries, built at once (tests, small lists). */
  constructor(lists: readonly MatcherList[] = [], entries: Iterable<MatcherEntry> = []) {
    for (const l of lists) this.putList(l);
    const base = new PlateListSegment();
    for (const e of entries) {
      const list = this.lists.get(e.listId);
      if (list) base.add(list, e);
    }
    if (base.entries.size) this.push(base);
  }

  /**
   * The matcher built from the store's lists and entries, pausing between slices of work so ingest
   * keeps running meanwhile. Entries come as an async sequence of pages.
   */
  static async build(lists: readonly MatcherList[], pages: AsyncIterable<readonly MatcherEntry[]>, pause: Pause): Promise<PlateListMatcher> {
    const m = new PlateListMatcher(lists);
    const base = new PlateListSegment();
    for await (const page of pages) await base.addAll(m.lists, page, pause);
    m.push(base);
    return m;
  }

  /** Live entries (all lists). */
  get size(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  /** Layers held (the base and the changes since). */
  get depth(): number {
    return this.layers.length;
  }

  /** True when a rebuild of the base would pay off: many layers, or entries of dropped lists held. */
  get wantsCompaction(): boolean {
    return this.layers.length > MAX_LAYERS || this.deadEntries > 0;
  }

  /** Adds a list, or renames it (its maxDistance is fixed at creation). */
  putList(list: MatcherList): void {
    const prev = this.lists.get(list.id);
    if (prev && prev.maxDistance !== list.maxDistance) throw new Error(`plate list ${list.id}: maxDistance cannot change in place`);
    this.lists.set(list.id, { ...list });
    if (!this.counts.has(list.id)) this.counts.set(list.id, 0);
  }

  /** Drops a list: its entries no longer match (they stay in memory until a compaction). */
  dropList(listId: string): void {
    if (!this.lists.delete(listId)) return;
    this.deadEntries += this.counts.get(listId) ?? 0;
    this.counts.delete(listId);
  }

  getList(listId: string): MatcherList | undefined {
    return this.lists.get(listId);
  }

  /** The live entry of this key, if any (the newest layer that decides for it). */
  private live(key: string): Indexed | undefined {
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const l = this.layers[i];
      const ix = l.entries.get(key);
      if (ix) return ix;
      if (l.removed.has(key)) return undefined;
    }
    return undefined;
  }

  /** Pushes a filled layer on top (its entries replace older ones of the same list and plate; its tombstones remove them). */
  push(layer: PlateListSegment): void {
    for (const [key, ix] of layer.entries) if (this.lists.has(ix.entry.listId) && !this.live(key)) this.count(ix.entry.listId, 1);
    for (const key of layer.removed) {
      const ix = this.live(key);
      if (ix && this.lists.has(ix.entry.listId)) this.count(ix.entry.listId, -1);
    }
    this.layers.push(layer);
  }

  private count(listId: string, d: number) {
    this.counts.set(listId, (this.counts.get(listId) ?? 0) + d);
  }

  /** The lists a read of `plateNormalized` at `at` matches (one match per list, its closest valid entry). */
  match(plateNormalized: string, at: Date): ListMatch[] {
    if (!plateNormalized || this.lists.size === 0) return [];
    const t = at.getTime();
    const q = ocrCanonical(plateNormalized);
    const deletions = oneDeletions(q);
    let best = null as Map<string, { ix: Indexed; distance: number }> | null;
    let layer = this.layers.length - 1;
    const found = (ix: Indexed, distance: number) => {
      if (t < ix.from || t >= ix.to) return;
      const listId = ix.entry.listId;
      if (!this.lists.has(listId)) return;
      for (let j = layer + 1; j < this.layers.length; j++) if (this.layers[j].covers(ix.key)) return; // replaced or removed since
      const prev = best?.get(listId);
      if (!prev || distance < prev.distance || (distance === prev.distance && ix.entry.plateNormalized < prev.ix.entry.plateNormalized)) (best ??= new Map()).set(listId, { ix, distance });
    };
    for (; layer >= 0; layer--) this.layers[layer].candidates(q, deletions, this.lists, found);
    if (!best) return [];
    return [...best.values()]
      .map(({ ix, distance }) => {
        const list = this.lists.get(ix.entry.listId)!;
        return {
          listId: list.id,
          listName: list.name,
          kind: list.kind,
          entryPlate: ix.entry.plate,
          entryLabel: ix.entry.label,
          entryValidFrom: ix.entry.validFrom?.toISOString() ?? null,
          entryValidTo: ix.entry.validTo?.toISOString() ?? null,
          distance,
        };
      })
      .sort((a, b) => a.distance - b.distance || (a.listName < b.listName ? -1 : a.listName > b.listName ? 1 : 0));
  }
}

function file(map: Map<string, Indexed[]>, key: string, ix: Indexed) {
  const arr = map.get(key);
  if (arr) arr.push(ix);
  else map.set(key, [ix]);
}
