/**
 * Plate list matching at ingest without scanning the lists (contract, "Plate lists"): an in-memory
 * index of every entry of every list, built once from the lists as they are and replaced whole when
 * a list changes (plate-list-service.ts). Pure: no I/O.
 *
 * - maxDistance 0: entries keyed by their OCR-canonical form (ocrCanonical): one Map lookup.
 * - maxDistance 1: a symmetric-delete (deletion neighbourhood) index: each entry is filed under its
 *   canonical form and every form with one character deleted; a read looks up its own canonical form
 *   and its one-deletion forms. Two strings within Levenshtein distance 1 always share one of these
 *   keys (a substitution deletes the same position on both sides, an insertion/deletion is the other
 *   string itself), so no match is missed; the few false candidates (e.g. two substitutions at
 *   adjacent positions sharing a deletion) are dropped by verifying with the bounded distance. Cost
 *   per read: length + 1 lookups, whatever the number of entries.
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
  list: MatcherList;
  entry: MatcherEntry;
  canonical: string;
  from: number;
  to: number;
}

/** `s` with each single character deleted, distinct (for "AAB": "AB", "AA"). */
export function oneDeletions(s: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i < s.length; i++) out.add(s.slice(0, i) + s.slice(i + 1));
  return [...out];
}

export class PlateListMatcher {
  /** Canonical form → entries of lists with maxDistance 0. */
  private readonly exact = new Map<string, Indexed[]>();
  /** Canonical form and its one-deletion forms → entries of lists with maxDistance 1. */
  private readonly nearby = new Map<string, Indexed[]>();
  /** Entries of each list with maxDistance ≥ 2, scanned. */
  private readonly scanned: Array<{ list: MatcherList; entries: Indexed[] }> = [];
  readonly size: number;

  constructor(lists: readonly MatcherList[], entries: Iterable<MatcherEntry>) {
    const byId = new Map(lists.map((l) => [l.id, l]));
    const scan = new Map<string, Indexed[]>();
    let size = 0;
    for (const entry of entries) {
      const list = byId.get(entry.listId);
      if (!list) continue;
      size++;
      const canonical = ocrCanonical(entry.plateNormalized);
      const ix: Indexed = { list, entry, canonical, from: entry.validFrom?.getTime() ?? Number.NEGATIVE_INFINITY, to: entry.validTo?.getTime() ?? Number.POSITIVE_INFINITY };
      if (list.maxDistance <= 0) file(this.exact, canonical, ix);
      else if (list.maxDistance === 1) for (const key of [canonical, ...oneDeletions(canonical)]) file(this.nearby, key, ix);
      else {
        let arr = scan.get(list.id);
        if (!arr) scan.set(list.id, (arr = []));
        arr.push(ix);
      }
    }
    for (const [id, arr] of scan) this.scanned.push({ list: byId.get(id)!, entries: arr });
    this.size = size;
  }

  /** The lists a read of `plateNormalized` at `at` matches (one match per list, its closest valid entry). */
  match(plateNormalized: string, at: Date): ListMatch[] {
    if (!plateNormalized || this.size === 0) return [];
    const t = at.getTime();
    const q = ocrCanonical(plateNormalized);
    const best = new Map<string, { ix: Indexed; distance: number }>();
    const consider = (ix: Indexed, distance: number) => {
      if (t < ix.from || t >= ix.to) return;
      const prev = best.get(ix.list.id);
      if (!prev || distance < prev.distance || (distance === prev.distance && ix.entry.plateNormalized < prev.ix.entry.plateNormalized)) best.set(ix.list.id, { ix, distance });
    };
    for (const ix of this.exact.get(q) ?? []) consider(ix, 0);
    if (this.nearby.size) {
      const seen = new Set<Indexed>();
      for (const key of [q, ...oneDeletions(q)])
        for (const ix of this.nearby.get(key) ?? []) {
          if (seen.has(ix)) continue;
          seen.add(ix);
          const d = boundedLevenshtein(q, ix.canonical, 1);
          if (d <= 1) consider(ix, d);
        }
    }
    for (const { list, entries } of this.scanned)
      for (const ix of entries) {
        const d = boundedLevenshtein(q, ix.canonical, list.maxDistance);
        if (d <= list.maxDistance) consider(ix, d);
      }
    return [...best.values()]
      .sort((a, b) => a.distance - b.distance || (a.ix.list.name < b.ix.list.name ? -1 : a.ix.list.name > b.ix.list.name ? 1 : 0))
      .map(({ ix, distance }) => ({
        listId: ix.list.id,
        listName: ix.list.name,
        kind: ix.list.kind,
        entryPlate: ix.entry.plate,
        entryLabel: ix.entry.label,
        entryValidFrom: ix.entry.validFrom?.toISOString() ?? null,
        entryValidTo: ix.entry.validTo?.toISOString() ?? null,
        distance,
      }));
  }
}

function file(map: Map<string, Indexed[]>, key: string, ix: Indexed) {
  const arr = map.get(key);
  if (arr) arr.push(ix);
  else map.set(key, [ix]);
}
