/**
 * Mutations of the contract, dispatched by camera capability whatever the vendor, and stream
 * sessions (src/core/streams/: sharing, keepalive, expiry, HLS proxy under /streams/).
 */
import { GraphQLError } from 'graphql';
import type { Capability } from '../core/events/model.ts';
import type { CameraRecord } from '../core/cameras/repo.ts';
import type { StreamSessionView } from '../core/streams/session.ts';
import type { Builder } from './builder.ts';
import type { CoreTypes } from './core-types.ts';
import { requireCapabilityScope } from './capability-auth.ts';
import { addDeviceMutations } from './device-mutations.ts';
import { addEventLinkFields } from './event-links.ts';
import type { GraphQLContext } from '../core/ports.ts';
import { loadCamera } from './ids.ts';
import { STREAMS, WRITE } from './scopes.ts';

const unsupported = (cam: CameraRecord, cap: Capability) =>
  new GraphQLError(`camera ${cam.name} (${cam.adapter}/${cam.instance}) does not support ${cap}`, {
    extensions: { code: 'UNSUPPORTED_CAPABILITY', capability: cap },
  });

export type StreamSessionShape = StreamSessionView;

interface EventActionArgs {
  cameraId: string | number;
  type: string;
  time?: Date | null;
  meta?: unknown;
  idempotencyKey?: string | null;
}

/** Refuse before any vendor call when the caller lacks the capability's scope or the camera the capability; else dispatch to its adapter. */
async function dispatchEventAction(ctx: GraphQLContext, field: string, cap: 'TRIGGER_EVENT' | 'CREATE_EVENT', input: EventActionArgs) {
  const camera = await loadCamera(ctx, String(input.cameraId));
  const source = ctx.services.sourceFor(camera, cap); // a linked camera: its first source having it (config order)
  requireCapabilityScope(ctx, field, source ?? camera, cap);
  if (!source) throw unsupported(camera, cap);
  const { type, time, meta, idempotencyKey } = input;
  const r = await ctx.services.dispatch(cap, source, { cameraVendorId: source.vendorId, type, time, meta, idempotencyKey });
  return { ...r, camera };
}

export function addMutationFields(builder: Builder, refs: CoreTypes) {
  const eventActionInput = (name: string) =>
    builder.inputType(name, {
      fields: (t) => ({
        cameraId: t.id({ required: true }),
        type: t.string({ required: true, description: "The vendor's event type name" }),
        time: t.field({ type: 'DateTime', description: 'When it happened (default: now)' }),
        meta: t.field({ type: 'JSON', description: 'Vendor metadata to attach' }),
        idempotencyKey: t.string({ description: 'A retried mutation with the same key does not act twice' }),
      }),
    });
  const TriggerEventInput = eventActionInput('TriggerEventInput');
  const CreateEventInput = eventActionInput('CreateEventInput');
  const EventActionResult = builder.objectRef<{ accepted: boolean; vendorEventId?: string | null; camera: CameraRecord }>('EventActionResult').implement({
    fields: (t) => ({
      accepted: t.exposeBoolean('accepted'),
      vendorEventId: t.string({ nullable: true, resolve: (r) => r.vendorEventId ?? null }),
      camera: t.field({ type: refs.Camera, resolve: (r) => r.camera }),
    }),
  });

  const StreamMode = builder.enumType('StreamMode', { values: ['LIVE', 'ARCHIVE'] as const });
  const StreamState = builder.enumType('StreamState', { values: ['STARTING', 'ACTIVE', 'STOPPED', 'FAILED'] as const });
  const StreamSession = builder.objectRef<StreamSessionShape>('StreamSession').implement({
    authScopes: STREAMS,
    description:
      'A vendor stream session behind this server. Sessions with the same camera, mode and parameters are shared; it stays open while used (playlist or segment fetches, keepStreamAlive) and stops after the idle timeout or when every startStream was matched by a stopStream. Scope streams.',
    fields: (t) => ({
      id: t.exposeID('id'),
      // The session runs on one source; clients know the camera it belongs to (a linked camera's id).
      camera: t.field({ type: refs.Camera, resolve: async (s, _a, ctx) => (await ctx.services.cameraById(s.camera.id)) ?? s.camera }),
      mode: t.field({ type: StreamMode, resolve: (s) => s.mode }),
      state: t.field({ type: StreamState, description: 'STARTING also while restarting after a failed vendor keepalive', resolve: (s) => s.state }),
      playlistUrl: t.exposeString('playlistUrl', {
        description: 'HLS playlist served by this server (a path on it): /streams/{id}/index.m3u8. With API keys, send the `streams` scope as a Bearer header or `?access_token=`.',
      }),
      expiresAt: t.field({ type: 'DateTime', description: 'When the session stops unless used again', resolve: (s) => s.expiresAt }),
    }),
  });
  addEventLinkFields(builder, refs, StreamSession);
  const StartStreamInput = builder.inputType('StartStreamInput', {
    fields: (t) => ({
      cameraId: t.id({ required: true }),
      mode: t.field({ type: StreamMode, required: true }),
      from: t.field({ type: 'DateTime', description: 'Archive start (ARCHIVE mode)' }),
      width: t.int(),
      height: t.int(),
      audio: t.boolean(),
    }),
  });

  builder.mutationType({
    fields: (t) => ({
      triggerEvent: t.field({
        authScopes: WRITE,
        type: EventActionResult,
        args: { input: t.arg({ type: TriggerEventInput, required: true }) },
        resolve: (_r, { input }, ctx) => dispatchEventAction(ctx, 'Mutation.triggerEvent', 'TRIGGER_EVENT', input),
      }),
      createEvent: t.field({
        authScopes: WRITE,
        type: EventActionResult,
        args: { input: t.arg({ type: CreateEventInput, required: true }) },
        resolve: (_r, { input }, ctx) => dispatchEventAction(ctx, 'Mutation.createEvent', 'CREATE_EVENT', input),
      }),
      startStream: t.field({
        authScopes: STREAMS,
        type: StreamSession,
        args: { input: t.arg({ type: StartStreamInput, required: true }) },
        resolve: async (_r, { input }, ctx) => {
          const camera = await loadCamera(ctx, String(input.cameraId));
          const cap: Capability = input.mode === 'LIVE' ? 'LIVE_STREAM' : 'ARCHIVE_STREAM';
          const source = ctx.services.sourceFor(camera, cap);
          requireCapabilityScope(ctx, 'Mutation.startStream', source ?? camera, cap);
          if (!source) throw unsupported(camera, cap);
          return ctx.services.streams.startStream(source, input);
        },
      }),
      keepStreamAlive: t.field({
        authScopes: STREAMS,
        type: StreamSession,
        description: 'Mark the session used (a player fetching the playlist does this by itself). A stopped or failed session answers its state.',
        args: { id: t.arg.id({ required: true }) },
        resolve: (_r, args, ctx) => ctx.services.streams.keepStreamAlive(String(args.id)),
      }),
      stopStream: t.field({
        authScopes: STREAMS,
        type: StreamSession,
        description: "Release this caller's hold on the session; the vendor session stops when the last holder stops.",
        args: { id: t.arg.id({ required: true }) },
        resolve: (_r, args, ctx) => ctx.services.streams.stopStream(String(args.id)),
      }),
    }),
  });

  addDeviceMutations(builder, refs);

  builder.subscriptionField('streamSessionChanged', (t) =>
    t.field({
      type: StreamSession,
      authScopes: STREAMS,
      description: 'State changes of one stream session (starting with its current state; ends after STOPPED or FAILED), or of every session when `id` is omitted.',
      args: { id: t.arg.id() },
      subscribe: (_r, args, ctx) => ctx.services.streams.subscribeStreamSession(args.id == null ? null : String(args.id)),
      resolve: (s) => s,
    }),
  );
}
