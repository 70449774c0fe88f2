/**
 * Retention policies ↔ the Admin page's editable rows (lists as comma-separated text). Pure: an
 * empty text is an absent list (matches everything), an empty duration is null (for ever / as long
 * as the event).
 */
import type { RetentionPolicyInput, RetentionPolicyRowFragment } from '../generated/graphql.ts';

export interface RetentionRow {
  kinds: string;
  adapters: string;
  cameraIds: string;
  siteIds: string;
  events: string;
  media: string;
}

export const EMPTY_RETENTION_ROW: RetentionRow = { kinds: '', adapters: '', cameraIds: '', siteIds: '', events: '', media: '' };

const join = (v: readonly string[] | null | undefined) => (v ?? []).join(', ');
const split = (s: string): string[] | null => {
  const items = s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  return items.length > 0 ? items : null;
};

export function toRetentionRow(p: RetentionPolicyRowFragment): RetentionRow {
  return { kinds: join(p.kinds), adapters: join(p.adapters), cameraIds: join(p.cameraIds), siteIds: join(p.siteIds), events: p.events ?? '', media: p.media ?? '' };
}

export function toRetentionInput(r: RetentionRow): RetentionPolicyInput {
  return {
    kinds: split(r.kinds),
    adapters: split(r.adapters),
    cameraIds: split(r.cameraIds),
    siteIds: split(r.siteIds),
    events: r.events.trim() || null,
    media: r.media.trim() || null,
  };
}
