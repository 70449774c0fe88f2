/** Id helpers shared by root fields: Relay global ids or raw ids, and camera loading. */
import { GraphQLError } from 'graphql';
import type { CameraRecord, DeviceRecord } from '../core/cameras/repo.ts';
import type { GraphQLContext } from '../core/ports.ts';
import { parseGlobalId } from '../core/util/global-id.ts';

/** The largest seq the store can hold (PostgreSQL bigint). */
export const MAX_SEQ = 2n ** 63n - 1n;

/** A seq written as decimal digits within the bigint range, or null when `text` is not one. */
export function seqOf(text: string): bigint | null {
  if (!/^\d{1,19}$/.test(text)) return null;
  const seq = BigInt(text);
  return seq <= MAX_SEQ ? seq : null;
}

/**
 * Decode the global id given to `node`/`nodes`: a malformed id, or one naming a type that is not an
 * object type of this schema, is the client's mistake (BAD_USER_INPUT), not a server error.
 */
export function decodeNodeId(globalID: string, isObjectType: (typename: string) => boolean): { typename: string; id: string } {
  const decoded = parseGlobalId(globalID);
  if (!decoded || !isObjectType(decoded.typename)) {
    throw new GraphQLError(`id: not an object id of this API: ${JSON.stringify(globalID.slice(0, 80))}`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return decoded;
}

/** Accepts a Relay global id of the given type, or the raw id. */
export function localId(id: string, expect: (typename: string) => boolean): string {
  const g = parseGlobalId(id);
  return g && expect(g.typename) ? g.id : id;
}

export async function loadCamera(ctx: GraphQLContext, id: string): Promise<CameraRecord> {
  const cam = await ctx.services.cameraById(localId(id, (t) => t === 'Camera'));
  if (!cam) throw new GraphQLError(`camera ${id} not found`, { extensions: { code: 'NOT_FOUND' } });
  return cam;
}

/** A device of any type by its global id or internal id; NOT_FOUND when there is none. */
export async function loadDevice(ctx: GraphQLContext, id: string): Promise<DeviceRecord> {
  const device = await deviceByClientId(ctx, id);
  if (!device) throw new GraphQLError(`device ${JSON.stringify(id.slice(0, 200))} not found`, { extensions: { code: 'NOT_FOUND' } });
  return device;
}

/**
 * A device by what a client sends: its global id (GenericDevice's too: a device whose adapter is not
 * loaded) or its internal id; null when there is none.
 */
export function deviceByClientId(ctx: GraphQLContext, id: string): Promise<DeviceRecord | null> {
  return ctx.services.deviceById(localId(id, (t) => t === 'GenericDevice'));
}
