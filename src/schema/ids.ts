/** Id helpers shared by root fields: Relay global ids or raw ids, and camera loading. */
import { decodeGlobalID } from '@pothos/plugin-relay';
import { GraphQLError } from 'graphql';
import type { CameraRecord } from '../core/cameras/repo.ts';
import type { GraphQLContext } from './context.ts';

/** Accepts a Relay global id of the given type, or the raw id. */
export function localId(id: string, expect: (typename: string) => boolean): string {
  try {
    const g = decodeGlobalID(id);
    if (g.typename && g.id && expect(g.typename)) return g.id;
  } catch {
    /* not a global id */
  }
  return id;
}

export async function loadCamera(ctx: GraphQLContext, id: string): Promise<CameraRecord> {
  const cam = await ctx.services.cameraById(localId(id, (t) => t === 'Camera'));
  if (!cam) throw new GraphQLError(`camera ${id} not found`, { extensions: { code: 'NOT_FOUND' } });
  return cam;
}

