/**
 * FF-Events (CAMMRA / AXIS License Plate Verifier) payload parser: one decoded JSON object as the
 * camera sends it -> a typed, coerced FfEvent. Pure; throws badInput naming the offending field.
 * Every scalar may arrive as a string (numbers too); empty strings mean "absent".
 */
import { badInput } from '../../sdk.ts';
import type { Direction, PlatePhase } from '../../sdk.ts';

/** `datetime` split into parts; `offsetMinutes` is the explicit ±HHMM offset (east of UTC), if any. */
export interface FfDatetime {
  text: string;
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  offsetMinutes: number | null;
}

/** `[left, top, width, height]`. */
export type FfBox = [number, number, number, number];

export interface FfVehicleInfo {
  type: string | null;
  color: string | null;
  view: string | null;
  /** `brand`, or `make` on older firmware. */
  make: string | null;
  model: string | null;
  /** Normalised to 0–1: values above 1 are read as percent (some firmwares send 0–100). */
  confidenceMMR: number | null;
  confidenceColor: number | null;
}

export interface FfCameraInfo {
  serialNumber: string | null;
  prodShortName: string | null;
  macAddress: string | null;
  ipAddress: string | null;
}

/** One decoded `ImageArray` entry; `index` is its position in the array as sent. */
export interface FfImage {
  index: number;
  imageType: string | null;
  imageFormat: string | null;
  data: Uint8Array<ArrayBuffer>;
}

export interface FfEvent {
  carId: string;
  /** `carState` lower-cased as sent (`update`, `updated`, ...). */
  carState: string;
  phase: PlatePhase;
  direction: Direction;
  /** Best plate text: plateUTF8, plateUnicode, plateText, then plateASCII. */
  plate: string;
  /** Epoch ms, UTC (`capture_timestamp`); null when absent or "0". */
  captureTimestamp: number | null;
  /** Epoch ns (`capture_ts`). */
  captureTsNs: bigint | null;
  /** Null when absent, or malformed while capture_timestamp is usable. */
  datetime: FfDatetime | null;
  packetCounter: number | null;
  plateCountry: string | null;
  plateRegion: string | null;
  plateRegionCode: string | null;
  plateIso31662: string | null;
  plateList: string | null;
  plateListMode: string | null;
  plateListDescription: string | null;
  plateConfidence: number | null;
  roiId: string | null;
  sensorProviderId: string | null;
  profileId: string | null;
  geotag: { lat: number; lon: number } | null;
  imageType: string | null;
  plateImageType: string | null;
  plateCoordinates: FfBox | null;
  plateCoordinatesRelative: FfBox | null;
  imagesUri: string[];
  imageFile: string | null;
  imageFile2: string | null;
  vehicleInfo: FfVehicleInfo | null;
  cameraInfo: FfCameraInfo | null;
  timeProcessing: number | null;
  geoTarget: string | null;
  images: FfImage[];
}

type Obj = Record<string, unknown>;

/**
 * Longest accepted text of each kind of field, in characters (after trimming). Longer values are
 * refused with BAD_USER_INPUT naming the field (details.field), before anything is stored: a
 * 12,000-character plate or carID cannot reach the database's indexes.
 */
export const FF_FIELD_LIMITS = {
  /** plateUTF8 / plateUnicode / plateText / plateASCII. */
  plate: 64,
  /** carID, sensorProviderID, roiID, profileID, camera_info.SerialNumber. */
  id: 128,
  /** carState, directions, countries and regions, types and formats, vehicle_info fields, datetime, camera_info names and addresses. */
  short: 64,
  /** plateList, plateListDescription, imageFile, imageFile2, GEOtarget. */
  text: 256,
  /** One imagesURI entry. */
  uri: 2048,
  /** Entries of imagesURI and of ImageArray. */
  list: 16,
} as const;
const L = FF_FIELD_LIMITS;

/**
 * Keys of a top-level FF object (those this parser reads and the documented others). None is a key
 * of FF's nested objects (vehicle_info, camera_info, geotag, ImageArray entries), so an object
 * starting with one of them is a new event (the TCP framer resynchronises on it, framer.ts).
 */
export const FF_TOP_LEVEL_KEYS: ReadonlySet<string> = new Set([
  'packetCounter',
  'datetime',
  'plateText',
  'plateUnicode',
  'plateUTF8',
  'plateASCII',
  'plateCountry',
  'plateRegion',
  'plateRegionCode',
  'plateISO3166-2',
  'plateConfidence',
  'carState',
  'carstate',
  'roiID',
  'geotag',
  'imageType',
  'plateImageType',
  'plateCoordinates',
  'plateCoordinatesRelative',
  'carID',
  'carid',
  'carId',
  'GEOtarget',
  'imagesURI',
  'imageFile',
  'imageFile2',
  'camera_info',
  'sensorProviderID',
  'capture_timestamp',
  'capture_ts',
  'plateList',
  'plateListMode',
  'plateListDescription',
  'carMoveDirection',
  'timeProcessing',
  'profileID',
  'vehicle_info',
  'ImageArray',
]);

const PHASES: Record<string, PlatePhase> = { new: 'NEW', reliable: 'RELIABLE', update: 'UPDATE', updated: 'UPDATE', lost: 'LOST' };
const DIRECTIONS: Record<string, Direction> = { in: 'IN', out: 'OUT', unknown: 'UNKNOWN', unk: 'UNKNOWN' };
const PLATE_KEYS = ['plateUTF8', 'plateUnicode', 'plateText', 'plateASCII'] as const;
const NUMBER_RE = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const DIGITS_RE = /^\d+$/;
const DATETIME_RE = /^(\d{4})(\d{2})(\d{2})[ T]?(\d{2})(\d{2})(\d{2})(\d{3})?\s*(?:([+-])(\d{2}):?(\d{2})|Z)?$/;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isAbsent = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

function show(v: unknown): string {
  let s: string | undefined;
  try {
    s = JSON.stringify(v);
  } catch {
    s = undefined;
  }
  s ??= String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function fail(field: string, expected: string, got: unknown): never {
  throw badInput(`${field}: expected ${expected}, got ${show(got)}`, { field });
}

/** First key of `keys` whose value is not absent (else the first key), with its value. */
function pick(o: Obj, keys: readonly string[]): [string, unknown] {
  for (const k of keys) if (!isAbsent(o[k])) return [k, o[k]];
  return [keys[0], undefined];
}

/** A trimmed string (numbers accepted) of at most `max` characters; absent or empty -> null. */
function str(v: unknown, field: string, max: number): string | null {
  if (isAbsent(v)) return null;
  let s: string;
  if (typeof v === 'string') s = v.includes('\u0000') ? fail(field, 'a string without NUL characters', v) : v.trim();
  else if (typeof v === 'number' && Number.isFinite(v)) s = String(v);
  else return fail(field, 'a string', v);
  if (s.length > max) throw badInput(`${field}: expected at most ${max} characters, got ${s.length}`, { field, maxLength: max });
  return s;
}

/** A finite number (JSON number or decimal string) within the optional bounds; absent -> null. */
function num(v: unknown, field: string, o: { min?: number; max?: number; int?: boolean } = {}): number | null {
  if (isAbsent(v)) return null;
  let n = Number.NaN;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && NUMBER_RE.test(v.trim())) n = Number(v.trim());
  const ok = Number.isFinite(n) && (!o.int || Number.isSafeInteger(n)) && (o.min === undefined || n >= o.min) && (o.max === undefined || n <= o.max);
  if (ok) return n;
  const kind = o.int ? 'an integer' : 'a number';
  let expected = kind;
  if (o.min !== undefined && o.max !== undefined) expected = `${kind} from ${o.min} to ${o.max}`;
  else if (o.int && o.min === 0) expected = 'a non-negative integer';
  else if (o.min !== undefined) expected = `${kind} >= ${o.min}`;
  return fail(field, expected, v);
}

function box(v: unknown, field: string): FfBox | null {
  if (isAbsent(v) || (Array.isArray(v) && v.length === 0)) return null;
  if (!Array.isArray(v) || v.length !== 4) return fail(field, 'an array of 4 numbers', v);
  const out = v.map((x) => (typeof x === 'string' || typeof x === 'number' ? num(x, field) : null));
  if (out.some((x) => x === null)) return fail(field, 'an array of 4 numbers', v);
  return out as FfBox;
}

function obj(v: unknown, field: string): Obj | null {
  if (isAbsent(v)) return null;
  return isObj(v) ? v : fail(field, 'an object', v);
}

/** Parse `YYYYMMDD HHMMSSFFF[±HHMM]` (also `±HH:MM`, `Z`); null when malformed or out of range. */
export function parseFfDatetime(text: string): FfDatetime | null {
  const t = text.trim();
  const m = DATETIME_RE.exec(t);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const millisecond = m[7] ? Number(m[7]) : 0;
  const offH = m[9] ? Number(m[9]) : 0;
  const offM = m[10] ? Number(m[10]) : 0;
  if (hour > 23 || minute > 59 || second > 59 || offH > 14 || offM > 59) return null;
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  const offsetMinutes = m[8] ? (m[8] === '-' ? -1 : 1) * (offH * 60 + offM) : t.endsWith('Z') ? 0 : null;
  return { text: t, year, month, day, hour, minute, second, millisecond, offsetMinutes };
}

function decodeBase64(v: unknown, field: string): Uint8Array<ArrayBuffer> | null {
  if (isAbsent(v)) return null;
  if (typeof v !== 'string') return fail(field, 'a base64 string', v);
  let s = v.trim().replace(/^data:[^,]*;base64,/i, '');
  if (/\s/.test(s)) s = s.replace(/\s+/g, '');
  const valid = (/^[A-Za-z0-9+/]*={0,2}$/.test(s) || /^[A-Za-z0-9\-_]*={0,2}$/.test(s)) && s.replace(/=+$/, '').length % 4 !== 1 && (!s.includes('=') || s.length % 4 === 0);
  const bytes = valid ? Buffer.from(s, 'base64') : null;
  if (!bytes || bytes.length === 0) return fail(field, 'valid base64 image bytes', `${s.slice(0, 20)}…`);
  return bytes;
}

function parseImages(v: unknown): FfImage[] {
  if (isAbsent(v)) return [];
  if (!Array.isArray(v)) return fail('ImageArray', 'an array', v);
  if (v.length > L.list) throw badInput(`ImageArray: expected at most ${L.list} entries, got ${v.length}`, { field: 'ImageArray' });
  const images: FfImage[] = [];
  v.forEach((entry, index) => {
    const f = `ImageArray[${index}]`;
    if (!isObj(entry)) fail(f, 'an object', entry);
    const data = decodeBase64(entry.BinaryImage, `${f}.BinaryImage`);
    if (!data) return;
    const imageType = str(entry.ImageType, `${f}.ImageType`, L.short);
    images.push({ index, imageType, imageFormat: str(entry.ImageFormat, `${f}.ImageFormat`, L.short), data });
  });
  return images;
}

function parseVehicle(v: unknown): FfVehicleInfo | null {
  const o = obj(v, 'vehicle_info');
  if (!o) return null;
  const f = (k: string) => `vehicle_info.${k}`;
  const pct = (k: string) => {
    const n = num(o[k], f(k), { min: 0, max: 100 });
    return n !== null && n > 1 ? n / 100 : n;
  };
  const [makeKey, make] = pick(o, ['brand', 'make']);
  return {
    type: str(o.type, f('type'), L.short),
    color: str(o.color, f('color'), L.short),
    view: str(o.view, f('view'), L.short),
    make: str(make, f(makeKey), L.short),
    model: str(o.model, f('model'), L.short),
    confidenceMMR: pct('confidenceMMR'),
    confidenceColor: pct('confidenceColor'),
  };
}

function parseCamera(v: unknown): FfCameraInfo | null {
  const o = obj(v, 'camera_info');
  if (!o) return null;
  return {
    serialNumber: str(o.SerialNumber, 'camera_info.SerialNumber', L.id),
    prodShortName: str(o.ProdShortName, 'camera_info.ProdShortName', L.short),
    macAddress: str(o.MACAddress, 'camera_info.MACAddress', L.short),
    ipAddress: str(o.IPAddress, 'camera_info.IPAddress', L.short),
  };
}

function parseGeotag(v: unknown): { lat: number; lon: number } | null {
  const o = obj(v, 'geotag');
  if (!o) return null;
  const lat = num(o.lat, 'geotag.lat', { min: -90, max: 90 });
  const lon = num(o.lon, 'geotag.lon', { min: -180, max: 180 });
  return lat === null || lon === null ? null : { lat, lon };
}

function parseUris(v: unknown): string[] {
  if (isAbsent(v)) return [];
  if (typeof v === 'string') return [str(v, 'imagesURI', L.uri) ?? ''];
  if (!Array.isArray(v)) return fail('imagesURI', 'an array of strings', v);
  if (v.length > L.list) throw badInput(`imagesURI: expected at most ${L.list} entries, got ${v.length}`, { field: 'imagesURI' });
  return v.map((u, i) => (typeof u === 'string' ? (str(u, `imagesURI[${i}]`, L.uri) ?? '') : fail(`imagesURI[${i}]`, 'a string', u)));
}

/** Turn one decoded FF JSON object into an FfEvent; throws badInput (details.field) on bad input. */
export function parseFfEvent(input: unknown): FfEvent {
  if (!isObj(input)) return fail('(root)', 'a JSON object', input);
  const o = input;

  const plate = PLATE_KEYS.map((k) => str(o[k], k, L.plate)).find((p) => p !== null) ?? null;
  if (plate === null) {
    throw badInput(`plateText: required, none of ${PLATE_KEYS.join(', ')} is set`, { field: 'plateText' });
  }

  const [carKey, carRaw] = pick(o, ['carID', 'carid', 'carId']);
  const carId = str(carRaw, carKey, L.id);
  if (carId === null) throw badInput('carID: required (also accepted: carid, carId)', { field: 'carID' });

  const [stateKey, stateRaw] = pick(o, ['carState', 'carstate']);
  const carState = str(stateRaw, stateKey, L.short)?.toLowerCase() ?? null;
  const expectedStates = 'one of new, reliable, update, updated, lost';
  if (carState === null) throw badInput(`carState: required, ${expectedStates}`, { field: 'carState' });
  const phase = PHASES[carState] ?? fail('carState', expectedStates, stateRaw);

  const dirText = str(o.carMoveDirection, 'carMoveDirection', L.short)?.toLowerCase() ?? '';
  const direction = DIRECTIONS[dirText] ?? 'UNKNOWN';

  const ts = num(o.capture_timestamp, 'capture_timestamp', { int: true, min: 0, max: 8.64e15 });
  const captureTimestamp = ts === 0 ? null : ts;
  const tsNsText = str(o.capture_ts, 'capture_ts', L.short);
  if (tsNsText !== null && !DIGITS_RE.test(tsNsText)) fail('capture_ts', 'epoch nanoseconds', o.capture_ts);
  const dtText = str(o.datetime, 'datetime', L.short);
  const datetime = dtText === null ? null : parseFfDatetime(dtText);
  if (captureTimestamp === null && datetime === null) {
    const got = dtText === null ? 'neither' : `datetime ${show(dtText)}`;
    throw badInput(`capture_timestamp or datetime: expected epoch ms or "YYYYMMDD HHMMSSFFF[±HHMM]", got ${got}`, { field: 'capture_timestamp', fields: ['capture_timestamp', 'datetime'] });
  }

  const country = str(o.plateCountry, 'plateCountry', L.short);
  return {
    carId,
    carState,
    phase,
    direction,
    plate,
    captureTimestamp,
    captureTsNs: tsNsText === null ? null : BigInt(tsNsText),
    datetime,
    packetCounter: num(o.packetCounter, 'packetCounter', { int: true, min: 0 }),
    plateCountry: country === null || country.toUpperCase() === 'XX' ? null : country,
    plateRegion: str(o.plateRegion, 'plateRegion', L.short),
    plateRegionCode: str(o.plateRegionCode, 'plateRegionCode', L.short),
    plateIso31662: str(o['plateISO3166-2'], 'plateISO3166-2', L.short),
    plateList: str(o.plateList, 'plateList', L.text),
    plateListMode: str(o.plateListMode, 'plateListMode', L.short),
    plateListDescription: str(o.plateListDescription, 'plateListDescription', L.text),
    plateConfidence: num(o.plateConfidence, 'plateConfidence', { min: 0, max: 1 }),
    roiId: str(o.roiID, 'roiID', L.id),
    sensorProviderId: str(o.sensorProviderID, 'sensorProviderID', L.id),
    profileId: str(o.profileID, 'profileID', L.id),
    geotag: parseGeotag(o.geotag),
    imageType: str(o.imageType, 'imageType', L.short),
    plateImageType: str(o.plateImageType, 'plateImageType', L.short),
    plateCoordinates: box(o.plateCoordinates, 'plateCoordinates'),
    plateCoordinatesRelative: box(o.plateCoordinatesRelative, 'plateCoordinatesRelative'),
    imagesUri: parseUris(o.imagesURI),
    imageFile: str(o.imageFile, 'imageFile', L.text),
    imageFile2: str(o.imageFile2, 'imageFile2', L.text),
    vehicleInfo: parseVehicle(o.vehicle_info),
    cameraInfo: parseCamera(o.camera_info),
    timeProcessing: num(o.timeProcessing, 'timeProcessing', { min: 0 }),
    geoTarget: str(o.GEOtarget, 'GEOtarget', L.text),
    images: parseImages(o.ImageArray),
  };
}
