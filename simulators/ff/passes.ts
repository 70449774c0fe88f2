/**
 * Deterministic generator of vehicle passes as a CAMMRA / AXIS License Plate Verifier camera
 * reports them (FF-Events protocol 1.6): New → Update+ → Reliable → Lost, every scalar a string.
 * Transport-specific fields (`packetCounter`, `profileID`) are stamped by the sender: see stampEvent.
 */
import { createRng, type Rng } from '../kit/rng.ts';

const dtfCache = new Map<string, Intl.DateTimeFormat>();

/** Camera-local `YYYYMMDD HHMMSSFFF` (optionally `±HHMM`) for a UTC epoch-ms instant. */
export function formatCameraDatetime(ms: number, timeZone: string, withOffset = false): string {
  let dtf = dtfCache.get(timeZone);
  if (!dtf) {
    dtf = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    dtfCache.set(timeZone, dtf);
  }
  const f = Object.fromEntries(dtf.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const msPart = String(((ms % 1000) + 1000) % 1000).padStart(3, '0');
  let out = `${f.year}${f.month}${f.day} ${f.hour}${f.minute}${f.second}${msPart}`;
  if (withOffset) {
    const localAsUtc = Date.UTC(+f.year, +f.month - 1, +f.day, +f.hour, +f.minute, +f.second);
    const offMin = Math.round((localAsUtc - (ms - (((ms % 1000) + 1000) % 1000))) / 60000);
    const abs = Math.abs(offMin);
    out += `${offMin < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
  }
  return out;
}

/** A plate as the camera reads it when the read is correct. */
export interface PlateSpec {
  text: string; // as printed, may contain spaces, dashes, umlauts
  ascii: string;
  country: string; // ISO alpha-3, XX when unknown
  region: string;
  regionCode: string;
  iso31662: string;
}

const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';
const MISREADS: Record<string, string> = { B: '8', '8': 'B', D: '0', '0': 'D', S: '5', '5': 'S', Z: '2', '2': 'Z', Ü: 'U', Ö: 'O', Ł: 'L', '1': 'I' };

function toAscii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/Ł/g, 'L')
    .replace(/ß/g, 'SS');
}

const spec = (text: string, country: string, region = '', regionCode = '', iso31662 = ''): PlateSpec => ({ text, ascii: toAscii(text), country, region, regionCode, iso31662 });
const L = (r: Rng, n: number): string => Array.from({ length: n }, () => r.pick([...LETTERS])).join('');
const D = (r: Rng, n: number): string => Array.from({ length: n }, () => String(r.int(0, 9))).join('');

const PLATE_FORMATS: Array<(r: Rng) => PlateSpec> = [
  (r) => {
    const [region, code, iso] = r.pick([
      ['Praha', 'A', 'CZ-10'],
      ['Jihomoravský kraj', 'B', 'CZ-64'],
      ['Středočeský kraj', 'S', 'CZ-20'],
      ['Plzeňský kraj', 'P', 'CZ-32'],
    ]);
    return spec(`${r.int(1, 9)}${code}${L(r, 1)}${r.chance(0.2) ? ' ' : ''}${D(r, 4)}`, 'CZE', region, code, r.chance(0.5) ? iso : '');
  },
  (r) => {
    const [district, region, code, iso] = r.pick([
      ['MÜ', 'Bayern', 'BY', 'DE-BY'],
      ['FÜ', 'Bayern', 'BY', 'DE-BY'],
      ['LÖ', 'Baden-Württemberg', 'BW', 'DE-BW'],
      ['TÜ', 'Baden-Württemberg', 'BW', 'DE-BW'],
      ['M', 'Bayern', 'BY', 'DE-BY'],
      ['B', 'Berlin', 'BE', 'DE-BE'],
      ['HH', 'Hamburg', 'HH', 'DE-HH'],
    ]);
    return spec(`${district}${r.chance(0.7) ? ' ' : '-'}${L(r, r.int(1, 2))} ${r.int(1, 9999)}`, 'DEU', region, code, iso);
  },
  (r) => {
    const [prefix, region, code, iso] = r.pick([
      ['WA', 'Mazowieckie', 'W', 'PL-14'],
      ['KR', 'Małopolskie', 'K', 'PL-12'],
    ]);
    return spec(`${prefix} ${D(r, 3)}${L(r, 2)}`, 'POL', region, code, iso);
  },
  (r) => {
    const [prefix, region, iso] = r.pick([
      ['BA', 'Bratislavský kraj', 'SK-BL'],
      ['KE', 'Košický kraj', 'SK-KI'],
    ]);
    return spec(`${prefix}-${D(r, 3)}${L(r, 2)}`, 'SVK', region, prefix, iso);
  },
  (r) => spec(`${L(r, 2)}-${D(r, 3)}-${L(r, 2)}`, 'FRA'),
  (r) => spec(`${L(r, 1)}${D(r, 2)}${L(r, 2)}${D(r, 1)}`, 'XX'),
];

const VEHICLES = [
  { type: 'CAR', brand: 'Skoda', model: 'Rapid/Scala' },
  { type: 'CAR', brand: 'Skoda', model: 'Octavia' },
  { type: 'CAR', brand: 'Volkswagen', model: 'Golf' },
  { type: 'CAR', brand: 'Renault', model: 'Clio' },
  { type: 'SUV', brand: 'Hyundai', model: 'Tucson' },
  { type: 'SUV', brand: 'BMW', model: 'X5' },
  { type: 'TRUCK', brand: 'MAN', model: 'TGX' },
  { type: 'TRUCK', brand: 'Volvo', model: 'FH' },
  { type: 'BUS', brand: 'Mercedes-Benz', model: 'Citaro' },
  { type: 'PICKUP', brand: 'Toyota', model: 'Hilux' },
  { type: 'PICKUP', brand: 'Ford', model: 'Ranger' },
] as const;
const COLORS = ['GRAY', 'WHITE', 'BLACK', 'SILVER', 'BLUE', 'RED', 'GREEN', 'YELLOW', 'BROWN'];

export type CarState = 'new' | 'update' | 'reliable' | 'lost';
export type FfJson = Record<string, unknown>;

/** One image the camera stored for a pass (names follow the documented sample). */
export interface ImageRef {
  kind: 'vehicle' | 'plate';
  fileName: string; // e.g. 20240614160436_464953lp_1AB1234_13046.jpg
  path: string; // localdata/images/9/<fileName>
  uri: string; // /local/fflprapp/tools.cgi?action=getImage&name=9/<fileName>
}

export interface PassEvent {
  carState: CarState;
  /** Milliseconds after the pass started when the camera sends this event. */
  offsetMs: number;
  /** UTC epoch ms written to capture_timestamp. */
  captureMs: number;
  /** The event JSON; `packetCounter` is "" until a transport stamps it. */
  json: FfJson;
  /** First image (configured type, a vehicle crop here) and the plate crop. */
  images: { first: ImageRef; plate: ImageRef };
}

export interface VehiclePass {
  carID: string;
  startMs: number;
  plate: PlateSpec;
  events: PassEvent[];
}

export interface CameraInfo {
  SerialNumber: string;
  ProdShortName: string;
  MACAddress: string;
  IPAddress?: string;
}

export interface PassGeneratorOptions {
  /** Device ID of the push profile; arrives as `sensorProviderID`. */
  deviceId: string;
  seed?: number | string;
  /** Camera-local IANA zone used for `datetime` (default Europe/Prague). */
  timeZone?: string;
  /** Append ±HHMM to `datetime` (some firmwares). Default false. */
  datetimeWithOffset?: boolean;
  /** Key for the make in vehicle_info: `brand` (default) or `make` (some firmwares). */
  brandKey?: 'brand' | 'make';
  /** confidenceMMR scale: 0–1 (default) or 0–100 (some firmwares). */
  mmrConfidenceScale?: 1 | 100;
  /** Direction before it is known: `unknown` (default) or the older `unk`. */
  unknownDirection?: 'unknown' | 'unk';
  /** Time from the last sighting to LOST (default 10 000 ms, older firmware 5 000). */
  lostAfterMs?: number;
  /** Probability that an event carries an undocumented extra field (default 0.15). */
  extraFieldRate?: number;
  /** First carID (default: random 1000–1999). */
  firstCarID?: number;
  /**
   * Regular vehicles (staff, residents): the share of passes (0–1) that are one of these plates
   * (as printed, e.g. "1AB 2345"), picked at random; the rest are random plates. Default none.
   */
  regulars?: { plates: readonly string[]; share: number };
  camera?: Partial<CameraInfo>;
  geotag?: { lat: number; lon: number };
}

const PRODUCTS = ['AXIS Q1805-LE', 'AXIS P1465-LE-3', 'AXIS Q1700-LE', 'AXIS P1455-LE', 'CAMMRA AI'];
const EXTRA_FIELDS: Array<(rng: Rng) => FfJson> = [
  (r) => ({ plateCharHeight: String(r.int(14, 38)) }),
  (r) => ({ laneID: String(r.int(1, 3)) }),
  (r) => ({ vehicleSpeed: (r.int(50, 900) / 10).toFixed(1) }),
  (r) => ({ ocrEngine: { name: 'ffocr', build: `5.${r.int(0, 9)}.${r.int(0, 30)}` } }),
];

/** Returns a copy of `json` with the transport's packetCounter (and profileID) filled in. */
export function stampEvent(json: FfJson, stamp: { packetCounter: number | string; profileID?: string }): FfJson {
  const out: FfJson = { ...json, packetCounter: String(stamp.packetCounter) };
  if (stamp.profileID !== undefined) out.profileID = stamp.profileID;
  return out;
}

/** Confidence as the camera prints it: four significant decimals padded to six ("0.868800"). */
function conf(x: number): string {
  return (Math.round(Math.min(x, 0.9999) * 1e4) / 1e4).toFixed(6);
}

export class PassGenerator {
  private readonly rng: Rng;
  private readonly tz: string;
  private nextCarId: number;
  private imageSeq: number;
  readonly camera: CameraInfo;
  readonly geotag: { lat: number; lon: number };

  constructor(private readonly opts: PassGeneratorOptions) {
    this.rng = createRng(opts.seed ?? opts.deviceId);
    this.tz = opts.timeZone ?? 'Europe/Prague';
    formatCameraDatetime(0, this.tz); // throws RangeError early on an invalid zone
    this.nextCarId = opts.firstCarID ?? this.rng.int(1000, 1999);
    this.imageSeq = this.rng.int(100, 20000);
    const serial = `B8A44F${this.rng.hex(6, true)}`;
    this.camera = {
      SerialNumber: serial,
      ProdShortName: this.rng.pick(PRODUCTS),
      MACAddress: this.rng.chance(0.5) ? '' : serial.match(/../g)!.join(':'),
      ...opts.camera,
    };
    this.geotag = opts.geotag ?? { lat: round5(49.5 + this.rng.next() * 1.5), lon: round5(13 + this.rng.next() * 4) };
  }

  /** Generates the next pass of a vehicle that enters the scene at `startMs` (UTC epoch ms). */
  next(startMs: number = Date.now()): VehiclePass {
    const r = this.rng;
    const carID = String(this.nextCarId);
    this.nextCarId += r.chance(0.8) ? 1 : r.int(2, 4); // unpushed tracks also consume ids
    const regular = this.opts.regulars?.plates.length && r.chance(this.opts.regulars.share) ? r.pick([...this.opts.regulars.plates]) : null;
    const plate = regular ? spec(regular, 'XX') : r.pick(PLATE_FORMATS)(r);
    const misread = r.chance(0.4) ? this.misread(plate.text) : null;
    const vehicle = r.pick(VEHICLES);
    const direction = r.chance(0.5) ? 'in' : 'out';
    const roiID = r.chance(0.8) ? '1' : '2';
    const updates = r.int(1, 3);
    const [bucketRoi, bucketLp] = [r.int(0, 63), r.int(0, 63)];
    const vehicleInfo = this.vehicleInfo(vehicle);
    const list = r.chance(0.2)
      ? r.pick([
          ['VIP', 'allow', 'staff parking'],
          ['STOLEN', 'block', 'reported 2024'],
        ])
      : ['', '', ''];
    const extra = r.chance(this.opts.extraFieldRate ?? 0.15) ? r.pick(EXTRA_FIELDS)(r) : null;
    const images = {
      first: this.image('vehicle', startMs, plate.ascii, bucketRoi),
      plate: this.image('plate', startMs, plate.ascii, bucketLp),
    };

    const events: PassEvent[] = [];
    let t = 0;
    let confidence = 0.55 + r.next() * 0.2;
    let coords = [r.int(300, 1400), r.int(300, 800), r.int(90, 180), r.int(28, 60)];
    const emit = (carState: CarState, offsetMs: number, captureMs: number, state: { text: string; ascii: string; dir: string; roi: string }): void => {
      const frameUs = carState === 'lost' ? '0' : String(captureMs * 1000 - r.int(300_000, 900_000) + r.int(0, 999));
      const json: FfJson = {
        carID,
        roiID: state.roi,
        geotag: { ...this.geotag },
        carState,
        datetime: formatCameraDatetime(captureMs, this.tz, this.opts.datetimeWithOffset),
        GEOtarget: 'Camera',
        imageFile: images.first.path,
        imageType: 'vehicle',
        imagesURI: [images.plate.uri, images.first.uri],
        plateList: list[0],
        plateText: state.text,
        plateUTF8: state.text,
        profileID: '1',
        capture_ts: `${captureMs}000000`,
        imageFile2: images.plate.path,
        plateASCII: state.ascii,
        camera_info: { ...this.camera },
        plateRegion: plate.region,
        plateCountry: plate.country,
        plateUnicode: state.text,
        vehicle_info: { ...vehicleInfo },
        packetCounter: '',
        plateListMode: list[1],
        'plateISO3166-2': plate.iso31662,
        plateImageSize: '0',
        plateImageType: 'jpeg',
        timeProcessing: String(r.int(0, 45)),
        frame_timestamp: frameUs,
        plateConfidence: conf(confidence),
        plateRegionCode: plate.regionCode,
        carMoveDirection: state.dir,
        plateCoordinates: [...coords],
        sensorProviderID: this.opts.deviceId,
        capture_timestamp: String(captureMs),
        plateListDescription: list[2],
        plateCoordinatesRelative: [coords[0] % 97, coords[1] % 61, coords[2], coords[3]],
        ...(extra ?? {}),
      };
      events.push({ carState, offsetMs, captureMs, json: r.shuffleKeys(json), images });
    };

    const unknownDir: string = this.opts.unknownDirection ?? 'unknown';
    const first = misread ?? { text: plate.text, ascii: plate.ascii };
    emit('new', 0, startMs, { ...first, dir: unknownDir, roi: roiID });
    let current = { ...first, dir: unknownDir, roi: roiID };
    for (let i = 1; i <= updates; i++) {
      t += r.int(120, 420);
      confidence += (0.97 - confidence) * (0.3 + r.next() * 0.4);
      coords = [coords[0] + r.int(-40, 40), coords[1] + r.int(10, 60), coords[2] + r.int(0, 12), coords[3] + r.int(0, 4)];
      const last = i === updates;
      const corrected = last || r.chance(0.5);
      current = {
        text: corrected ? plate.text : current.text,
        ascii: corrected ? plate.ascii : current.ascii,
        dir: last || r.chance(0.5) ? direction : current.dir,
        roi: r.chance(0.1) ? (roiID === '1' ? '2' : '1') : current.roi,
      };
      emit('update', t, startMs + t, current);
    }
    t += r.int(30, 150);
    emit('reliable', t, startMs + t, current);
    emit('lost', t + (this.opts.lostAfterMs ?? 10_000), startMs, current);
    return { carID, startMs, plate, events };
  }

  private vehicleInfo(v: (typeof VEHICLES)[number]): FfJson {
    const r = this.rng;
    const scale = this.opts.mmrConfidenceScale ?? 1;
    const mmr = 0.9 + r.next() * 0.0999;
    return {
      type: v.type,
      view: r.chance(0.7) ? 'front' : 'rear',
      [this.opts.brandKey ?? 'brand']: v.brand,
      color: r.pick(COLORS),
      model: v.model,
      confidenceMMR: scale === 100 ? (mmr * 100).toFixed(4) : mmr.toFixed(6),
      confidenceColor: (0.8 + r.next() * 0.1999).toFixed(6),
    };
  }

  /** A plausible first OCR result: one confusable character swapped, or an umlaut lost. */
  private misread(text: string): { text: string; ascii: string } | null {
    const candidates = [...text].map((ch, i) => [i, MISREADS[ch]] as const).filter(([, m]) => m !== undefined);
    if (candidates.length === 0) return null;
    const [i, wrong] = this.rng.pick(candidates);
    const chars = [...text];
    chars[i] = wrong!;
    const bad = chars.join('');
    return { text: bad, ascii: toAscii(bad) };
  }

  private image(kind: 'vehicle' | 'plate', atMs: number, plateAscii: string, bucket: number): ImageRef {
    const stamp = formatCameraDatetime(atMs, this.tz).replace(' ', '').slice(0, 14);
    const fileName = `${stamp}_${this.rng.int(10000, 999999)}${kind === 'plate' ? 'lp' : 'roi'}_${plateAscii.replace(/[^A-Za-z0-9]/g, '')}_${this.imageSeq++}.jpg`;
    return {
      kind,
      fileName,
      path: `localdata/images/${bucket}/${fileName}`,
      uri: `/local/fflprapp/tools.cgi?action=getImage&name=${bucket}/${fileName}`,
    };
  }
}

function round5(x: number): number {
  return Math.round(x * 1e5) / 1e5;
}
