import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFfDatetime, parseFfEvent } from '../../../src/adapters/ff/parse.ts';
import { AppError } from '../../../src/core/errors.ts';

type Obj = Record<string, unknown>;
const fixture = (name: string): Obj => JSON.parse(readFileSync(new URL(`../../fixtures/ff/${name}`, import.meta.url), 'utf8')) as Obj;
const sample = () => fixture('sample-update.json');

/** Run parseFfEvent expecting a BAD_USER_INPUT AppError; returns it. */
function parseError(input: unknown): AppError {
  try {
    parseFfEvent(input);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('BAD_USER_INPUT');
    return e as AppError;
  }
  throw new Error('expected parseFfEvent to throw');
}

describe('parseFfEvent: the manual sample', () => {
  it('coerces every documented field', () => {
    const ev = parseFfEvent(sample());
    expect(ev).toEqual({
      carId: '1327',
      carState: 'update',
      phase: 'UPDATE',
      direction: 'IN',
      plate: '1AB1234',
      captureTimestamp: 1718373876372,
      captureTsNs: 1718373876372000000n,
      datetime: {
        text: '20240614 160436372',
        year: 2024,
        month: 6,
        day: 14,
        hour: 16,
        minute: 4,
        second: 36,
        millisecond: 372,
        offsetMinutes: null,
      },
      packetCounter: 13046,
      plateCountry: 'CZE',
      plateRegion: 'Praha',
      plateRegionCode: 'A',
      plateIso31662: null,
      plateList: null,
      plateListMode: null,
      plateListDescription: null,
      plateConfidence: 0.8688,
      roiId: '1',
      sensorProviderId: 'PRG-82',
      profileId: '1',
      geotag: { lat: 55.70421, lon: 13.19366 },
      imageType: 'vehicle',
      plateImageType: 'jpeg',
      plateCoordinates: [519, 633, 141, 42],
      plateCoordinatesRelative: [519, 633, 141, 42],
      imagesUri: [
        '/local/fflprapp/tools.cgi?action=getImage&name=9/20240614160436_464953lp_1AB1234_13046.jpg',
        '/local/fflprapp/tools.cgi?action=getImage&name=36/20240614160426_32557roi_1AB1234_12977.jpg',
      ],
      imageFile: 'localdata/images/36/20240614160426_32557roi_1AB1234_12977.jpg',
      imageFile2: 'localdata/images/9/20240614160436_464953lp_1AB1234_13046.jpg',
      vehicleInfo: {
        type: 'CAR',
        color: 'GRAY',
        view: 'front',
        make: 'Skoda',
        model: 'Rapid/Scala',
        confidenceMMR: 0.999847,
        confidenceColor: 0.989999,
      },
      cameraInfo: {
        serialNumber: 'B8A44F960ACE',
        prodShortName: 'AXIS Q1805-LE',
        macAddress: null,
        ipAddress: null,
      },
      timeProcessing: 0,
      geoTarget: 'Camera',
      images: [],
    });
  });

  it.each([
    ['sample-new.json', 'NEW', 'UNKNOWN', 13044],
    ['sample-reliable.json', 'RELIABLE', 'IN', 13045],
    ['sample-lost.json', 'LOST', 'IN', 13047],
  ])('parses the %s variant of the same pass', (file, phase, direction, counter) => {
    const ev = parseFfEvent(fixture(file));
    expect(ev.phase).toBe(phase);
    expect(ev.direction).toBe(direction);
    expect(ev.packetCounter).toBe(counter);
    expect(ev.carId).toBe('1327');
  });

  it('ignores unknown fields', () => {
    const a = parseFfEvent(sample());
    const b = parseFfEvent({ ...sample(), brandNewField: { x: [1, 2] }, another: 'y' });
    expect(b).toEqual(a);
  });
});

describe('parseFfEvent: coercion', () => {
  it('prefers plateUTF8, then plateUnicode, plateText, plateASCII', () => {
    const base = { ...sample(), plateUTF8: 'U8', plateUnicode: 'UNI', plateText: 'TXT', plateASCII: 'ASC' };
    expect(parseFfEvent(base).plate).toBe('U8');
    expect(parseFfEvent({ ...base, plateUTF8: '' }).plate).toBe('UNI');
    expect(parseFfEvent({ ...base, plateUTF8: '', plateUnicode: ' ' }).plate).toBe('TXT');
    expect(parseFfEvent({ ...base, plateUTF8: '', plateUnicode: '', plateText: '' }).plate).toBe('ASC');
  });

  it('keeps non-ASCII plate letters (umlauts)', () => {
    const ev = parseFfEvent(fixture('sample-umlaut.json'));
    expect(ev.plate).toBe('MÜ AB 123');
    expect(ev.plateCountry).toBe('DEU');
    expect(ev.plateIso31662).toBe('DE-BY');
    expect(ev.plateListMode).toBe('allow');
    expect(ev.plateListDescription).toBe('Zufahrt {Tor 2} "Süd"');
    expect(ev.plateCoordinates).toEqual([1020, 700, 180, 44]);
    expect(ev.datetime?.offsetMinutes).toBe(60);
  });

  it('understands older firmware: carid, carstate, updated, unk, make, XX, 0-100 confidences', () => {
    const ev = parseFfEvent(fixture('sample-old-firmware.json'));
    expect(ev.carId).toBe('42');
    expect(ev.carState).toBe('updated');
    expect(ev.phase).toBe('UPDATE');
    expect(ev.direction).toBe('UNKNOWN');
    expect(ev.plateCountry).toBeNull();
    expect(ev.captureTimestamp).toBeNull();
    expect(ev.datetime?.text).toBe('20230310 111324000');
    expect(ev.sensorProviderId).toBeNull();
    expect(ev.vehicleInfo).toMatchObject({ make: 'MAN', model: 'TGX', confidenceMMR: 0.875, confidenceColor: 0.65 });
    expect(ev.cameraInfo?.serialNumber).toBe('00408C1234AB');
  });

  it('accepts the carId alias too', () => {
    const { carID: _drop, ...rest } = sample();
    expect(parseFfEvent({ ...rest, carId: 77 }).carId).toBe('77');
  });

  it.each([
    ['new', 'NEW'],
    ['NEW', 'NEW'],
    ['Reliable', 'RELIABLE'],
    ['update', 'UPDATE'],
    ['Updated', 'UPDATE'],
    ['LOST', 'LOST'],
  ])('maps carState %s to %s', (state, phase) => {
    const ev = parseFfEvent({ ...sample(), carState: state });
    expect(ev.phase).toBe(phase);
    expect(ev.carState).toBe(state.toLowerCase());
  });

  it.each([
    ['in', 'IN'],
    ['OUT', 'OUT'],
    ['unknown', 'UNKNOWN'],
    ['unk', 'UNKNOWN'],
    ['', 'UNKNOWN'],
    [undefined, 'UNKNOWN'],
  ])('maps carMoveDirection %s to %s', (dir, expected) => {
    expect(parseFfEvent({ ...sample(), carMoveDirection: dir }).direction).toBe(expected);
  });

  it('accepts numbers sent as JSON numbers', () => {
    const ev = parseFfEvent({
      ...sample(),
      packetCounter: 5,
      plateConfidence: 0.5,
      capture_timestamp: 1718373876372,
      carID: 1327,
      roiID: 2,
      geotag: { lat: '50.1', lon: '14.4' },
    });
    expect(ev).toMatchObject({ packetCounter: 5, plateConfidence: 0.5, captureTimestamp: 1718373876372 });
    expect(ev).toMatchObject({ carId: '1327', roiId: '2', geotag: { lat: 50.1, lon: 14.4 } });
  });

  it('treats empty strings as absent and allows a missing device id', () => {
    const { sensorProviderID: _s, ...rest } = sample();
    const ev = parseFfEvent({
      ...rest,
      plateRegion: '',
      plateConfidence: '',
      packetCounter: '',
      vehicle_info: '',
      camera_info: '',
      geotag: '',
      plateCoordinates: [],
      imagesURI: '',
      ImageArray: '',
    });
    expect(ev).toMatchObject({ sensorProviderId: null, plateRegion: null, plateConfidence: null });
    expect(ev).toMatchObject({ packetCounter: null, vehicleInfo: null, cameraInfo: null, geotag: null });
    expect(ev).toMatchObject({ plateCoordinates: null, imagesUri: [], images: [] });
  });

  it('treats capture_timestamp "0" as absent and falls back to datetime', () => {
    const ev = parseFfEvent({ ...sample(), capture_timestamp: '0' });
    expect(ev.captureTimestamp).toBeNull();
    expect(ev.datetime?.hour).toBe(16);
  });

  it('drops a malformed datetime when capture_timestamp is usable', () => {
    const ev = parseFfEvent({ ...sample(), datetime: '2024-06-14 16:04' });
    expect(ev.datetime).toBeNull();
    expect(ev.captureTimestamp).toBe(1718373876372);
  });
});

describe('parseFfEvent: ImageArray', () => {
  it('decodes base64 images and keeps type, format and position', () => {
    const ev = parseFfEvent(fixture('sample-image-array.json'));
    expect(ev.images).toHaveLength(2);
    expect(ev.images[0]).toMatchObject({ index: 0, imageType: 'vehicle', imageFormat: 'jpeg' });
    expect(Array.from(ev.images[0].data)).toEqual([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
    expect(ev.images[1]).toMatchObject({ index: 1, imageType: 'plate', imageFormat: 'png' });
    expect(Array.from(ev.images[1].data)).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it('accepts unpadded, wrapped and data-URI base64, and skips entries without bytes', () => {
    const ev = parseFfEvent({
      ...sample(),
      ImageArray: [
        { ImageType: 'plate', BinaryImage: '' },
        { ImageType: 'frame', BinaryImage: 'AQID\nBA' },
        { ImageType: 'frame', BinaryImage: 'data:image/jpeg;base64,/9j/' },
      ],
    });
    expect(ev.images.map((i) => i.index)).toEqual([1, 2]);
    expect(Array.from(ev.images[0].data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(ev.images[1].data)).toEqual([0xff, 0xd8, 0xff]);
  });

  it.each([
    ['not base64!', 'ImageArray[1].BinaryImage'],
    ['QUJD=A==', 'ImageArray[1].BinaryImage'],
    ['A', 'ImageArray[1].BinaryImage'],
    [42, 'ImageArray[1].BinaryImage'],
  ])('rejects BinaryImage %j naming %s', (bad, field) => {
    const input = { ...sample(), ImageArray: [{ BinaryImage: 'AQID' }, { BinaryImage: bad }] };
    const err = parseError(input);
    expect(err.details).toMatchObject({ field });
    expect(err.message.startsWith(`${field}:`)).toBe(true);
  });

  it('rejects an ImageArray that is not an array of objects', () => {
    expect(parseError({ ...sample(), ImageArray: { a: 1 } }).details).toMatchObject({ field: 'ImageArray' });
    expect(parseError({ ...sample(), ImageArray: ['x'] }).details).toMatchObject({ field: 'ImageArray[0]' });
  });
});

describe('parseFfEvent: errors name the field', () => {
  const without = (...keys: string[]) => {
    const o = sample();
    for (const k of keys) delete o[k];
    return o;
  };

  it.each([
    ['null', null, '(root)'],
    ['an array', [sample()], '(root)'],
    ['a string', '{"carID":"1"}', '(root)'],
    ['no plate at all', without('plateText', 'plateUTF8', 'plateUnicode', 'plateASCII'), 'plateText'],
    ['only empty plates', { ...sample(), plateText: '', plateUTF8: '', plateUnicode: '', plateASCII: '' }, 'plateText'],
    ['no carID', without('carID'), 'carID'],
    ['carID {}', { ...sample(), carID: {} }, 'carID'],
    ['no carState', without('carState'), 'carState'],
    ['unknown carState', { ...sample(), carState: 'parked' }, 'carState'],
    ['capture_timestamp "x"', { ...sample(), capture_timestamp: 'x' }, 'capture_timestamp'],
    ['capture_timestamp 1.5', { ...sample(), capture_timestamp: '1.5' }, 'capture_timestamp'],
    ['no time at all', without('capture_timestamp', 'datetime'), 'capture_timestamp'],
    ['only a bad datetime', { ...without('capture_timestamp'), datetime: 'yesterday' }, 'capture_timestamp'],
    ['capture_ts "abc"', { ...sample(), capture_ts: 'abc' }, 'capture_ts'],
    ['plateConfidence 1.5', { ...sample(), plateConfidence: '1.5' }, 'plateConfidence'],
    ['packetCounter -1', { ...sample(), packetCounter: '-1' }, 'packetCounter'],
    ['packetCounter 0x10', { ...sample(), packetCounter: '0x10' }, 'packetCounter'],
    ['plateCoordinates of 3', { ...sample(), plateCoordinates: [1, 2, 3] }, 'plateCoordinates'],
    ['plateCoordinates a string', { ...sample(), plateCoordinates: '1,2,3,4' }, 'plateCoordinates'],
    ['plateCoordinatesRelative non-numeric', { ...sample(), plateCoordinatesRelative: ['a', 1, 2, 3] }, 'plateCoordinatesRelative'],
    ['vehicle_info a string', { ...sample(), vehicle_info: 'CAR' }, 'vehicle_info'],
    ['vehicle_info an array', { ...sample(), vehicle_info: [] }, 'vehicle_info'],
    ['vehicle_info.confidenceMMR 250', { ...sample(), vehicle_info: { confidenceMMR: '250' } }, 'vehicle_info.confidenceMMR'],
    ['vehicle_info.make {}', { ...sample(), vehicle_info: { make: {} } }, 'vehicle_info.make'],
    ['camera_info a number', { ...sample(), camera_info: 5 }, 'camera_info'],
    ['geotag.lat "north"', { ...sample(), geotag: { lat: 'north', lon: 1 } }, 'geotag.lat'],
    ['imagesURI an object', { ...sample(), imagesURI: {} }, 'imagesURI'],
    ['imagesURI item a number', { ...sample(), imagesURI: ['/a', 3] }, 'imagesURI[1]'],
    ['plateCountry []', { ...sample(), plateCountry: [] }, 'plateCountry'],
    ['sensorProviderID true', { ...sample(), sensorProviderID: true }, 'sensorProviderID'],
  ])('%s -> names %s', (_label, input, field) => {
    const err = parseError(input);
    expect(err.details).toMatchObject({ field });
    expect(err.message.startsWith(`${field}`)).toBe(true);
  });

  it('writes the documented message shape', () => {
    expect(parseError({ ...sample(), plateConfidence: 'abc' }).message).toBe('plateConfidence: expected a number from 0 to 1, got "abc"');
    expect(parseError({ ...sample(), carID: {} }).message).toBe('carID: expected a string, got {}');
  });

  it('names both time fields when neither is usable', () => {
    const err = parseError(without('capture_timestamp', 'datetime'));
    expect(err.message).toContain('capture_timestamp');
    expect(err.message).toContain('datetime');
    expect(err.details).toMatchObject({ fields: ['capture_timestamp', 'datetime'] });
  });

  it('names the alias that carried a bad value', () => {
    const { carID: _c, ...rest } = sample();
    expect(parseError({ ...rest, carid: [1] }).details).toMatchObject({ field: 'carid' });
  });
});

describe('parseFfDatetime', () => {
  it.each([
    ['20240614 160436372', [2024, 6, 14, 16, 4, 36, 372], null],
    ['20240614 160436372+0200', [2024, 6, 14, 16, 4, 36, 372], 120],
    ['20240614 160436372 -0530', [2024, 6, 14, 16, 4, 36, 372], -330],
    ['20240614 160436372+02:00', [2024, 6, 14, 16, 4, 36, 372], 120],
    ['20240614 160436372Z', [2024, 6, 14, 16, 4, 36, 372], 0],
    ['20240229 235959', [2024, 2, 29, 23, 59, 59, 0], null],
  ])('parses %s', (text, parts, offset) => {
    const dt = parseFfDatetime(text);
    expect(dt).not.toBeNull();
    const { year, month, day, hour, minute, second, millisecond } = dt!;
    expect([year, month, day, hour, minute, second, millisecond]).toEqual(parts);
    expect(dt!.offsetMinutes).toBe(offset);
  });

  it.each(['', '2024-06-14T16:04:36Z', '20241314 160436372', '20230229 120000000', '20240614 246036372', '20240614 160436372+2500'])('rejects %j', (text) => {
    expect(parseFfDatetime(text)).toBeNull();
  });
});

describe('parseFfEvent: field length limits', () => {
  it.each([
    ['plateText', { plateText: 'A'.repeat(65) }],
    ['carID', { carID: '9'.repeat(129) }],
    ['sensorProviderID', { sensorProviderID: 'D'.repeat(129) }],
    ['plateRegion', { plateRegion: 'R'.repeat(65) }],
    ['plateListDescription', { plateListDescription: 'd'.repeat(257) }],
    ['camera_info.SerialNumber', { camera_info: { SerialNumber: 'S'.repeat(129) } }],
    ['imagesURI[0]', { imagesURI: ['u'.repeat(2049)] }],
    ['ImageArray', { ImageArray: Array(17).fill({ ImageType: 'plate', BinaryImage: '' }) }],
  ])('%s over its limit → BAD_USER_INPUT with details.field', (field, patch) => {
    expect(parseError({ ...sample(), ...patch }).details?.field).toBe(field);
  });

  it('at the limits it parses', () => {
    const ev = parseFfEvent({ ...sample(), plateUTF8: 'A'.repeat(64), carID: '9'.repeat(128), plateListDescription: 'd'.repeat(256) });
    expect([ev.plate.length, ev.carId.length, ev.plateListDescription?.length]).toEqual([64, 128, 256]);
  });
});
