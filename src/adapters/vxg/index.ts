/**
 * VXG Cloud VMS adapter: each channel access token is one camera. Capabilities come from the
 * camera's event types (CREATE_EVENT always, TRIGGER_EVENT when a type can be triggered); the
 * unified createEvent/triggerEvent mutations dispatch here; VXG stored events (camera-generated,
 * triggered or created) are mirrored into the log by polling. Built on the public SDK only.
 */
import { AppError, backoffDelay, defineAdapter, type AdapterContext, type CameraStatus, type Timer } from '../../sdk.ts';
import { createVxgActions, type VxgCameraRuntime } from './actions.ts';
import { VxgClient } from './client.ts';
import { vxgConfigSchema, type VxgConfig } from './config.ts';
import { EventTypeCache } from './event-types.ts';
import { IdempotencyStore } from './idempotency.ts';
import { capabilitiesOf, type VxgEventType } from './map.ts';
import { VxgMirror } from './mirror.ts';
import { addVxgSchema } from './schema.ts';
import { secretsOf } from './token.ts';

const TYPES_RETRY_MS = 30_000;
/** After a failed read of a camera's event types: retry from 1 s, doubling with jitter up to TYPES_RETRY_MS. */
const TYPES_RETRY_BASE_MS = 1000;

const untilAborted = (signal: AbortSignal) => new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));

async function upsertCamera(ctx: AdapterContext<VxgConfig>, cam: VxgCameraRuntime, types: readonly VxgEventType[] | null, status: CameraStatus) {
  const { info, apiBase } = cam.channel;
  await ctx.cameras.upsert({
    vendorId: cam.vendorId,
    name: cam.channel.name,
    status,
    capabilities: capabilitiesOf(types),
    details: { camid: info.camid, cmngrid: info.cmngrid, access: info.access, apiHost: new URL(apiBase).host, eventTypes: types?.map((t) => t.name) ?? null },
  });
}

export const vxgAdapter = defineAdapter({
  type: 'vxg',
  version: '1.0.0',
  sdk: '^2.0.0',
  description: 'VXG Cloud VMS: event types, create and trigger events, stored events mirrored live',
  configSchema: vxgConfigSchema,
  capabilities: ['CREATE_EVENT', 'TRIGGER_EVENT'],
  graphqlPrefix: 'Vxg',
  graphql: (builder, refs) => addVxgSchema(builder, refs, 'vxg'),
  async start(ctx) {
    const cfg = ctx.config;
    const secrets = cfg.channels.flatMap((ch) => secretsOf(ch.token));
    const now = () => ctx.clock.nowMs();
    const cameras = new Map<string, VxgCameraRuntime>();
    let started = false;
    // Our own stop signal: the core aborts ctx.signal only after stop() returns.
    const halt = new AbortController();
    ctx.signal.addEventListener('abort', () => halt.abort(), { once: true });

    for (const channel of cfg.channels) {
      const client = new VxgClient({ fetch: ctx.fetch, channel, timeoutMs: cfg.requestTimeoutMs, signal: halt.signal, secrets, pageSize: cfg.pageSize, sleep: ctx.clock.sleep });
      const vendorId = String(channel.camid);
      const cam: VxgCameraRuntime = {
        vendorId,
        channel,
        client,
        types: new EventTypeCache(client, {
          ttlMs: cfg.eventTypesRefreshSec * 1000,
          now,
          // Types changed (refresh, add, update): capabilities follow.
          onChange: (types) => {
            if (started) upsertCamera(ctx, cam, types, 'ONLINE').catch((e) => ctx.log.warn({ err: e, camid: channel.camid }, 'VXG camera not updated'));
          },
        }),
      };
      cameras.set(vendorId, cam);
    }
    const mirror = new VxgMirror(ctx, [...cameras.values()], secrets, halt.signal);

    // Failed reads in a row per camera, and the pending retry: a camera whose types could not be read
    // (VXG down at start, say) is retried on backoff, not only at the next periodic refresh.
    const typeFailures = new Map<string, number>();
    const typeRetries = new Map<string, Timer>();
    /** Read (or re-read when stale) a camera's types; a failure marks the instance DEGRADED and schedules a retry. */
    const refreshTypes = async (cam: VxgCameraRuntime): Promise<VxgEventType[] | null> => {
      try {
        const types = await cam.types.list();
        typeFailures.delete(cam.vendorId);
        mirror.setProblem(`types:${cam.vendorId}`, null);
        return types;
      } catch (e) {
        if (halt.signal.aborted) return null;
        const detail = e instanceof AppError ? e.message : 'unexpected error (see the log)';
        if (!(e instanceof AppError)) ctx.log.error({ err: e, camid: cam.channel.camid }, 'VXG event types unreadable');
        mirror.setProblem(`types:${cam.vendorId}`, `camera ${cam.vendorId}: event types unreadable: ${detail}`);
        const failures = typeFailures.get(cam.vendorId) ?? 0;
        typeFailures.set(cam.vendorId, failures + 1);
        if (!typeRetries.has(cam.vendorId)) {
          const retry = () => {
            typeRetries.delete(cam.vendorId);
            if (!halt.signal.aborted) void refreshTypes(cam);
          };
          typeRetries.set(cam.vendorId, ctx.clock.setTimeout(retry, backoffDelay(failures, { baseMs: TYPES_RETRY_BASE_MS, capMs: TYPES_RETRY_MS })).unref());
        }
        return null;
      }
    };

    await Promise.all(
      [...cameras.values()].map(async (cam) => {
        const types = await refreshTypes(cam);
        await upsertCamera(ctx, cam, types, types ? 'ONLINE' : 'UNKNOWN');
      }),
    );
    started = true;
    ctx.log.info({ cameras: [...cameras.keys()], apiHosts: [...new Set(cfg.channels.map((c) => new URL(c.apiBase).host))] }, 'VXG cameras ready');

    const typesTimer = ctx.clock
      .setInterval(
        () => {
          for (const cam of cameras.values()) void refreshTypes(cam);
        },
        Math.min(TYPES_RETRY_MS, cfg.eventTypesRefreshSec * 1000),
      )
      .unref();

    const { capabilities, api } = createVxgActions({
      cameras,
      idempotency: new IdempotencyStore({ state: ctx.state, ttlMs: cfg.idempotencyTtlHours * 3_600_000, now }),
      now: () => ctx.clock.now(),
      created: async (cam, ev) => {
        // The poller sees events from (newest - overlap) on: mirror an older one at once.
        if (mirror.willSee(cam, ev.time)) return mirror.wake();
        await mirror.ingest(cam, ev).catch((e) => ctx.log.warn({ code: e instanceof AppError ? e.code : 'INTERNAL', vxgId: ev.id }, 'created VXG event not mirrored yet'));
      },
      acted: () => mirror.wake(),
    });
    // The stored-event poller runs on one server instance of the deployment; everything else on all.
    ctx.runExclusive('mirror', async (signal) => {
      mirror.start(signal);
      ctx.log.info('VXG stored-event mirror started');
      await untilAborted(signal);
      await mirror.stop();
      ctx.log.info('VXG stored-event mirror stopped');
    });

    return {
      capabilities,
      api,
      stop: async () => {
        ctx.clock.clearInterval(typesTimer);
        for (const timer of typeRetries.values()) ctx.clock.clearTimeout(timer);
        halt.abort();
        await mirror.stop();
      },
    };
  },
});
