/**
 * fastValidEventInput (src/core/events/fast-validate.ts) against zod's eventInputSchema, the source of
 * truth: on every input of a corpus of valid and invalid events, the fast check either answers with
 * exactly zod's output (same values, same keys in the same order, same copies) or leaves it to zod;
 * it never accepts what zod refuses. The realistic valid events (FF, a door device, analytics, images)
 * must take the fast path.
 */
import { describe, expect, it } from 'vitest';
import { EVENT_FIELD_LIMITS as L, eventInputSchema, type EventInput } from '../../src/core/events/model.ts';
import { fastValidEventInput } from '../../src/core/events/fast-validate.ts';
import { ffEventInput } from '../../src/adapters/ff/ingest-event.ts';
import { ffConfigSchema } from '../../src/adapters/ff/config.ts';

const T0 = new Date('2024-06-14T10:00:00.123Z');
const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);

type Input = Record<string, unknown>;
const plateEvent = (): Input => ({
  typeName: 'BoundEvent',
  kind: 'PLATE_READ',
  vendorType: 't',
  occurredAt: T0,
  dedupeKey: 'k',
  raw: { a: [1, 'x', null], b: { c: true } },
  camera: { vendorId: 'cam' },
  plate: { plate: 'AB1', plateNormalized: 'AB1', direction: 'IN', phase: 'NEW', trackId: 't', country: 'CZ', region: null, vehicle: { make: 'Skoda' } },
  analytics: { ruleName: 'r' },
});
const doorEvent = (): Input => ({
  typeName: 'AcmeDoorEvent',
  kind: 'ACME_DOOR_BUZZED',
  vendorType: 'buzz',
  occurredAt: T0,
  dedupeKey: 'door-1',
  device: { vendorId: 'd1', name: 'Front door', type: 'AcmeDoor', capabilities: ['LOCK', 'ACME_BUZZ'] },
  data: { door: 'front', n: 1, nested: { x: [1] } },
  raw: 'text raw',
  media: [
    { role: 'SNAPSHOT', data: jpeg, contentType: 'image/jpeg' },
    { role: 'CLIP', data: jpeg },
  ],
});
const analyticsEvent = (): Input => ({
  typeName: 'VendorLineEvent',
  kind: 'LINE_CROSSED',
  vendorType: 'line',
  occurredAt: T0,
  dedupeKey: 'l1',
  camera: { vendorId: 'cam-2', name: 'Gate', capabilities: [] },
  analytics: { ruleId: '1', ruleName: 'north', objectClass: 'car', objectId: null },
  data: {},
  raw: null,
  media: [],
});
const minimal = (): Input => ({ typeName: 'X', kind: 'CUSTOM', vendorType: 'v', occurredAt: T0, dedupeKey: 'd', raw: {} });

const ffJson = {
  packetCounter: '12',
  datetime: '20240614 120000123+0200',
  plateText: 'AB 123',
  plateCountry: 'CZE',
  plateConfidence: '0.93',
  carState: 'new',
  carID: '77',
  carMoveDirection: 'in',
  capture_timestamp: '1718359200123',
  sensorProviderID: 'cam-1',
  plateCoordinates: [1, 2, 3, 4],
  vehicle_info: { type: 'car', color: 'red', brand: 'Skoda', model: 'Octavia', confidenceMMR: '87' },
  camera_info: { SerialNumber: 'S1', ProdShortName: 'P1' },
  geotag: { lat: 50.1, lon: 14.4 },
  imagesURI: ['http://x/1.jpg'],
};
const ffCtx = { config: ffConfigSchema.parse({ type: 'ff', id: 'ff1' }), cameras: { timeZoneOf: () => undefined } } as unknown as Parameters<typeof ffEventInput>[1];

/** Valid events the fast path must take. */
const fastValid: Array<[string, () => Input]> = [
  ['plate read', plateEvent],
  ['door device with images', doorEvent],
  ['analytics', analyticsEvent],
  ['minimal (data and media defaulted)', minimal],
  ['FF event as mapped', () => ffEventInput(structuredClone(ffJson), ffCtx) as unknown as Input],
  ['optional keys present as undefined', () => ({ ...plateEvent(), camera: undefined, device: undefined, analytics: undefined, data: undefined, media: undefined, raw: undefined })],
  [
    'nullable labels null, vehicle null',
    () => ({ ...plateEvent(), plate: { plate: 'A', plateNormalized: 'A', direction: 'OUT', phase: 'LOST', country: null, region: null, confidence: null, trackId: null, vehicle: null } }),
  ],
  [
    'labels present as undefined',
    () => ({ ...plateEvent(), plate: { plate: 'A', plateNormalized: 'A', direction: 'UNKNOWN', phase: 'UPDATE', country: undefined, confidence: undefined, vehicle: undefined } }),
  ],
  ['confidence at its bounds', () => ({ ...plateEvent(), plate: { plate: 'A', plateNormalized: 'A', direction: 'IN', phase: 'RELIABLE', confidence: 1 } })],
  [
    'fields at their limits',
    () => ({ ...plateEvent(), vendorType: 'v'.repeat(L.vendorType), dedupeKey: 'd'.repeat(L.dedupeKey), camera: { vendorId: 'c'.repeat(L.cameraId), name: 'n'.repeat(L.cameraId) } }),
  ],
  ['data with numeric and odd keys', () => ({ ...minimal(), data: { 2: 'b', 1: 'a', 'x y': null, '': 0 } })],
  [
    'camera a class instance with a getter',
    () => ({
      ...plateEvent(),
      camera: new (class {
        get vendorId() {
          return 'c';
        }
      })(),
    }),
  ],
  ['data and raw without prototype', () => ({ ...minimal(), data: Object.assign(Object.create(null), { a: 1 }), raw: Object.create(null) })],
  ['unknown top-level key (zod strips it)', () => ({ ...plateEvent(), extra: 1 })],
  ['unknown camera key', () => ({ ...plateEvent(), camera: { vendorId: 'c', extra: true } })],
  ['unknown plate and vehicle keys', () => ({ ...plateEvent(), plate: { plate: 'A', plateNormalized: 'A', direction: 'IN', phase: 'NEW', x: 1, vehicle: { make: 'm', y: 2 } } })],
  ['unknown media key', () => ({ ...doorEvent(), media: [{ role: 'SNAPSHOT', data: jpeg, name: 'a.jpg' }] })],
];

/** Valid for zod, but the fast path is allowed to leave them to zod (it must then agree on the output). */
const maybeFast: Array<[string, () => Input]> = [
  ['data with __proto__ own key', () => ({ ...minimal(), data: JSON.parse('{"__proto__": {"x": 1}, "a": 2}') })],
  ['Buffer as media data', () => ({ ...doorEvent(), media: [{ role: 'SNAPSHOT', data: Buffer.from(jpeg) }] })],
];

const set = (f: (e: Input) => void) => () => {
  const e = plateEvent();
  f(e);
  return e;
};
const plate = (e: Input) => e.plate as Input;
/** Refused by zod: the fast path must leave every one to zod. */
const invalid: Array<[string, () => unknown]> = [
  ['not an object', () => 'event'],
  ['null', () => null],
  ['an array', () => [plateEvent()]],
  ['typeName lower case', set((e) => (e.typeName = 'bad'))],
  ['typeName not a string', set((e) => (e.typeName = 1))],
  ['kind not UPPER_SNAKE', set((e) => (e.kind = 'plate_read'))],
  ['kind too long', set((e) => (e.kind = `A${'B'.repeat(64)}`))],
  ['vendorType empty', set((e) => (e.vendorType = ''))],
  ['vendorType too long', set((e) => (e.vendorType = 'v'.repeat(L.vendorType + 1)))],
  ['occurredAt a string', set((e) => (e.occurredAt = T0.toISOString()))],
  ['occurredAt invalid', set((e) => (e.occurredAt = new Date('nope')))],
  ['occurredAt missing', set((e) => delete e.occurredAt)],
  ['dedupeKey missing', set((e) => delete e.dedupeKey)],
  ['dedupeKey empty', set((e) => (e.dedupeKey = ''))],
  ['dedupeKey too long', set((e) => (e.dedupeKey = 'd'.repeat(L.dedupeKey + 1)))],
  ['camera null', set((e) => (e.camera = null))],
  ['camera vendorId empty', set((e) => (e.camera = { vendorId: '' }))],
  ['camera vendorId too long', set((e) => (e.camera = { vendorId: 'c'.repeat(L.cameraId + 1) }))],
  ['camera name a number', set((e) => (e.camera = { vendorId: 'c', name: 1 }))],
  ['camera name null', set((e) => (e.camera = { vendorId: 'c', name: null }))],
  ['capability lower case', set((e) => (e.camera = { vendorId: 'c', capabilities: ['lock'] }))],
  ['too many capabilities', set((e) => (e.camera = { vendorId: 'c', capabilities: Array.from({ length: 65 }, () => 'LOCK') }))],
  ['device without type', set((e) => (e.device = { vendorId: 'd' }))],
  ['device type not a type name', set((e) => (e.device = { vendorId: 'd', type: 'door' }))],
  ['plate missing plate', set((e) => delete plate(e).plate)],
  ['plate too long', set((e) => (plate(e).plate = 'x'.repeat(L.plate + 1)))],
  ['plate direction unknown', set((e) => (plate(e).direction = 'LEFT'))],
  ['plate phase lower case', set((e) => (plate(e).phase = 'new'))],
  ['confidence above 1', set((e) => (plate(e).confidence = 1.01))],
  ['confidence NaN', set((e) => (plate(e).confidence = Number.NaN))],
  ['confidence a string', set((e) => (plate(e).confidence = '0.5'))],
  ['country too long', set((e) => (plate(e).country = 'c'.repeat(L.label + 1)))],
  ['trackId a number', set((e) => (plate(e).trackId = 5))],
  ['vehicle make too long', set((e) => (plate(e).vehicle = { make: 'm'.repeat(L.label + 1) }))],
  ['vehicle an array', set((e) => (plate(e).vehicle = ['Skoda']))],
  ['analytics ruleId a number', set((e) => (e.analytics = { ruleId: 1 }))],
  ['analytics objectId too long', set((e) => (e.analytics = { objectId: 'o'.repeat(L.analytics + 1) }))],
  ['data an array', set((e) => (e.data = [1]))],
  ['data a Map', set((e) => (e.data = new Map([['a', 1]])))],
  ['data null', set((e) => (e.data = null))],
  ['data with a symbol key', set((e) => (e.data = { a: 1, [Symbol('s')]: 2 }))],
  ['raw absent', set((e) => delete e.raw)],
  ['media not an array', set((e) => (e.media = { role: 'SNAPSHOT', data: jpeg }))],
  ['too many images', set((e) => (e.media = Array.from({ length: 17 }, () => ({ role: 'SNAPSHOT', data: jpeg }))))],
  ['media role unknown', set((e) => (e.media = [{ role: 'THUMB', data: jpeg }]))],
  ['media data base64 text', set((e) => (e.media = [{ role: 'SNAPSHOT', data: 'AAAA' }]))],
  ['media contentType a number', set((e) => (e.media = [{ role: 'SNAPSHOT', data: jpeg, contentType: 1 }]))],
];

/** Key order of every plain object and array inside, to compare what JSON.stringify / toStrictEqual do not both see. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shape);
  if (v && typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array)) return Object.entries(v).map(([k, x]) => [k, shape(x)]);
  return v;
}

function agree(input: unknown) {
  const z = eventInputSchema.safeParse(input);
  const fast = fastValidEventInput(input);
  if (fast !== undefined) {
    expect(z.success).toBe(true);
    expect(fast).toStrictEqual(z.data);
    expect(shape(fast)).toStrictEqual(shape(z.data));
    // The same sharing as zod: raw and data values and image bytes by reference, the containers copied.
    const src = input as Input;
    expect(fast.raw).toBe(src.raw);
    if (src.data && typeof src.data === 'object') expect(fast.data).not.toBe(src.data);
    if (src.plate) expect(fast.plate).not.toBe(src.plate);
  }
  return { zodOk: z.success, fast };
}

describe('fastValidEventInput agrees with eventInputSchema', () => {
  it.each(fastValid)('valid, fast path: %s', (_name, make) => {
    const { zodOk, fast } = agree(make());
    expect(zodOk).toBe(true);
    expect(fast).toBeDefined();
  });

  it.each(maybeFast)('valid, zod decides or both agree: %s', (_name, make) => {
    expect(agree(make()).zodOk).toBe(true);
  });

  it.each(invalid)('invalid, left to zod: %s', (_name, make) => {
    const { zodOk, fast } = agree(make());
    expect(zodOk).toBe(false);
    expect(fast).toBeUndefined();
  });

  it('every field at one over its limit is left to zod (as in event-bounds.test.ts)', () => {
    const paths: Array<[(e: Input, v: string) => void, number]> = [
      [(e, v) => (plate(e).plate = v), L.plate],
      [(e, v) => (plate(e).plateNormalized = v), L.plate],
      [(e, v) => (plate(e).country = v), L.label],
      [(e, v) => (plate(e).region = v), L.label],
      [(e, v) => (plate(e).trackId = v), L.trackId],
      [(e, v) => ((plate(e).vehicle as Input).make = v), L.label],
      [(e, v) => ((e.analytics as Input).ruleName = v), L.analytics],
      [(e, v) => ((e.camera as Input).vendorId = v), L.cameraId],
      [(e, v) => (e.dedupeKey = v), L.dedupeKey],
      [(e, v) => (e.vendorType = v), L.vendorType],
    ];
    for (const [put, limit] of paths) {
      const at = plateEvent();
      put(at, 'x'.repeat(limit));
      expect(agree(at)).toEqual({ zodOk: true, fast: expect.anything() });
      const over = plateEvent();
      put(over, 'x'.repeat(limit + 1));
      expect(agree(over)).toEqual({ zodOk: false, fast: undefined });
    }
  });

  it('an FF payload, mapped and checked, is not copied deeper than zod copies it', () => {
    const input = ffEventInput(structuredClone(ffJson), ffCtx) as EventInput;
    const fast = fastValidEventInput(input)!;
    expect(fast.data.vehicleView).toBe(input.data!.vehicleView);
    expect(fast.data.imagesUri).toBe(input.data!.imagesUri);
  });
});
