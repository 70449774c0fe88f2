/**
 * An event filter's cameraIds (a linked camera → all its sources) and siteKeys (→ all sources of the
 * sites' cameras) as source ids, as the event log stores them. Used for event queries and
 * subscriptions (services.ts) and by outbound sinks (core/sinks), with the link index's cache.
 */
import type { Db } from '../db/client.ts';
import type { EventFilter } from '../db/event-repo.ts';
import type { LinkIndex } from './link-index.ts';
import { cameraIdsOfSites } from './links.ts';

/** An event filter that never matches (no event has an empty camera id). */
const NO_CAMERA = [''];

export async function expandEventFilter<F extends EventFilter | null | undefined>(db: Db, links: LinkIndex, f: F): Promise<F> {
  if (!f || (!f.cameraIds?.length && !f.siteKeys)) return f;
  let ids: Set<string> | null = null;
  if (f.cameraIds?.length) ids = new Set((await Promise.all(f.cameraIds.map((id) => links.sourceIdsOf(id)))).flat());
  if (f.siteKeys) {
    const cams = await cameraIdsOfSites(db, f.siteKeys);
    const siteSources = new Set((await Promise.all(cams.map((id) => links.sourceIdsOf(id)))).flat());
    ids = ids ? new Set([...ids].filter((x) => siteSources.has(x))) : siteSources;
  }
  return { ...f, siteKeys: null, cameraIds: ids?.size ? [...ids] : NO_CAMERA };
}
