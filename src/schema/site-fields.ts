/**
 * Sites and linked cameras in GraphQL: the Site node and `sites`, Camera.site and Camera.key, and
 * the admin mutations linkCameras, unlinkCameraSource and updateCamera (core/cameras/links.ts).
 * Ids are Relay global ids (internal ids are accepted too, as for every camera argument).
 */
import { GraphQLError } from 'graphql';
import type { SiteRecord } from '../core/cameras/sites.ts';
import { cameraIdOf } from '../core/events/model.ts';
import type { Builder } from './builder.ts';
import type { CoreTypes } from './core-types.ts';
import { localId } from './ids.ts';
import { connectionOf, MAX_PAGE } from './pagination.ts';
import { ADMIN, ANY_KEY } from './scopes.ts';

/** Most `from` cameras of one linkCameras. */
export const LINK_FROM_MAX = 50;
/** Longest camera name (updateCamera) and source part (adapter, instance, vendorId). */
export const CAMERA_NAME_MAX = 200;
export const SOURCE_PART_MAX = 200;

const bad = (message: string, field: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field } });
const cameraId = (id: string | number) => localId(String(id), (t) => t === 'Camera');
const shown = (id: string | number) => JSON.stringify(String(id).slice(0, 120));

export function addSiteFields(builder: Builder, refs: CoreTypes) {
  const Site = builder.objectRef<SiteRecord>('Site');
  builder.node(Site, {
    description: 'A place whose cameras share a time zone (config `sites:`). Any scope reads it.',
    authScopes: ANY_KEY,
    id: { resolve: (s) => s.key },
    loadOne: (key, ctx) => ctx.services.siteByKey(key),
    isTypeOf: (s) => typeof (s as SiteRecord).key === 'string' && 'timezone' in (s as object),
    fields: (t) => ({
      key: t.exposeString('key', { description: 'The configured id, e.g. hq' }),
      name: t.exposeString('name'),
      timezone: t.string({ nullable: true, description: 'IANA time zone, e.g. Europe/Prague', resolve: (s) => s.timezone }),
      cameras: t.connection(
        {
          type: refs.Camera,
          description: 'Cameras of the site ordered by id.',
          resolve: async (s, args, ctx) => {
            const first = args.first ?? 100;
            if (first < 0 || first > MAX_PAGE) throw bad(`first: expected 0..${MAX_PAGE}, got ${first}`, 'first');
            const after = args.after ? cameraId(args.after) : null;
            const r = await ctx.services.listCameras({ siteKeys: [s.key] }, first, after);
            return connectionOf(r.cameras, r.hasNextPage, false, (c) => c.id);
          },
        },
        { name: 'SiteCameraConnection' },
        { name: 'SiteCameraEdge' },
      ),
    }),
  });

  builder.objectFields(refs.Camera, (t) => ({
    site: t.field({
      type: Site,
      nullable: true,
      resolve: (c, _a, ctx) => (c.siteKey ? ctx.services.siteByKey(c.siteKey) : null),
    }),
    key: t.string({ nullable: true, description: 'The configured id (config `cameras[].id`, e.g. gate-north); null when not configured', resolve: (c) => c.key ?? null }),
  }));

  builder.queryField('sites', (t) => t.field({ type: [Site], authScopes: ANY_KEY, description: 'Sites ordered by key.', resolve: (_r, _a, ctx) => ctx.services.sites() }));

  const CameraSourceInput = builder.inputType('CameraSourceInput', {
    description: 'A vendor source of a camera: adapter type, adapter instance and the vendor id there.',
    fields: (t) => ({
      adapter: t.string({ required: true }),
      instance: t.string({ required: true }),
      vendorId: t.string({ required: true }),
    }),
  });
  const LinkCamerasInput = builder.inputType('LinkCamerasInput', {
    fields: (t) => ({
      into: t.id({ required: true, description: 'The camera that stays (its id does not change)' }),
      from: t.idList({ required: true, description: `Cameras whose sources join it (1..${LINK_FROM_MAX})` }),
    }),
  });
  const UnlinkCameraSourceInput = builder.inputType('UnlinkCameraSourceInput', {
    fields: (t) => ({
      cameraId: t.id({ required: true }),
      source: t.field({ type: CameraSourceInput, required: true, description: 'The source that becomes a camera of its own again (its old id)' }),
    }),
  });
  const UpdateCameraInput = builder.inputType('UpdateCameraInput', {
    fields: (t) => ({
      id: t.id({ required: true }),
      name: t.string({ description: `New name (1..${CAMERA_NAME_MAX} characters); null: the vendor's name again; absent: unchanged` }),
      siteId: t.id({ description: 'Site.id (or key); null: no site; absent: unchanged' }),
    }),
  });

  builder.mutationFields((t) => ({
    linkCameras: t.field({
      type: refs.Camera,
      authScopes: ADMIN,
      description:
        "The `from` cameras' sources join camera `into` (its id stays): one camera whose events, earlier ones too, are those of every source. Stored; every instance sees it at once. Scope admin.",
      args: { input: t.arg({ type: LinkCamerasInput, required: true }) },
      resolve: (_r, { input }, ctx) => {
        if (input.from.length < 1 || input.from.length > LINK_FROM_MAX) throw bad(`input.from: expected 1..${LINK_FROM_MAX} camera ids, got ${input.from.length}`, 'from');
        const into = cameraId(input.into);
        const from = input.from.map(cameraId);
        if (from.includes(into)) throw bad(`input.from: camera ${shown(input.into)} cannot be linked into itself`, 'from');
        return ctx.services.linkCameras(into, from);
      },
    }),
    unlinkCameraSource: t.field({
      type: refs.Camera,
      authScopes: ADMIN,
      description: 'The source leaves the camera and is a camera of its own again (with its old id). Answers the camera it left. Scope admin.',
      args: { input: t.arg({ type: UnlinkCameraSourceInput, required: true }) },
      resolve: (_r, { input }, ctx) => {
        const { adapter, instance, vendorId } = input.source;
        for (const [k, v] of Object.entries({ adapter, instance, vendorId }))
          if (v.length < 1 || v.length > SOURCE_PART_MAX) throw bad(`input.source.${k}: expected 1..${SOURCE_PART_MAX} characters, got ${v.length}`, `source.${k}`);
        return ctx.services.unlinkCameraSource(cameraId(input.cameraId), cameraIdOf(adapter, instance, vendorId));
      },
    }),
    updateCamera: t.field({
      type: refs.Camera,
      authScopes: ADMIN,
      description: 'Rename a camera or move it to a site. Until the next start-up for a camera the config declares (the config wins there). Scope admin.',
      args: { input: t.arg({ type: UpdateCameraInput, required: true }) },
      resolve: (_r, { input }, ctx) => {
        if (input.name != null && (input.name.trim().length < 1 || input.name.length > CAMERA_NAME_MAX))
          throw bad(`input.name: expected 1..${CAMERA_NAME_MAX} characters, got ${input.name.length}`, 'name');
        const siteKey = input.siteId === undefined ? undefined : input.siteId === null ? null : localId(String(input.siteId), (tn) => tn === 'Site');
        return ctx.services.updateCamera(cameraId(input.id), { name: input.name, siteKey });
      },
    }),
  }));
}
