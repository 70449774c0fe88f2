/**
 * FfEvent -> unified EventInput (typeName FfPlateEvent, kind PLATE_READ) plus the embedded images
 * with their media roles. Pure: the dedupe key is a sha256 of stable event fields.
 */
import { hash } from 'node:crypto';
import { normalizePlate } from '../../sdk.ts';
import type { EventInput, MediaInput, MediaRole, PlateRead } from '../../sdk.ts';
import type { FfEvent, FfImage } from './parse.ts';
import { ffOccurredAt } from './time.ts';

export const FF_TYPE_NAME = 'FfPlateEvent';

export interface FfMapOptions {
  /** IANA zone of the camera clock, for `datetime` without offset; or the zone of a Device ID (ffTimeZoneOf). */
  timeZone: string | ((deviceId: string) => string);
}

export interface FfMapped {
  /** The event without media: the caller stores `images` and attaches them. */
  input: Omit<EventInput, 'media'>;
  images: MediaInput[];
}

const ROLE_BY_TYPE: Record<string, MediaRole> = {
  plate: 'PLATE_CROP',
  lp: 'PLATE_CROP',
  platecrop: 'PLATE_CROP',
  licenseplate: 'PLATE_CROP',
  vehicle: 'VEHICLE',
  vehiclecrop: 'VEHICLE',
  roi: 'VEHICLE',
  mmrcrop: 'VEHICLE',
  frame: 'FRAME',
  fullframe: 'FRAME',
  downsizedframe: 'FRAME',
};

const CONTENT_TYPES: Record<string, string> = {
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  png: 'image/png',
  bmp: 'image/bmp',
  webp: 'image/webp',
};

/** Media role for an FF image type (`plate`, `lp`, `vehicle`, `roi`, `mmrcrop`, `frame`, ...). */
export function ffRoleFromImageType(imageType: string | null | undefined): MediaRole | null {
  if (!imageType) return null;
  return ROLE_BY_TYPE[imageType.toLowerCase().replace(/[^a-z]/g, '')] ?? null;
}

/** Media role guessed from a file name as FF's receiver does: `lp`/`plate`, `roi`/`vehicle`. */
export function ffRoleFromFilename(name: string): MediaRole | null {
  // FF names files `<time>_<n>lp_<PLATE>_<counter>.jpg` / `<n>roi_`: the marker follows digits.
  // Check it first, because the plate in the name may itself contain "LP" or "ROI".
  const marker = /\d(lp|roi)_/i.exec(name);
  if (marker) return marker[1].toLowerCase() === 'lp' ? 'PLATE_CROP' : 'VEHICLE';
  const tokens = name.toLowerCase().split(/[^a-z]+/);
  if (tokens.some((t) => t === 'lp' || t === 'plate')) return 'PLATE_CROP';
  if (tokens.some((t) => t === 'roi' || t === 'vehicle' || t === 'mmrcrop')) return 'VEHICLE';
  if (tokens.includes('frame')) return 'FRAME';
  return null;
}

/**
 * Roles for the embedded images, in order. A known `ImageType` wins; with exactly two images the
 * second is the plate crop and the first the profile's configured `imageType` (protocol rule);
 * anything else unknown is a SNAPSHOT.
 */
export function ffImageRoles(ev: Pick<FfEvent, 'imageType'>, images: readonly FfImage[]): MediaRole[] {
  return images.map((img, i) => {
    const known = ffRoleFromImageType(img.imageType);
    if (known) return known;
    if (images.length === 2 && i === 1) return 'PLATE_CROP';
    if (images.length <= 2) return ffRoleFromImageType(ev.imageType) ?? 'SNAPSHOT';
    return 'SNAPSHOT';
  });
}

/** The device id events are attributed to: sensorProviderID, else the serial number. */
export function ffDeviceId(ev: Pick<FfEvent, 'sensorProviderId' | 'cameraInfo'>): string {
  return (ev.sensorProviderId ?? ev.cameraInfo?.serialNumber ?? 'unknown').slice(0, 200);
}

/**
 * Dedupe key: sha256 hex of `ff1|device|carID|phase|time|plateNormalized|direction|roiID`, where
 * time is `capture_timestamp` (epoch ms) or else `dt:` + the datetime text. packetCounter is left
 * out on purpose: it restarts at 1 after reconnects, while buffered re-sends repeat everything else.
 */
export function ffDedupeKey(ev: FfEvent): string {
  const time = ev.captureTimestamp !== null ? String(ev.captureTimestamp) : `dt:${ev.datetime?.text ?? ''}`;
  const parts = ['ff1', ffDeviceId(ev), ev.carId, ev.phase, time, normalizePlate(ev.plate), ev.direction, ev.roiId ?? ''];
  return hash('sha256', parts.join('|'), 'hex'); // one-shot: no Hash object per event
}

/**
 * The raw payload with each `ImageArray[i].BinaryImage` replaced by a size note: a copy when
 * there are images to strip, else the payload itself (never modified here or downstream).
 */
export function stripFfImages(raw: Record<string, unknown>): Record<string, unknown> {
  const arr = raw.ImageArray;
  if (!Array.isArray(arr)) return raw;
  const ImageArray = arr.map((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null || !('BinaryImage' in entry)) return entry;
    const e = entry as Record<string, unknown>;
    const b = e.BinaryImage;
    const size = typeof b === 'string' ? Buffer.byteLength(b.replace(/^data:[^,]*;base64,/i, ''), 'base64') : 0;
    return { ...e, BinaryImage: `<removed: ${size} bytes>` };
  });
  return { ...raw, ImageArray };
}

function contentTypeOf(format: string | null): string | undefined {
  return format ? CONTENT_TYPES[format.toLowerCase().replace(/^image\//, '')] : undefined;
}

/** Map one parsed FF event (and its raw JSON) to an EventInput without media, plus its images. */
export function mapFfEvent(ev: FfEvent, raw: Record<string, unknown>, opts: FfMapOptions): FfMapped {
  const device = ffDeviceId(ev);
  const vi = ev.vehicleInfo;
  const ci = ev.cameraInfo;
  const plate: PlateRead = {
    plate: ev.plate,
    plateNormalized: normalizePlate(ev.plate),
    country: ev.plateCountry,
    region: ev.plateRegion,
    confidence: ev.plateConfidence,
    direction: ev.direction,
    phase: ev.phase,
    trackId: `${device}:${ev.carId}`,
    vehicle: vi ? { type: vi.type, color: vi.color, make: vi.make, model: vi.model } : null,
  };
  const data: Record<string, unknown> = {
    deviceId: device,
    carId: ev.carId,
    roiId: ev.roiId,
    packetCounter: ev.packetCounter,
    plateList: ev.plateList,
    plateListMode: ev.plateListMode,
    plateListDescription: ev.plateListDescription,
    plateCoordinates: ev.plateCoordinates,
    plateCoordinatesRelative: ev.plateCoordinatesRelative,
    plateRegionCode: ev.plateRegionCode,
    plateIso31662: ev.plateIso31662,
    geotag: ev.geotag,
    geoTarget: ev.geoTarget,
    vehicleView: vi?.view ?? null,
    mmrConfidence: vi?.confidenceMMR ?? null,
    colorConfidence: vi?.confidenceColor ?? null,
    deviceSerial: ci?.serialNumber ?? null,
    deviceModel: ci?.prodShortName ?? null,
    profileId: ev.profileId,
    imagesUri: ev.imagesUri,
    localDatetime: ev.datetime?.text ?? null,
  };
  // Operators know a camera by its push profile's Device ID; the model is the same for many.
  const name = (ci?.prodShortName && ci.prodShortName !== device ? `${device} (${ci.prodShortName})` : device).slice(0, 200);
  const roles = ffImageRoles(ev, ev.images);
  return {
    input: {
      typeName: FF_TYPE_NAME,
      kind: 'PLATE_READ',
      vendorType: ev.carState,
      occurredAt: ffOccurredAt(ev, typeof opts.timeZone === 'string' ? opts.timeZone : opts.timeZone(device)),
      dedupeKey: ffDedupeKey(ev),
      camera: { vendorId: device, name },
      plate,
      data,
      raw: stripFfImages(raw),
    },
    images: ev.images.map((img, i) => {
      const contentType = contentTypeOf(img.imageFormat);
      return contentType ? { role: roles[i], data: img.data, contentType } : { role: roles[i], data: img.data };
    }),
  };
}
