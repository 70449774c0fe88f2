/**
 * Mutations of the contract, dispatched by camera capability whatever the vendor. Stream sessions
 * are declared here; no built-in adapter of this release offers LIVE_STREAM/ARCHIVE_STREAM yet, so
 * startStream answers UNSUPPORTED_CAPABILITY and stream ids are NOT_FOUND.
 */
import { GraphQLError } from 'graphql';
import type { Capability } from '../core/events/model.ts';
import type { CameraRecord } from '../core/cameras/repo.ts';
import type { Builder, CoreRefs } from './builder.ts';
import type { GraphQLContext } from './context.ts';
import { loadCamera } from './ids.ts';

const unsupported = (cam: CameraRecord, cap: Capability) =>
  new GraphQLError(`camera ${cam.name} (${cam.adapter}/${cam.instance}) does not support ${cap}`, {
    extensions: { code: 'UNSUPPORTED_CAPABILITY', capability: cap },
  });

export interface StreamSessionShape {
  id: string;
  camera: CameraRecord;
  mode: 'LIVE' | 'ARCHIVE';
  state: 'STARTING' | 'ACTIVE' | 'STOPPED' | 'FAILED';
  playlistUrl: string;
  expiresAt: Date;
}

interface EventActionArgs {
  cameraId: string | number;
  type: string;
  time?: Date | null;
  meta?: unknown;
  idempotencyKey?: string | null;
}

/** Refuse before any vendor call when the camera lacks the capability; else dispatch to its adapter. */
async function dispatchEventAction(ctx: GraphQLContext, cap: 'TRIGGER_EVENT' | 'CREATE_EVENT', input: EventActionArgs) {
  const camera = await loadCamera(ctx, String(input.cameraId));
  if (!camera.capabilities.includes(cap)) throw unsupported(camera, cap);
  const { type, time, meta, idempotencyKey } = input;
  const r = await ctx.services.dispatch(cap, camera, { cameraVendorId: camera.vendorId, type, time, meta, idempotencyKey });
  return { ...r, camera };
}

export function addMutationFields(builder: Builder, refs: CoreRefs) {
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
    fields: (t) => ({
      id: t.exposeID('id'),
      camera: t.field({ type: refs.Camera, resolve: (s) => s.camera }),
      mode: t.field({ type: StreamMode, resolve: (s) => s.mode }),
      state: t.field({ type: StreamState, resolve: (s) => s.state }),
      playlistUrl: t.exposeString('playlistUrl', { description: 'Served by this server under /streams/' }),
      expiresAt: t.field({ type: 'DateTime', resolve: (s) => s.expiresAt }),
    }),
  });
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
        type: EventActionResult,
        args: { input: t.arg({ type: TriggerEventInput, required: true }) },
        resolve: (_r, { input }, ctx) => dispatchEventAction(ctx, 'TRIGGER_EVENT', input),
      }),
      createEvent: t.field({
        type: EventActionResult,
        args: { input: t.arg({ type: CreateEventInput, required: true }) },
        resolve: (_r, { input }, ctx) => dispatchEventAction(ctx, 'CREATE_EVENT', input),
      }),
      startStream: t.field({
        type: StreamSession,
        args: { input: t.arg({ type: StartStreamInput, required: true }) },
        resolve: async (_r, { input }, ctx) => {
          const camera = await loadCamera(ctx, String(input.cameraId));
          const cap: Capability = input.mode === 'LIVE' ? 'LIVE_STREAM' : 'ARCHIVE_STREAM';
          throw unsupported(camera, cap);
        },
      }),
      keepStreamAlive: t.field({
        type: StreamSession,
        args: { id: t.arg.id({ required: true }) },
        resolve: (_r, args) => {
          throw new GraphQLError(`stream session ${args.id} not found`, { extensions: { code: 'NOT_FOUND' } });
        },
      }),
      stopStream: t.field({
        type: StreamSession,
        args: { id: t.arg.id({ required: true }) },
        resolve: (_r, args) => {
          throw new GraphQLError(`stream session ${args.id} not found`, { extensions: { code: 'NOT_FOUND' } });
        },
      }),
    }),
  });
}
