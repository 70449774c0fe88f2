/**
 * From one event to what surrounds it: `Event.video` (an archive stream session on the event's camera,
 * starting a little before it) and `Event.related` (the other events of the same camera around it).
 * Both work over the logical camera: every source of it (services.cameraSources), whatever the vendor.
 */
import type { ObjectRef } from '@pothos/core';
import { badInput } from '../core/errors.ts';
import type { DeviceRecord } from '../core/cameras/repo.ts';
import type { GraphQLContext } from '../core/ports.ts';
import type { StreamSessionView } from '../core/streams/session.ts';
import type { Builder, Types } from './builder.ts';
import type { CoreTypes } from './core-types.ts';
import { requireCapabilityScope } from './capability-auth.ts';
import { READ, STREAMS } from './scopes.ts';

/** Bounds of the arguments (seconds; events). */
export const EVENT_LINK_LIMITS = { maxOffsetSec: 3600, maxRelated: 100 } as const;
const DEFAULTS = { beforeSec: 10, afterSec: 20, withinSec: 10, first: 20 } as const;

/** `value` (null: the default) within min..max, else BAD_USER_INPUT naming the argument. */
function bounded(name: string, value: number | null | undefined, fallback: number, min: number, max: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) throw badInput(`${name}: expected ${min}..${max}, got ${v}`, { field: name });
  return v;
}

/**
 * The source an event's archive video comes from: the first (link order) with ARCHIVE_STREAM whose
 * adapter instance is configured; else the first with ARCHIVE_STREAM at all (starting on it then
 * answers VENDOR_UNAVAILABLE naming the missing instance, which says more than no video); null when
 * no source records video.
 */
export function archiveSource(sources: readonly DeviceRecord[], ctx: GraphQLContext): DeviceRecord | null {
  const withArchive = sources.filter((s) => s.capabilities.includes('ARCHIVE_STREAM'));
  if (withArchive.length <= 1) return withArchive[0] ?? null;
  const configured = new Set(ctx.services.adapters().map((a) => `${a.type}/${a.id}`));
  return withArchive.find((s) => configured.has(`${s.adapter}/${s.instance}`)) ?? withArchive[0];
}

export function addEventLinkFields(builder: Builder, refs: CoreTypes, StreamSession: ObjectRef<Types, StreamSessionView>) {
  const { maxOffsetSec, maxRelated } = EVENT_LINK_LIMITS;
  builder.interfaceFields(refs.Event, (t) => ({
    video: t.field({
      type: StreamSession,
      nullable: true,
      authScopes: STREAMS,
      description: `Archive video around the event: an ARCHIVE stream session (shared, kept alive while played, stopped when idle, like startStream) on the first source of the event's camera that records (ARCHIVE_STREAM), playing from occurredAt − beforeSec. Null when no source of the camera has an archive. afterSec (0..${maxOffsetSec}) is advisory: no vendor's archive API takes an end time, so the stream plays on past occurredAt + afterSec; beforeSec 0..${maxOffsetSec}. Scope streams (and the scope the source's adapter requires for ARCHIVE_STREAM).`,
      args: {
        beforeSec: t.arg.int({ defaultValue: DEFAULTS.beforeSec, description: `Seconds of video before occurredAt (0..${maxOffsetSec})` }),
        afterSec: t.arg.int({ defaultValue: DEFAULTS.afterSec, description: `Seconds of video wanted after occurredAt (0..${maxOffsetSec}); advisory, see the field` }),
      },
      resolve: async (ev, args, ctx) => {
        const beforeSec = bounded('beforeSec', args.beforeSec, DEFAULTS.beforeSec, 0, maxOffsetSec);
        bounded('afterSec', args.afterSec, DEFAULTS.afterSec, 0, maxOffsetSec);
        if (!ev.cameraId) return null;
        const source = archiveSource(await ctx.services.cameraSources(ev.cameraId), ctx);
        if (!source) return null;
        requireCapabilityScope(ctx, 'Event.video', source, 'ARCHIVE_STREAM');
        return ctx.services.streams.startStream(source, { mode: 'ARCHIVE', from: new Date(ev.occurredAt.getTime() - beforeSec * 1000) });
      },
    }),
    related: t.field({
      type: [refs.Event],
      authScopes: READ,
      description: `The other events of the same camera (any of its sources) within ±withinSec (0..${maxOffsetSec}) of occurredAt, nearest first (ties: older seq first), at most \`first\` (1..${maxRelated}). Scope events:read.`,
      args: {
        withinSec: t.arg.int({ defaultValue: DEFAULTS.withinSec }),
        first: t.arg.int({ defaultValue: DEFAULTS.first }),
      },
      resolve: async (ev, args, ctx) => {
        const withinSec = bounded('withinSec', args.withinSec, DEFAULTS.withinSec, 0, maxOffsetSec);
        const first = bounded('first', args.first, DEFAULTS.first, 1, maxRelated);
        if (!ev.cameraId) return [];
        // The event's own device counts even when no camera row knows it.
        const sources = await ctx.services.cameraSources(ev.cameraId);
        const cameraIds = [ev.cameraId, ...sources.map((s) => s.id)];
        return ctx.services.relatedEvents({ cameraIds, at: ev.occurredAt, withinMs: withinSec * 1000, excludeSeq: ev.seq, limit: first });
      },
    }),
  }));
}
