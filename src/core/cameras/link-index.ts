/**
 * Which sources are linked into which camera, cached for resolving every event's camera without a
 * query. Held for `ttlMs` at most; a change made here (or announced by another instance over Redis)
 * invalidates it at once, so without Redis another instance's change shows within the TTL.
 */
import type { Db } from '../db/client.ts';
import { readLinks, type LinkSnapshot } from './links.ts';

export class LinkIndex {
  private cached: { at: number; snap: Promise<LinkSnapshot> } | null = null;

  constructor(
    private readonly db: Db,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<LinkSnapshot> {
    const t = this.now();
    if (this.cached && t - this.cached.at < this.ttlMs) return this.cached.snap;
    const snap = readLinks(this.db);
    const entry = { at: t, snap };
    snap.catch(() => {
      if (this.cached === entry) this.cached = null;
    });
    this.cached = entry;
    return snap;
  }

  invalidate(): void {
    this.cached = null;
  }

  /** The primary (camera) id of a source id; the id itself when it is not linked. */
  async primaryOf(id: string): Promise<string> {
    return (await this.get()).primaryOf.get(id) ?? id;
  }

  /** Every source id of the camera containing `id` (primary first, link_rank order). */
  async sourceIdsOf(id: string): Promise<string[]> {
    const snap = await this.get();
    const p = snap.primaryOf.get(id) ?? id;
    return [p, ...(snap.linked.get(p) ?? [])];
  }
}
