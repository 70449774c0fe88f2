/**
 * What a plugin's resolvers get for the ids clients send (SDK 1.4.0): `services.cameraById` takes the
 * Camera global id as well as the internal id, `decodeGlobalId` turns a global id into the internal id
 * (BAD_USER_INPUT otherwise), `encodeGlobalId` makes the ids the API shows, and a field added to
 * Camera receives the CameraRecord. A small adapter written against the SDK entries only
 * (src/sdk.ts, src/sdk/graphql.ts), on a real server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeGlobalId, defineAdapter, encodeGlobalId, z } from '../../src/sdk.ts';
import type { CameraRecord } from '../../src/sdk/graphql.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

const TYPE = 'door-probe';
const INTERNAL_ID = `${TYPE}/a/door-1`;

const doorProbe = defineAdapter({
  type: TYPE,
  version: '1.0.0',
  sdk: '^1.4.0',
  configSchema: z.object({ type: z.literal(TYPE), id: z.string() }).strict(),
  capabilities: [],
  graphqlPrefix: 'DoorProbe',
  graphql: (builder, refs) => {
    builder.objectField(refs.Camera, 'doorProbeVendorId', (t) => t.string({ resolve: (cam: CameraRecord) => `${cam.adapter}:${cam.vendorId}` }));
    builder.queryFields((t) => ({
      doorProbeCameraName: t.string({
        nullable: true,
        args: { id: t.arg.id({ required: true }) },
        resolve: async (_r, { id }, ctx) => (await ctx.services.cameraById(String(id)))?.name ?? null,
      }),
      doorProbeDecode: t.string({ args: { id: t.arg.id({ required: true }) }, resolve: (_r, { id }) => decodeGlobalId(String(id), 'Camera', 'id') }),
    }));
  },
  async start(ctx) {
    await ctx.cameras.upsert({ vendorId: 'door-1', name: 'Front door' });
    return { stop: () => {} };
  },
});

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ adapters: [doorProbe], config: { adapters: [{ type: TYPE, id: 'a' }] } });
});
afterAll(async () => {
  await t?.close();
});

describe('global ids in a plugin resolver', () => {
  it('encodeGlobalId makes the id the API shows, and a Camera field gets the CameraRecord as its parent', async () => {
    const r = await t.gql(`{ camera(id: "${INTERNAL_ID}") { id doorProbeVendorId } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.camera).toEqual({ id: encodeGlobalId('Camera', INTERNAL_ID), doorProbeVendorId: `${TYPE}:door-1` });
  });

  it('services.cameraById finds the camera by the global id a client sends, and by the internal id', async () => {
    const q = `query($id: ID!) { doorProbeCameraName(id: $id) }`;
    expect((await t.gql(q, { id: encodeGlobalId('Camera', INTERNAL_ID) })).data).toEqual({ doorProbeCameraName: 'Front door' });
    expect((await t.gql(q, { id: INTERNAL_ID })).data).toEqual({ doorProbeCameraName: 'Front door' });
    expect((await t.gql(q, { id: encodeGlobalId('GenericEvent', INTERNAL_ID) })).data).toEqual({ doorProbeCameraName: null });
  });

  it('decodeGlobalId gives the internal id, and BAD_USER_INPUT (with the field) for anything else', async () => {
    const q = `query($id: ID!) { doorProbeDecode(id: $id) }`;
    expect((await t.gql(q, { id: encodeGlobalId('Camera', INTERNAL_ID) })).data).toEqual({ doorProbeDecode: INTERNAL_ID });
    for (const id of [INTERNAL_ID, encodeGlobalId('GenericEvent', '1')]) {
      const r = await t.gql(q, { id });
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    }
  });
});
