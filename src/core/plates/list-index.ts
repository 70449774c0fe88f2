/**
 * The plate lists of this server instance in memory (a PlateListMatcher), for matching every plate
 * read at ingest without a query. Like the site zones (cameras/site-zones.ts): rebuilt in the
 * background when lists change here (the mutation awaits the rebuild, so the next read sees it) or on
 * another instance (the `plate-lists` change channel over Redis, services.ts), and at most `ttlMs`
 * after the last build when asked (so without Redis another instance's change shows within the TTL).
 * Until a rebuild finishes, reads are matched against the previous lists.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { type ListMatch, PlateListMatcher } from './matcher.ts';
import { readAllForMatching } from './repo.ts';

export interface PlateListIndexOptions {
  /** Rebuild on a match this long after the last build (cluster.deviceCacheSec). */
  ttlMs: number;
  log?: Logger;
  now?: () => number;
}

export class PlateListIndex {
  private matcher = new PlateListMatcher([], []);
  private builtAt = Number.NEGATIVE_INFINITY;
  private building: Promise<void> | null = null;
  private again = false;
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    private readonly options: PlateListIndexOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Entries indexed (all lists). */
  get size(): number {
    return this.matcher.size;
  }

  /** The lists a read of `plateNormalized` at `at` matches, as loaded. Never waits. */
  match(plateNormalized: string, at: Date): ListMatch[] {
    if (this.now() - this.builtAt >= this.options.ttlMs) void this.refresh();
    return this.matcher.match(plateNormalized, at);
  }

  /**
   * Rebuild from the store (asked for while one runs: runs again after it, so a change committed
   * before the call is seen). Never rejects: a failed read keeps the previous index, retried after the TTL.
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
        try {
          const { lists, entries } = await readAllForMatching(this.db);
          this.matcher = new PlateListMatcher(lists, entries);
        } catch (err) {
          this.options.log?.warn({ err }, 'plate lists could not be read; matching against the previous ones');
        }
        this.builtAt = at;
      } while (this.again);
    };
    const p = run().finally(() => {
      if (this.building === p) this.building = null;
    });
    this.building = p;
    return p;
  }
}
