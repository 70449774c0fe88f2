/**
 * The plate lists of this server instance in memory (a PlateListMatcher), for matching every plate
 * read at ingest without a query, and without ever holding the event loop for long.
 *
 * - A change made here (createList, dropList, addPlates, removePlates through `apply`) is applied
 *   incrementally: a batch becomes one layer, built in slices (setImmediate between them) and pushed
 *   whole, so the mutation answers once this instance matches against it. Changes apply in call order.
 * - A full rebuild (`refresh`: at start, on another instance's change over the `plate-lists` Redis
 *   channel, when a check on a match `ttlMs` after the last one finds the lists changed (listVersions),
 *   and as a compaction when layers pile up or a list was dropped) reads the store in pages of REBUILD_PAGE entries and builds the new base in
 *   slices too. Local changes made while it runs are replayed onto it before it replaces the old one.
 *
 * Consistency: a read is matched against the last completed index, i.e. "the lists as they are at
 * that moment" are the lists as of the last change that finished applying (here) or the last
 * rebuild that finished (another instance's changes). Nothing half-built is ever matched against.
 * A rebuild reads pages outside one transaction (a transaction would hold PGlite's only connection),
 * so another instance's change landing mid-read may show partly, until the rebuild its own change
 * signal asks for (or the TTL) completes.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { type ListMatch, type MatcherEntry, type MatcherList, type Pause, PlateListMatcher, PlateListSegment } from './matcher.ts';
import { entriesPage, listPlateLists, listVersions } from './repo.ts';

/** Entries read per query while rebuilding. */
export const REBUILD_PAGE = 5000;

export interface PlateListIndexOptions {
  /** On a match this long after the last check, check whether the lists changed (cluster.deviceCacheSec). */
  ttlMs: number;
  log?: Logger;
  now?: () => number;
  /** How a build yields between slices (default: setImmediate). */
  pause?: Pause;
}

/** A change made on this instance, already committed to the store. */
export type PlateListChange =
  | { type: 'putList'; list: MatcherList }
  | { type: 'dropList'; listId: string }
  | { type: 'upsert'; listId: string; entries: readonly MatcherEntry[] }
  | { type: 'remove'; listId: string; platesNormalized: readonly string[] };

const nextTurn: Pause = () => new Promise<void>((resolve) => setImmediate(resolve));

export class PlateListIndex {
  private matcher = new PlateListMatcher();
  private checkedAt = Number.NEGATIVE_INFINITY;
  private checking = false;
  /** listVersions as of the last completed rebuild. */
  private version: string | null = null;
  private building: Promise<void> | null = null;
  private again = false;
  /** Local changes applied while a rebuild runs, replayed onto its result. */
  private journal: Array<(m: PlateListMatcher) => void> | null = null;
  /** Local changes, one after the other. */
  private changes: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly pause: Pause;

  constructor(
    private readonly db: Db,
    private readonly options: PlateListIndexOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.pause = options.pause ?? nextTurn;
  }

  /** Live entries indexed (all lists). */
  get size(): number {
    return this.matcher.size;
  }

  /** Layers of the current index (1 after a rebuild). */
  get depth(): number {
    return this.matcher.depth;
  }

  /** True while a full rebuild runs. */
  get rebuilding(): boolean {
    return this.building !== null;
  }

  /** The lists a read of `plateNormalized` at `at` matches, against the last completed index. Never waits. */
  match(plateNormalized: string, at: Date): ListMatch[] {
    if (this.now() - this.checkedAt >= this.options.ttlMs) void this.check();
    return this.matcher.match(plateNormalized, at);
  }

  /**
   * Rebuilds when the lists changed since the last rebuild (listVersions: one small query), so an
   * unchanged store costs no rebuild however short the TTL. A change made here also shows as one, so
   * a burst of local changes ends with one background rebuild (a compaction).
   */
  private async check(): Promise<void> {
    if (this.checking || this.building) return;
    this.checking = true;
    this.checkedAt = this.now();
    try {
      if ((await listVersions(this.db)) !== this.version) void this.refresh();
    } catch (err) {
      this.options.log?.warn({ err }, 'plate lists could not be checked; matching against the previous ones');
    } finally {
      this.checking = false;
    }
  }

  /**
   * Applies a change committed here; resolves once reads are matched against it. Never rejects (a
   * failure is logged and a rebuild asked for).
   */
  apply(change: PlateListChange): Promise<void> {
    const run = async () => {
      let step: (m: PlateListMatcher) => void;
      if (change.type === 'putList') step = (m) => m.putList(change.list);
      else if (change.type === 'dropList') step = (m) => m.dropList(change.listId);
      else {
        const layer = new PlateListSegment();
        const list = this.matcher.getList(change.listId);
        if (change.type === 'upsert') {
          // The last of duplicates wins, as in the store.
          const unique = new Map(change.entries.map((e) => [e.plateNormalized, e]));
          if (list) await layer.addAll(new Map([[list.id, list]]), unique.values(), this.pause);
        } else for (const p of change.platesNormalized) layer.remove(change.listId, p);
        // A list unknown here (created elsewhere, not yet rebuilt): the rebuild asked for below brings it.
        if (!list) void this.refresh();
        step = (m) => {
          if (m.getList(change.listId)) m.push(layer);
        };
      }
      step(this.matcher);
      this.journal?.push(step);
      if (this.matcher.wantsCompaction) void this.refresh();
    };
    const p = this.changes.then(run).catch((err: unknown) => {
      this.options.log?.warn({ err }, 'a plate list change could not be applied in memory; rebuilding');
      void this.refresh();
    });
    this.changes = p;
    return p;
  }

  /**
   * Rebuild from the store in the background of ingest (asked for while one runs: runs again after
   * it, so a change committed before the call is seen). Never rejects: a failed read keeps the
   * previous index, retried after the TTL.
   */
  refresh(): Promise<void> {
    if (this.building) {
      this.again = true;
      return this.building;
    }
    const run = async () => {
      do {
        this.again = false;
        const at = this.now();
        this.journal = [];
        try {
          const version = await listVersions(this.db); // before the entries: a change after it shows at the next check
          const lists = await listPlateLists(this.db);
          const next = await PlateListMatcher.build(lists, this.pages(), this.pause);
          for (const step of this.journal) step(next);
          this.matcher = next;
          this.version = version;
        } catch (err) {
          this.options.log?.warn({ err }, 'plate lists could not be read; matching against the previous ones');
        } finally {
          this.journal = null;
        }
        this.checkedAt = at;
      } while (this.again);
    };
    const p = run().finally(() => {
      if (this.building === p) this.building = null;
    });
    this.building = p;
    return p;
  }

  /** Every entry of every list, a page at a time (keyset order: list, normalized plate). */
  private async *pages(): AsyncIterable<MatcherEntry[]> {
    let after: { listId: string; plateNormalized: string } | null = null;
    for (;;) {
      const page = await entriesPage(this.db, after, REBUILD_PAGE);
      if (page.length) yield page;
      if (page.length < REBUILD_PAGE) return;
      const last = page[page.length - 1];
      after = { listId: last.listId, plateNormalized: last.plateNormalized };
    }
  }
}
