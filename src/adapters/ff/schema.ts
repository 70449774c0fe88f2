/**
 * GraphQL additions of the FF adapter: FfPlateEvent (Event & PlateReadEvent with FF-only fields)
 * and plate tracks as a query and a subscription. Uses only the SDK's builder and core refs.
 */
import type { StoredEvent } from '../../sdk.ts';
import { mapAsyncIterator, requireScope, type Builder, type CoreRefs } from '../../sdk/graphql.ts';
import { FF_TYPE_NAME } from './map.ts';
import { foldTrack, type PlateTrack } from './track.ts';

const str = (ev: StoredEvent, k: string): string | null => (typeof ev.data[k] === 'string' ? (ev.data[k] as string) : null);
const num = (ev: StoredEvent, k: string): number | null => (typeof ev.data[k] === 'number' ? (ev.data[k] as number) : null);
const box = (ev: StoredEvent, k: string): number[] | null => (Array.isArray(ev.data[k]) ? (ev.data[k] as number[]) : null);

export function addFfSchema(builder: Builder, refs: CoreRefs, adapterType: string): void {
  const Geotag = builder.objectRef<{ lat: number; lon: number }>('FfGeotag').implement({
    fields: (t) => ({ lat: t.exposeFloat('lat'), lon: t.exposeFloat('lon') }),
  });
  const FfPlateEvent = refs.eventType(FF_TYPE_NAME, {
    description: 'A plate read pushed by an FF-Events (CAMMRA / AXIS License Plate Verifier) camera.',
    interfaces: [refs.PlateReadEvent],
    fields: (t) => ({
      deviceId: t.string({ description: 'sensorProviderID (the Device ID of the push profile)', resolve: (ev) => str(ev, 'deviceId') ?? '' }),
      carId: t.string({ description: 'carID: joins the events of one vehicle pass', resolve: (ev) => str(ev, 'carId') ?? '' }),
      roiId: t.string({ nullable: true, resolve: (ev) => str(ev, 'roiId') }),
      packetCounter: t.int({ nullable: true, resolve: (ev) => num(ev, 'packetCounter') }),
      plateList: t.string({ nullable: true, description: 'Matched list name', resolve: (ev) => str(ev, 'plateList') }),
      plateListMode: t.string({ nullable: true, description: 'allow, block or empty', resolve: (ev) => str(ev, 'plateListMode') }),
      plateListDescription: t.string({ nullable: true, resolve: (ev) => str(ev, 'plateListDescription') }),
      plateCoordinates: t.intList({ nullable: true, description: '[left, top, width, height] in the frame', resolve: (ev) => box(ev, 'plateCoordinates') }),
      plateCoordinatesRelative: t.intList({ nullable: true, description: '[left, top, width, height] in the crop', resolve: (ev) => box(ev, 'plateCoordinatesRelative') }),
      plateRegionCode: t.string({ nullable: true, resolve: (ev) => str(ev, 'plateRegionCode') }),
      geotag: t.field({ type: Geotag, nullable: true, resolve: (ev) => (ev.data.geotag as { lat: number; lon: number } | null) ?? null }),
      vehicleView: t.string({ nullable: true, description: 'front or rear', resolve: (ev) => str(ev, 'vehicleView') }),
      makeModelConfidence: t.float({ nullable: true, description: '0–1', resolve: (ev) => num(ev, 'mmrConfidence') }),
      colorConfidence: t.float({ nullable: true, description: '0–1', resolve: (ev) => num(ev, 'colorConfidence') }),
      deviceSerial: t.string({ nullable: true, resolve: (ev) => str(ev, 'deviceSerial') }),
      deviceModel: t.string({ nullable: true, resolve: (ev) => str(ev, 'deviceModel') }),
      localDatetime: t.string({ nullable: true, description: 'The camera-local `datetime` text as sent', resolve: (ev) => str(ev, 'localDatetime') }),
    }),
  });

  const Direction = builder.enumType('FfTrackDirection', { values: ['IN', 'OUT', 'UNKNOWN'] as const });
  const Phase = builder.enumType('FfTrackPhase', { values: ['NEW', 'RELIABLE', 'UPDATE', 'LOST'] as const });
  const Track = builder.objectRef<PlateTrack>('FfPlateTrack').implement({
    description: 'One vehicle pass (same device and carID): best plate, final direction, first/last seen, images. Scope events:read.',
    authScopes: requireScope('events:read'),
    fields: (t) => ({
      trackId: t.exposeString('trackId'),
      deviceId: t.exposeString('deviceId'),
      carId: t.exposeString('carId'),
      bestPlate: t.exposeString('bestPlate'),
      bestPlateNormalized: t.exposeString('bestPlateNormalized'),
      bestConfidence: t.float({ nullable: true, resolve: (tr) => tr.bestConfidence }),
      direction: t.field({ type: Direction, description: 'Last known direction', resolve: (tr) => tr.direction }),
      phase: t.field({ type: Phase, description: 'LOST once the vehicle has left, else the phase of the latest event', resolve: (tr) => tr.phase }),
      firstSeen: t.field({ type: 'DateTime', resolve: (tr) => tr.firstSeen }),
      lastSeen: t.field({ type: 'DateTime', resolve: (tr) => tr.lastSeen }),
      closed: t.boolean({ description: 'A LOST event ended the pass', resolve: (tr) => tr.closed }),
      camera: t.field({ type: refs.Camera, nullable: true, resolve: (tr, _a, ctx) => (tr.cameraId ? ctx.services.cameraById(tr.cameraId) : null) }),
      events: t.field({ type: [FfPlateEvent], resolve: (tr) => tr.events }),
      media: t.field({ type: [refs.Media], resolve: (tr) => tr.media }),
    }),
  });

  const TrackFilter = builder.inputType('FfPlateTrackFilter', {
    fields: (t) => ({
      instances: t.stringList(),
      cameraIds: t.idList(),
      from: t.field({ type: 'DateTime' }),
      to: t.field({ type: 'DateTime' }),
      plate: t.string({ description: 'Normalized plate; trailing * for a prefix' }),
    }),
  });
  type TrackFilterInput = { instances?: string[] | null; cameraIds?: (string | number)[] | null; from?: Date | null; to?: Date | null; plate?: string | null };
  const toFilter = (f: TrackFilterInput | null | undefined) => ({
    ...(refs.toEventFilter({ ...f, cameraIds: f?.cameraIds?.map(String) }) ?? {}),
    adapters: [adapterType],
    kinds: ['PLATE_READ' as const],
  });

  builder.queryFields((t) => ({
    ffPlateTrack: t.field({
      type: Track,
      authScopes: requireScope('events:read'),
      nullable: true,
      args: { trackId: t.arg.string({ required: true, description: '"<deviceId>:<carID>"' }) },
      resolve: async (_r, { trackId }, ctx) => {
        const page = await ctx.services.listEvents({ adapters: [adapterType], trackId }, { first: 500 });
        return foldTrack(page.events);
      },
    }),
    ffPlateTracks: t.field({
      type: [Track],
      authScopes: requireScope('events:read'),
      description: 'The most recent vehicle passes, newest first.',
      args: { filter: t.arg({ type: TrackFilter }), first: t.arg.int({ defaultValue: 20 }) },
      resolve: async (_r, args, ctx) => {
        const first = Math.max(0, Math.min(args.first ?? 20, 100));
        const page = await ctx.services.listEvents(toFilter(args.filter), { first: Math.min(500, first * 10) });
        const ids = [...new Set(page.events.map((e) => e.plate?.trackId).filter((x): x is string => !!x))].slice(0, first);
        const tracks = await Promise.all(ids.map(async (trackId) => foldTrack((await ctx.services.listEvents({ adapters: [adapterType], trackId }, { first: 500 })).events)));
        return tracks.filter((x): x is PlateTrack => x !== null);
      },
    }),
  }));

  builder.subscriptionFields((t) => ({
    ffPlateTrackUpdated: t.field({
      type: Track,
      authScopes: requireScope('events:read'),
      description: 'The whole track, each time one of its events arrives.',
      args: { filter: t.arg({ type: TrackFilter }) },
      subscribe: (_r, args, ctx) =>
        mapAsyncIterator(ctx.services.subscribeEvents(toFilter(args.filter), null)[Symbol.asyncIterator](), async (ev) => {
          const trackId = ev.plate?.trackId;
          if (!trackId) return undefined;
          const page = await ctx.services.listEvents({ adapters: [adapterType], trackId }, { first: 500 });
          return foldTrack(page.events) ?? undefined;
        }),
      resolve: (tr) => tr,
    }),
  }));
}
