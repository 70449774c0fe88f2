/**
 * The core's bounds on every adapter's events (src/core/events/model.ts EVENT_FIELD_LIMITS, ingest.ts
 * maxRowBytes): each typed field has a length limit refused as BAD_USER_INPUT naming its path, and a
 * row larger than limits.eventMaxBytes is refused PAYLOAD_TOO_LARGE before anything is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { openPgliteTestDb, type TestDb } from '../helpers/db.ts';
import { EVENT_FIELD_LIMITS, eventInputSchema, type EventInput } from '../../src/core/events/model.ts';
import { EventWriter } from '../../src/core/events/writer.ts';
import { Ingest } from '../../src/core/events/ingest.ts';
import { LocalEventBus } from '../../src/core/events/bus.ts';
import { createMetrics } from '../../src/core/ops/metrics.ts';
import { CameraCache } from '../../src/core/cameras/cache.ts';
import type { FileMediaStore } from '../../src/core/media/store.ts';

const T0 = new Date('2024-06-14T10:00:00.123Z');
const base = (): EventInput => ({
  typeName: 'BoundEvent',
  kind: 'PLATE_READ',
  vendorType: 't',
  occurredAt: T0,
  dedupeKey: 'k',
  raw: {},
  camera: { vendorId: 'cam' },
  plate: { plate: 'AB1', plateNormalized: 'AB1', direction: 'IN', phase: 'NEW', trackId: 't', country: 'CZ', region: null, vehicle: { make: 'Skoda' } },
  analytics: { ruleName: 'r' },
});
const L = EVENT_FIELD_LIMITS;
/** [path as reported, how to set it, its limit] */
const fields: Array<[string, (e: EventInput, v: string) => void, number]> = [
  ['plate.plate', (e, v) => (e.plate!.plate = v), L.plate],
  ['plate.plateNormalized', (e, v) => (e.plate!.plateNormalized = v), L.plate],
  ['plate.country', (e, v) => (e.plate!.country = v), L.label],
  ['plate.region', (e, v) => (e.plate!.region = v), L.label],
  ['plate.trackId', (e, v) => (e.plate!.trackId = v), L.trackId],
  ['plate.vehicle.make', (e, v) => (e.plate!.vehicle!.make = v), L.label],
  ['analytics.ruleName', (e, v) => (e.analytics!.ruleName = v), L.analytics],
  ['camera.vendorId', (e, v) => (e.camera!.vendorId = v), L.cameraId],
  ['dedupeKey', (e, v) => (e.dedupeKey = v), L.dedupeKey],
  ['vendorType', (e, v) => (e.vendorType = v), L.vendorType],
];

describe('event field bounds', () => {
  it.each(fields)('%s: at its limit accepted, one character more refused naming the path', (path, set, limit) => {
    const atLimit = base();
    set(atLimit, 'x'.repeat(limit));
    expect(eventInputSchema.safeParse(atLimit).success).toBe(true);
    const over = base();
    set(over, 'x'.repeat(limit + 1));
    const r = eventInputSchema.safeParse(over);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toEqual([path]);
  });
});

describe('ingest: the stored row size cap', () => {
  let t: TestDb;
  beforeAll(async () => void (t = await openPgliteTestDb()));
  afterAll(() => t.cleanup());

  it('a row over maxRowBytes → PAYLOAD_TOO_LARGE, nothing stored; a long plate → BAD_USER_INPUT', async () => {
    const metrics = createMetrics();
    const writer = new EventWriter({ db: t.database.db, bus: new LocalEventBus(), log: pino({ level: 'silent' }), metrics });
    const ingest = new Ingest({ writer, media: {} as FileMediaStore, cameras: new CameraCache(), maxRowBytes: 20_000 });
    const publish = (e: EventInput) =>
      ingest.publish({ adapter: 'b', instance: 'i' }, e).then(
        (r) => (r.duplicate ? 'dup' : 'ok'),
        (err: { code?: string }) => err.code,
      );
    expect(await publish({ ...base(), dedupeKey: 'small', raw: { extra: 'x'.repeat(10_000) } })).toBe('ok');
    expect(await publish({ ...base(), dedupeKey: 'big-raw', raw: { extra: 'x'.repeat(20_000) } })).toBe('PAYLOAD_TOO_LARGE');
    expect(await publish({ ...base(), dedupeKey: 'big-data', data: { extra: 'ž'.repeat(9_800) } })).toBe('PAYLOAD_TOO_LARGE'); // 19,600 bytes of UTF-8 in 9,800 characters
    const longPlate = base();
    longPlate.plate!.plate = 'A'.repeat(12_000);
    expect(await publish(longPlate)).toBe('BAD_USER_INPUT');
    expect(await metrics.ingested.get().then((m) => m.values.reduce((n, v) => n + v.value, 0))).toBe(1);
  });
});
