/**
 * GraphQL additions of the IVMS adapter: IvmsAlertEvent (Event & AnalyticsEvent with the alert's
 * own fields) and event snapshots/clips fetched from IVMS by event id into the media store.
 */
import type { StoredEvent } from '../../sdk.ts';
import { requireScope, type Builder, type CoreRefs } from '../../sdk/graphql.ts';
import { IVMS_ALERT_TYPE_NAME } from './map.ts';
import { asIvmsApi } from './media.ts';

const str = (ev: StoredEvent, k: string): string | null => (typeof ev.data[k] === 'string' ? (ev.data[k] as string) : null);
const int = (ev: StoredEvent, k: string): number | null => (Number.isSafeInteger(ev.data[k]) ? (ev.data[k] as number) : null);

type Details = Record<string, unknown>;
const dStr = (d: Details, k: string): string | null => (typeof d[k] === 'string' || typeof d[k] === 'number' ? String(d[k]) : null);
const dInt = (d: Details, k: string): number | null => (Number.isSafeInteger(d[k]) ? (d[k] as number) : null);
const dNum = (d: Details, k: string): number | null => (typeof d[k] === 'number' && Number.isFinite(d[k]) ? (d[k] as number) : null);

export function addIvmsSchema(builder: Builder, refs: CoreRefs, adapterType: string): void {
  const Location = builder.objectRef<Details>('IvmsChannelLocation').implement({
    description: 'Where an IVMS channel is (coordinates are null when IVMS has none, i.e. 0,0).',
    fields: (t) => ({
      latitude: t.float({ nullable: true, resolve: (l) => dNum(l, 'latitude') }),
      longitude: t.float({ nullable: true, resolve: (l) => dNum(l, 'longitude') }),
      locationId: t.int({ nullable: true, resolve: (l) => dInt(l, 'locationId') }),
      junctionId: t.int({ nullable: true, resolve: (l) => dInt(l, 'junctionId') }),
      groupId: t.int({ nullable: true, resolve: (l) => dInt(l, 'groupId') }),
      posX: t.float({ nullable: true, description: 'Position on the IVMS map', resolve: (l) => dNum(l, 'posX') }),
      posY: t.float({ nullable: true, resolve: (l) => dNum(l, 'posY') }),
    }),
  });
  type Channel = { channelId: string; d: Details };
  const ChannelRef = builder.objectRef<Channel>('IvmsChannel').implement({
    description: 'The IVMS channel behind a camera (never its credentials or RTSP URLs).',
    fields: (t) => ({
      channelId: t.exposeString('channelId'),
      model: t.string({ nullable: true, resolve: (c) => dStr(c.d, 'model') }),
      ip: t.string({ nullable: true, resolve: (c) => dStr(c.d, 'ip') }),
      number: t.int({ nullable: true, resolve: (c) => dInt(c.d, 'number') }),
      channelType: t.int({ nullable: true, resolve: (c) => dInt(c.d, 'channelType') }),
      recordingStream: t.string({ nullable: true, resolve: (c) => dStr(c.d, 'recordingStream') }),
      oldestClipTime: t.string({ nullable: true, description: 'As IVMS reports it', resolve: (c) => dStr(c.d, 'oldestClipTime') }),
      location: t.field({ type: Location, nullable: true, resolve: (c) => (typeof c.d.location === 'object' && c.d.location !== null ? (c.d.location as Details) : null) }),
    }),
  });
  builder.objectField(refs.Camera, 'ivmsChannel', (t) =>
    t.field({
      type: ChannelRef,
      nullable: true,
      description: 'For an IVMS channel: model, address and location; null for other cameras.',
      resolve: (cam) => (cam.adapter === adapterType ? { channelId: cam.vendorId, d: cam.details ?? {} } : null),
    }),
  );

  refs.eventType(IVMS_ALERT_TYPE_NAME, {
    description: 'An alert broadcast by a Videonetics IVMS notification socket (its snapshot is in media).',
    interfaces: [refs.AnalyticsEvent],
    fields: (t) => ({
      alertType: t.int({ nullable: true, description: 'IVMS alert code (opaque; 209 = Activity Detection); also vendorType', resolve: (ev) => int(ev, 'alertType') }),
      alertMessage: t.string({ description: 'IVMS alert label (also ruleName)', resolve: (ev) => str(ev, 'alertMessage') ?? '' }),
      eventDetails1: t.string({ nullable: true, description: 'IVMS eventDetails1 as sent ("NA" when none)', resolve: (ev) => str(ev, 'eventDetails1') }),
      cameraName: t.string({ nullable: true, description: 'The cameraName the alert carried (often the camera IP)', resolve: (ev) => str(ev, 'cameraName') }),
      eventTime: t.string({ description: 'The IVMS-local eventTime text as sent (YYYY-MM-DD HH:MM:SS)', resolve: (ev) => str(ev, 'eventTime') ?? '' }),
      timeZone: t.string({ description: 'The zone eventTime was read in (instance config)', resolve: (ev) => str(ev, 'timeZone') ?? 'UTC' }),
      imageProblem: t.string({ nullable: true, description: 'Why the inline snapshot was not stored, when it was not', resolve: (ev) => str(ev, 'imageProblem') }),
    }),
  });

  builder.queryFields((t) => ({
    ivmsEventSnapshot: t.field({
      type: refs.Media,
      authScopes: requireScope('events:read'),
      description: 'The snapshot of an IVMS event (GET event/{id}/snap), stored and served at /media/{id}. At most 5 MB by default.',
      args: { instance: t.arg.string({ required: true, description: 'IVMS adapter instance id' }), eventId: t.arg.id({ required: true, description: 'IVMS event id' }) },
      resolve: (_r, a, ctx) => asIvmsApi(ctx.services.adapterApi(adapterType, a.instance), a.instance).eventMedia(String(a.eventId), 'snap'),
    }),
    ivmsEventClip: t.field({
      type: refs.Media,
      authScopes: requireScope('events:read'),
      description: 'The video clip of an IVMS event (GET event/{id}/clip; MP4 or MPEG-TS), stored and served at /media/{id}. At most 50 MB by default.',
      args: { instance: t.arg.string({ required: true, description: 'IVMS adapter instance id' }), eventId: t.arg.id({ required: true, description: 'IVMS event id' }) },
      resolve: (_r, a, ctx) => asIvmsApi(ctx.services.adapterApi(adapterType, a.instance), a.instance).eventMedia(String(a.eventId), 'clip'),
    }),
  }));
}
