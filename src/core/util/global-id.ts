/**
 * Relay global ids: what clients see as `id` (base64 of `<GraphQL type>:<internal id>`) and what
 * the store knows (the internal id: a camera's `adapter/instance/vendorId`, an event's seq). The one
 * codec of the server: the schema builder encodes and decodes node ids with it, the services accept
 * camera ids with it, and the SDK exports it to plugins (decodeGlobalId, encodeGlobalId). It is
 * Pothos's format (plugin-relay), so ids are the same whichever side made them.
 */
import { AppError } from '../errors.ts';

/** Base64 as Pothos accepts it: padded, standard alphabet. */
const BASE64 = /^(?:[\d+/A-Za-z]{4})*(?:[\d+/A-Za-z]{2}==|[\d+/A-Za-z]{3}=)?$/;
/** A GraphQL type name. */
const TYPENAME = /^[A-Z_a-z]\w*$/;

/** The global id clients see for the object `id` of the GraphQL type `typename`. */
export function encodeGlobalId(typename: string, id: string | number | bigint): string {
  return Buffer.from(`${typename}:${id}`, 'utf8').toString('base64');
}

/** Both parts of a global id, or null when `globalId` is not one (not base64, no type, no id). */
export function parseGlobalId(globalId: string): { typename: string; id: string } | null {
  if (typeof globalId !== 'string' || !globalId || !BASE64.test(globalId)) return null;
  const text = Buffer.from(globalId, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  const typename = text.slice(0, colon);
  const id = text.slice(colon + 1); // internal ids may contain ':' themselves
  return TYPENAME.test(typename) && id ? { typename, id } : null;
}

/**
 * The internal id inside a client's global id of the type `expectedType` (or one of them). Anything
 * else (not a global id, or one of another type) is the client's mistake: BAD_USER_INPUT, with
 * `details.field` when `field` is given.
 */
export function decodeGlobalId(globalId: string, expectedType: string | readonly string[], field?: string): string {
  const parsed = parseGlobalId(globalId);
  const types = typeof expectedType === 'string' ? [expectedType] : expectedType;
  if (parsed && types.includes(parsed.typename)) return parsed.id;
  const shown = JSON.stringify(String(globalId).slice(0, 80));
  const why = parsed ? `an id of ${parsed.typename}, not of ${types.join(' or ')}` : `not a global id of ${types.join(' or ')}`;
  throw new AppError('BAD_USER_INPUT', `${field ? `${field}: ` : ''}${shown} is ${why}`, field ? { field } : undefined);
}

/**
 * A camera id as clients may send it, Relay global id or internal id, as the internal id. Never
 * ambiguous: an internal camera id starts with its adapter type (a lower-case letter), a Camera
 * global id with "Q" (base64 of "Camera:"). Anything else is returned unchanged (and found by nobody).
 */
export function cameraIdFrom(id: string): string {
  const parsed = parseGlobalId(id);
  return parsed?.typename === 'Camera' ? parsed.id : id;
}
