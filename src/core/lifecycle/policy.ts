/**
 * Retention policies (contract "Data lifecycle"): which events (by kind, site, adapter or adapter
 * instance, camera) are kept how long, and their media how long. The first policy that matches an
 * event decides; a policy with neither `events` nor `media` keeps what it matches. Pure: the shape,
 * its bounds, and validation that names the offending field.
 */
import { parseDuration } from './duration.ts';

export interface RetentionPolicy {
  /** Event kinds (EventKind names), any of. */
  kinds?: readonly string[] | null;
  /** Site ids (config `sites[].id`): events of every source of the sites' cameras. */
  siteIds?: readonly string[] | null;
  /** Adapter types (`ff`) or adapter instances (`ff/default`), any of. */
  adapters?: readonly string[] | null;
  /** Cameras: configured ids (`gate-north`) or internal ids (`ff/default/GATE`); a linked camera means all its sources. */
  cameraIds?: readonly string[] | null;
  /** How long events are kept after their occurredAt (`30d`, `12h`); absent: for ever. */
  events?: string | null;
  /** How long their media are kept after occurredAt; absent: as long as the event. */
  media?: string | null;
}

/** Policies in one list (config or setRetentionPolicies). */
export const MAX_POLICIES = 100;
/** Items in one of a policy's lists. */
export const MAX_POLICY_ITEMS = 1000;
/** Characters of one item. */
export const MAX_ITEM_LENGTH = 200;

export interface PolicyProblem {
  /** Path of the field, e.g. `input[2].events`. */
  field: string;
  message: string;
}

const LIST_FIELDS = ['kinds', 'siteIds', 'adapters', 'cameraIds'] as const;

/**
 * Problems of a list of policies (empty: valid). `knownKinds`: the EventKind names of this server
 * (core kinds and the adapters' own). `root`: the path prefix (`retention` in config, `input` in GraphQL).
 */
export function policyProblems(policies: readonly RetentionPolicy[], knownKinds: ReadonlySet<string>, root: string): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  if (policies.length > MAX_POLICIES) return [{ field: root, message: `${root}: expected at most ${MAX_POLICIES} policies, got ${policies.length}` }];
  policies.forEach((p, i) => {
    const at = `${root}[${i}]`;
    for (const f of LIST_FIELDS) {
      const list = p[f];
      if (list == null) continue;
      const field = `${at}.${f}`;
      if (list.length > MAX_POLICY_ITEMS) out.push({ field, message: `${field}: expected at most ${MAX_POLICY_ITEMS} items, got ${list.length}` });
      list.forEach((item, j) => {
        if (item.length < 1 || item.length > MAX_ITEM_LENGTH) out.push({ field: `${field}[${j}]`, message: `${field}[${j}]: expected 1..${MAX_ITEM_LENGTH} characters` });
      });
    }
    p.kinds?.forEach((k, j) => {
      if (!knownKinds.has(k)) out.push({ field: `${at}.kinds[${j}]`, message: `${at}.kinds[${j}]: unknown event kind ${JSON.stringify(k.slice(0, MAX_ITEM_LENGTH))}` });
    });
    const events = durationOf(p.events, `${at}.events`, out);
    const media = durationOf(p.media, `${at}.media`, out);
    if (events != null && media != null && media > events) out.push({ field: `${at}.media`, message: `${at}.media: media are kept at most as long as their events (${p.media} > ${p.events})` });
  });
  return out;
}

function durationOf(text: string | null | undefined, field: string, out: PolicyProblem[]): number | null {
  if (text == null) return null;
  const ms = parseDuration(text);
  if (ms == null) out.push({ field, message: `${field}: expected a duration like 12h or 30d (1h..36500d), got ${JSON.stringify(text.slice(0, 40))}` });
  return ms;
}

/** The policy as stored and shown: lists and durations only when given. */
export function normalizePolicy(p: RetentionPolicy): RetentionPolicy {
  const out: RetentionPolicy = {};
  for (const f of LIST_FIELDS) if (p[f] != null) out[f] = [...(p[f] as readonly string[])];
  if (p.events != null) out.events = p.events;
  if (p.media != null) out.media = p.media;
  return out;
}
