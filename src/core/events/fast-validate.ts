/**
 * The hot-path twin of `eventInputSchema.safeParse` (model.ts): the same checks written out by hand,
 * building the same output (copies of the objects zod copies, unknown keys left out, `data` and
 * `media` defaulted), for what adapters publish on every event. It only ever answers "valid, here is
 * the output" or "ask zod": anything it is not sure of (a failing check, a symbol key or `__proto__`
 * in `data`, a `data` that is not a plain object) returns undefined, and the caller runs zod, which
 * produces the output or the error messages. So zod stays the source of truth; a test
 * (test/core/fast-validate.test.ts) checks that both give the same output on a corpus of valid
 * inputs and that every invalid one goes to zod.
 *
 * Written out property by property (no loops over key names): a store under a computed key at one
 * site sees many keys and goes megamorphic, which cost more than all the checks.
 *
 * Absent and undefined differ as in zod's object (handlePropertyResult): an optional key absent from
 * the input is absent from the output; present as undefined, it is present as undefined.
 */
import { DIRECTIONS, EVENT_FIELD_LIMITS as F, MEDIA_ROLES, PLATE_PHASES, TAXONOMY_NAME, TAXONOMY_NAME_MAX, type ValidEventInput } from './model.ts';

type Obj = Record<string, unknown>;

const TYPE_NAME = /^[A-Z][A-Za-z0-9]*$/;
const DIRECTION_SET: ReadonlySet<unknown> = new Set(DIRECTIONS);
const PHASE_SET: ReadonlySet<unknown> = new Set(PLATE_PHASES);
const ROLE_SET: ReadonlySet<unknown> = new Set(MEDIA_ROLES);

/** Not sure: let zod decide (and explain). */
const ASK = Symbol('ask zod');
type Ask = typeof ASK;

/** zod's z.object input check (any non-array object; its output holds only the shape's keys, so unknown keys need no look). */
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const isStr = (v: unknown, min: number, max: number): v is string => typeof v === 'string' && v.length >= min && v.length <= max;

/** `z.string().max(max).nullable().optional()`. */
const isLabel = (v: unknown, max: number) => v === undefined || v === null || isStr(v, 0, max);

function capabilities(v: unknown): string[] | Ask | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length > 64) return ASK;
  const out: string[] = [];
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (!isStr(c, 0, TAXONOMY_NAME_MAX) || !TAXONOMY_NAME.test(c)) return ASK;
    out.push(c);
  }
  return out;
}

/** cameraRefSchema, or deviceRefSchema (`type` too). */
function deviceRef(v: unknown, device: boolean): Obj | Ask {
  if (!isObject(v)) return ASK;
  const { vendorId, name } = v;
  if (!isStr(vendorId, 1, F.cameraId)) return ASK;
  if (name !== undefined && !isStr(name, 0, F.cameraId)) return ASK;
  const caps = capabilities(v.capabilities);
  if (caps === ASK) return ASK;
  const out: Obj = { vendorId };
  if (name !== undefined || 'name' in v) out.name = name;
  if (caps !== undefined || 'capabilities' in v) out.capabilities = caps;
  if (device) {
    const type = v.type;
    if (!(isStr(type, 0, F.deviceType) && TYPE_NAME.test(type))) return ASK;
    out.type = type;
  }
  return out;
}

function vehicle(v: Obj): Obj | Ask {
  const { type, color, make, model } = v;
  if (!isLabel(type, F.label) || !isLabel(color, F.label) || !isLabel(make, F.label) || !isLabel(model, F.label)) return ASK;
  const out: Obj = {};
  if (type !== undefined || 'type' in v) out.type = type;
  if (color !== undefined || 'color' in v) out.color = color;
  if (make !== undefined || 'make' in v) out.make = make;
  if (model !== undefined || 'model' in v) out.model = model;
  return out;
}

function plateRead(v: unknown): Obj | Ask {
  if (!isObject(v)) return ASK;
  const { plate, plateNormalized, country, region, confidence, direction, phase, trackId } = v;
  if (!isStr(plate, 0, F.plate) || !isStr(plateNormalized, 0, F.plate)) return ASK;
  if (!isLabel(country, F.label) || !isLabel(region, F.label) || !isLabel(trackId, F.trackId)) return ASK;
  if (!(confidence === undefined || confidence === null || (typeof confidence === 'number' && Number.isFinite(confidence) && confidence >= 0 && confidence <= 1))) return ASK;
  if (!DIRECTION_SET.has(direction) || !PHASE_SET.has(phase)) return ASK;
  let veh: unknown = v.vehicle;
  if (veh !== undefined && veh !== null) {
    if (!isObject(veh)) return ASK;
    veh = vehicle(veh);
    if (veh === ASK) return ASK;
  }
  const out: Obj = { plate, plateNormalized };
  if (country !== undefined || 'country' in v) out.country = country;
  if (region !== undefined || 'region' in v) out.region = region;
  if (confidence !== undefined || 'confidence' in v) out.confidence = confidence;
  out.direction = direction;
  out.phase = phase;
  if (trackId !== undefined || 'trackId' in v) out.trackId = trackId;
  if (veh !== undefined || 'vehicle' in v) out.vehicle = veh;
  return out;
}

function analytics(v: unknown): Obj | Ask {
  if (!isObject(v)) return ASK;
  const { ruleId, ruleName, objectClass, objectId } = v;
  if (!isLabel(ruleId, F.analytics) || !isLabel(ruleName, F.analytics) || !isLabel(objectClass, F.analytics) || !isLabel(objectId, F.analytics)) return ASK;
  const out: Obj = {};
  if (ruleId !== undefined || 'ruleId' in v) out.ruleId = ruleId;
  if (ruleName !== undefined || 'ruleName' in v) out.ruleName = ruleName;
  if (objectClass !== undefined || 'objectClass' in v) out.objectClass = objectClass;
  if (objectId !== undefined || 'objectId' in v) out.objectId = objectId;
  return out;
}

/** `z.record(z.string(), z.unknown())`: a shallow copy of a plain object with string keys only (own `__proto__`: zod skips it; ask). */
function record(v: unknown): Obj | Ask {
  if (typeof v !== 'object' || v === null) return ASK;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return ASK;
  if (Object.getOwnPropertySymbols(v).length || Object.hasOwn(v, '__proto__')) return ASK;
  return { ...v }; // own enumerable string keys in zod's order (Reflect.ownKeys)
}

function mediaList(v: unknown): Obj[] | Ask {
  if (!Array.isArray(v) || v.length > 16) return ASK;
  const out: Obj[] = [];
  for (let i = 0; i < v.length; i++) {
    const m: unknown = v[i];
    if (!isObject(m)) return ASK;
    const { role, data, contentType } = m;
    if (!ROLE_SET.has(role) || !(data instanceof Uint8Array)) return ASK;
    if (contentType !== undefined && typeof contentType !== 'string') return ASK;
    const o: Obj = { role, data };
    if (contentType !== undefined || 'contentType' in m) o.contentType = contentType;
    out.push(o);
  }
  return out;
}

/**
 * `eventInputSchema.safeParse(input).data` when the input is certainly valid; undefined otherwise
 * (run zod: it accepts what this was unsure of, or explains the error).
 */
export function fastValidEventInput(input: unknown): ValidEventInput | undefined {
  if (!isObject(input)) return undefined;
  const { typeName, kind, vendorType, occurredAt, dedupeKey } = input;
  if (!(typeof typeName === 'string' && TYPE_NAME.test(typeName))) return undefined;
  if (!(isStr(kind, 0, TAXONOMY_NAME_MAX) && TAXONOMY_NAME.test(kind))) return undefined;
  if (!isStr(vendorType, 1, F.vendorType)) return undefined;
  if (!(occurredAt instanceof Date) || Number.isNaN(occurredAt.getTime())) return undefined;
  if (!isStr(dedupeKey, 1, F.dedupeKey)) return undefined;
  if (!('raw' in input)) return undefined; // required, though it may be undefined
  let { camera, device, plate, analytics: an } = input;
  if (camera !== undefined && (camera = deviceRef(camera, false)) === ASK) return undefined;
  if (device !== undefined && (device = deviceRef(device, true)) === ASK) return undefined;
  if (plate !== undefined && (plate = plateRead(plate)) === ASK) return undefined;
  if (an !== undefined && (an = analytics(an)) === ASK) return undefined;
  const data = input.data === undefined ? {} : record(input.data);
  if (data === ASK) return undefined;
  const media = input.media === undefined ? [] : mediaList(input.media);
  if (media === ASK) return undefined;
  const out: Obj = { typeName, kind, vendorType, occurredAt, dedupeKey };
  if (camera !== undefined || 'camera' in input) out.camera = camera;
  if (device !== undefined || 'device' in input) out.device = device;
  if (plate !== undefined || 'plate' in input) out.plate = plate;
  if (an !== undefined || 'analytics' in input) out.analytics = an;
  out.data = data;
  out.raw = input.raw;
  out.media = media;
  return out as unknown as ValidEventInput;
}
