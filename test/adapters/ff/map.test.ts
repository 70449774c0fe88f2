import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ffDedupeKey, ffImageRoles, ffRoleFromFilename, ffRoleFromImageType, mapFfEvent, stripFfImages } from '../../../src/adapters/ff/map.ts';
import { parseFfEvent } from '../../../src/adapters/ff/parse.ts';
import type { FfImage } from '../../../src/adapters/ff/parse.ts';
import { eventInputSchema } from '../../../src/core/events/model.ts';

type Obj = Record<string, unknown>;
const fixture = (name: string): Obj => JSON.parse(readFileSync(new URL(`../../fixtures/ff/${name}`, import.meta.url), 'utf8')) as Obj;
const opts = { timeZone: 'Europe/Prague' };
const map = (raw: Obj) => mapFfEvent(parseFfEvent(raw), raw, opts);
const keyOf = (raw: Obj) => ffDedupeKey(parseFfEvent(raw));
const PASS = ['sample-new.json', 'sample-reliable.json', 'sample-update.json', 'sample-lost.json'];

describe('mapFfEvent: the manual sample', () => {
  const raw = fixture('sample-update.json');
  const { input, images } = map(raw);

  it('produces the unified plate event', () => {
    expect(input).toMatchObject({
      typeName: 'FfPlateEvent',
      kind: 'PLATE_READ',
      vendorType: 'update',
      occurredAt: new Date('2024-06-14T14:04:36.372Z'),
      camera: { vendorId: 'PRG-82', name: 'PRG-82 (AXIS Q1805-LE)' },
    });
    expect(input.plate).toEqual({
      plate: '1AB1234',
      plateNormalized: '1AB1234',
      country: 'CZE',
      region: 'Praha',
      confidence: 0.8688,
      direction: 'IN',
      phase: 'UPDATE',
      trackId: 'PRG-82:1327',
      vehicle: { type: 'CAR', color: 'GRAY', make: 'Skoda', model: 'Rapid/Scala' },
    });
    expect(images).toEqual([]);
  });

  it('puts the FF-only fields in data, JSON-serialisable', () => {
    expect(input.data).toEqual({
      deviceId: 'PRG-82',
      carId: '1327',
      roiId: '1',
      packetCounter: 13046,
      plateList: null,
      plateListMode: null,
      plateListDescription: null,
      plateCoordinates: [519, 633, 141, 42],
      plateCoordinatesRelative: [519, 633, 141, 42],
      plateRegionCode: 'A',
      plateIso31662: null,
      geotag: { lat: 55.70421, lon: 13.19366 },
      geoTarget: 'Camera',
      vehicleView: 'front',
      mmrConfidence: 0.999847,
      colorConfidence: 0.989999,
      deviceSerial: 'B8A44F960ACE',
      deviceModel: 'AXIS Q1805-LE',
      profileId: '1',
      imagesUri: [
        '/local/fflprapp/tools.cgi?action=getImage&name=9/20240614160436_464953lp_1AB1234_13046.jpg',
        '/local/fflprapp/tools.cgi?action=getImage&name=36/20240614160426_32557roi_1AB1234_12977.jpg',
      ],
      localDatetime: '20240614 160436372',
    });
    expect(JSON.parse(JSON.stringify(input.data))).toEqual(input.data);
  });

  it('keeps the raw payload (all fields, unknown ones too)', () => {
    expect(input.raw).toEqual(raw);
    const extra = map({ ...raw, futureField: { a: 1 } });
    expect((extra.input.raw as Obj).futureField).toEqual({ a: 1 });
  });

  it('passes the core eventInputSchema', () => {
    const parsed = eventInputSchema.safeParse({ ...input, media: images });
    expect(parsed.success).toBe(true);
  });
});

describe('mapFfEvent: other firmwares and fallbacks', () => {
  it('maps an older firmware event (carid, updated, unk, make, XX, datetime only)', () => {
    const { input } = map(fixture('sample-old-firmware.json'));
    expect(input.vendorType).toBe('updated');
    expect(input.occurredAt).toEqual(new Date('2023-03-10T10:13:24.000Z'));
    expect(input.camera).toEqual({ vendorId: '00408C1234AB', name: '00408C1234AB (CAMMRA)' });
    expect(input.plate).toMatchObject({
      plate: 'B-XY 4711',
      plateNormalized: 'BXY4711',
      country: null,
      direction: 'UNKNOWN',
      phase: 'UPDATE',
      trackId: '00408C1234AB:42',
      vehicle: { type: 'TRUCK', color: 'WHITE', make: 'MAN', model: 'TGX' },
    });
    expect(input.data).toMatchObject({ mmrConfidence: 0.875, colorConfidence: 0.65, packetCounter: 1 });
    expect(eventInputSchema.safeParse(input).success).toBe(true);
  });

  it('keeps umlauts in plate and plateNormalized', () => {
    const { input } = map(fixture('sample-umlaut.json'));
    expect(input.plate).toMatchObject({ plate: 'MÜ AB 123', plateNormalized: 'MÜAB123', direction: 'OUT' });
    expect(input.vendorType).toBe('reliable');
    expect(input.occurredAt).toEqual(new Date('2024-01-15T07:15:02.120Z'));
    expect(input.data).toMatchObject({ plateListMode: 'allow', plateList: 'Anwohner', plateIso31662: 'DE-BY' });
  });

  it('falls back from sensorProviderID to the serial number, then to "unknown"', () => {
    const { sensorProviderID: _s, ...noId } = fixture('sample-update.json');
    expect(map(noId).input.camera).toEqual({ vendorId: 'B8A44F960ACE', name: 'B8A44F960ACE (AXIS Q1805-LE)' });
    const { camera_info: _c, ...bare } = noId;
    const { input } = map(bare);
    expect(input.camera).toEqual({ vendorId: 'unknown', name: 'unknown' });
    expect(input.plate?.trackId).toBe('unknown:1327');
    expect(input.data).toMatchObject({ deviceSerial: null, deviceModel: null });
  });

  it('gives every event of one pass the same trackId', () => {
    const tracks = PASS.map((f) => map(fixture(f)).input.plate?.trackId);
    expect(new Set(tracks)).toEqual(new Set(['PRG-82:1327']));
    expect(PASS.map((f) => map(fixture(f)).input.vendorType)).toEqual(['new', 'reliable', 'update', 'lost']);
  });
});

describe('dedupe key', () => {
  const update = fixture('sample-update.json');

  it('is sha256 hex of ff1|device|carID|phase|capture_timestamp|plateNormalized|direction|roiID', () => {
    const expected = createHash('sha256').update('ff1|PRG-82|1327|UPDATE|1718373876372|1AB1234|IN|1').digest('hex');
    expect(keyOf(update)).toBe(expected);
    expect(map(update).input.dedupeKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is identical for a buffered re-send after an outage (packetCounter restarted, keys reordered)', () => {
    const resent = Object.fromEntries(Object.entries({ ...update, packetCounter: '1' }).reverse());
    expect(keyOf(resent)).toBe(keyOf(update));
    expect(keyOf(JSON.parse(JSON.stringify(update)))).toBe(keyOf(update));
    // Images embedded or not, and timeProcessing differences do not change the event's identity.
    expect(keyOf({ ...update, timeProcessing: '12', ImageArray: [{ BinaryImage: 'AQID' }] })).toBe(keyOf(update));
  });

  it('differs across the events of one pass, even NEW and LOST sharing capture_timestamp', () => {
    const keys = PASS.map((f) => keyOf(fixture(f)));
    expect(new Set(keys).size).toBe(4);
  });

  it.each([
    ['another device', { sensorProviderID: 'PRG-83' }],
    ['another car', { carID: '1328' }],
    ['another phase', { carState: 'reliable' }],
    ['another capture time', { capture_timestamp: '1718373876373' }],
    ['another plate', { plateUTF8: '1AB1235' }],
    ['another direction', { carMoveDirection: 'out' }],
    ['another zone', { roiID: '2' }],
  ])('differs for %s', (_label, change) => {
    expect(keyOf({ ...update, ...change })).not.toBe(keyOf(update));
  });

  it('uses the datetime text when capture_timestamp is absent', () => {
    const { capture_timestamp: _t, ...noTs } = update;
    const expected = createHash('sha256').update('ff1|PRG-82|1327|UPDATE|dt:20240614 160436372|1AB1234|IN|1').digest('hex');
    expect(keyOf(noTs)).toBe(expected);
    expect(keyOf({ ...noTs, datetime: '20240614 160436373' })).not.toBe(expected);
  });

  it('ignores plate formatting that normalises away', () => {
    expect(keyOf({ ...update, plateUTF8: '1ab-1234' })).toBe(keyOf(update));
  });
});

describe('images', () => {
  const raw = fixture('sample-image-array.json');

  it('returns the embedded images with roles and content types', () => {
    const { images, input } = map(raw);
    expect(images.map((i) => [i.role, i.contentType, i.data.length])).toEqual([
      ['VEHICLE', 'image/jpeg', 10],
      ['PLATE_CROP', 'image/png', 8],
    ]);
    expect(eventInputSchema.safeParse({ ...input, media: images }).success).toBe(true);
  });

  it('strips BinaryImage from raw but keeps type and format, without touching the input', () => {
    const { input } = map(raw);
    expect((input.raw as Obj).ImageArray).toEqual([
      { ImageType: 'vehicle', ImageFormat: 'jpeg', BinaryImage: '<removed: 10 bytes>' },
      { ImageType: 'plate', ImageFormat: 'png', BinaryImage: '<removed: 8 bytes>' },
    ]);
    expect(JSON.stringify(input.raw)).not.toContain('/9j/');
    expect((raw.ImageArray as Obj[])[0].BinaryImage).toBe('/9j/4AAQSkZJRg==');
    expect(stripFfImages({ a: 1 })).toEqual({ a: 1 });
  });

  const img = (imageType: string | null, index = 0): FfImage => ({
    index,
    imageType,
    imageFormat: null,
    data: new Uint8Array([1]),
  });

  it.each([
    ['plate', 'PLATE_CROP'],
    ['LP', 'PLATE_CROP'],
    ['vehicle', 'VEHICLE'],
    ['roi', 'VEHICLE'],
    ['MMRCrop', 'VEHICLE'],
    ['frame', 'FRAME'],
    ['sunset', null],
    [null, null],
  ])('ImageType %s -> %s', (type, role) => {
    expect(ffRoleFromImageType(type)).toBe(role);
  });

  it('with two untyped images: first is the configured imageType, second the plate crop', () => {
    expect(ffImageRoles({ imageType: 'frame' }, [img(null), img(null, 1)])).toEqual(['FRAME', 'PLATE_CROP']);
    expect(ffImageRoles({ imageType: 'vehicle' }, [img(''), img('?', 1)])).toEqual(['VEHICLE', 'PLATE_CROP']);
    expect(ffImageRoles({ imageType: null }, [img(null), img(null, 1)])).toEqual(['SNAPSHOT', 'PLATE_CROP']);
  });

  it('a known ImageType wins over position; other untyped images are snapshots', () => {
    expect(ffImageRoles({ imageType: 'frame' }, [img('plate'), img('vehicle', 1)])).toEqual(['PLATE_CROP', 'VEHICLE']);
    expect(ffImageRoles({ imageType: 'mmrcrop' }, [img(null)])).toEqual(['VEHICLE']);
    expect(ffImageRoles({ imageType: 'frame' }, [img(null), img(null, 1), img(null, 2)])).toEqual(['SNAPSHOT', 'SNAPSHOT', 'SNAPSHOT']);
  });

  it('guesses roles from FF image file names', () => {
    expect(ffRoleFromFilename('20240614160436_464953lp_1AB1234_13046.jpg')).toBe('PLATE_CROP');
    expect(ffRoleFromFilename('20240614160426_32557roi_1AB1234_12977.jpg')).toBe('VEHICLE');
    expect(ffRoleFromFilename('plate.png')).toBe('PLATE_CROP');
    expect(ffRoleFromFilename('snapshot.jpg')).toBeNull();
  });
});

describe('ffRoleFromFilename with plates that contain lp/roi', () => {
  it('goes by the FF marker after the digits, not by letters of the plate', async () => {
    const { ffRoleFromFilename } = await import('../../../src/adapters/ff/map.ts');
    expect(ffRoleFromFilename('20240614160436_160680roi_1LP2345_14129.jpg')).toBe('VEHICLE');
    expect(ffRoleFromFilename('20240614160436_334115lp_ROI123_14130.jpg')).toBe('PLATE_CROP');
    expect(ffRoleFromFilename('plate.jpg')).toBe('PLATE_CROP');
  });
});
