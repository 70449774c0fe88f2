/**
 * Videonetics IVMS Pro adapter (API document 01_05, v1.5.1): channels become cameras (refreshed),
 * notification-socket alerts become IvmsAlertEvents, event snapshots/clips are fetched on demand,
 * and live/archive HLS sessions are opened for the core's stream sessions. Built on the public SDK.
 *
 * Status: READY when the channel list and the notification socket both work; DEGRADED with the
 * problem named when one does not (or the channel count disagrees with the list); ERROR when
 * neither works. IVMS being down at start is not a start failure: both parts retry with backoff.
 *
 * Channel sync and the notification socket run on one server instance of the deployment
 * (ctx.runExclusive); snapshots, clips and stream calls are served by every instance.
 */
import { defineAdapter } from '../../sdk.ts';
import { AlertIngest } from './alert-ingest.ts';
import { CHANNELS_PART, ChannelSync } from './channel-sync.ts';
import { IvmsClient } from './client.ts';
import { ivmsConfigSchema, notificationUrlOf } from './config.ts';
import { Health } from './health.ts';
import { eventMediaApi } from './media.ts';
import { NotificationSocket } from './notifications.ts';
import { addIvmsSchema } from './schema.ts';
import { ivmsStreamHandlers } from './streams.ts';
import { ivmsTimeZoneOf } from './time.ts';

const NOTIFICATIONS_PART = 'notifications';

const untilAborted = (signal: AbortSignal) => new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));

export const ivmsAdapter = defineAdapter({
  type: 'ivms',
  version: '1.0.0',
  sdk: '^2.0.0',
  description: 'Videonetics IVMS Pro: channels, notification-socket alerts, event snapshots/clips, live and archive HLS',
  configSchema: ivmsConfigSchema,
  capabilities: ['LIVE_STREAM', 'ARCHIVE_STREAM'],
  graphqlPrefix: 'Ivms',
  graphql: (builder, refs) => addIvmsSchema(builder, refs, 'ivms'),
  start(ctx) {
    const cfg = ctx.config;
    const stopping = new AbortController();
    const clientOptions = { baseUrl: cfg.baseUrl, pathPrefix: cfg.pathPrefix, fetch: ctx.fetch, requestTimeoutMs: cfg.limits.requestTimeoutMs };
    const client = new IvmsClient({ ...clientOptions, signal: AbortSignal.any([ctx.signal, stopping.signal]) });
    // Stream calls are not cut by stop(): the core owns session lifetimes (it may resume or stop them later).
    const streamClient = new IvmsClient(clientOptions);

    const health = new Health(cfg.notifications ? [CHANNELS_PART, NOTIFICATIONS_PART] : [CHANNELS_PART], (s, d) => ctx.setStatus(s, d));
    const channels = new ChannelSync({ client, cameras: ctx.cameras, health, refreshMs: cfg.channelRefreshSec * 1000, count: ctx.count, log: ctx.log, clock: ctx.clock });
    const alerts = new AlertIngest(ctx, {
      timeZone: ivmsTimeZoneOf(cfg.timezone, ctx.cameras),
      maxImageBytes: cfg.limits.snapMaxBytes,
      maxQueue: cfg.limits.alertQueue,
      publishDeadlineMs: cfg.limits.alertPublishDeadlineMs,
      knownChannels: () => channels.known,
    });
    const socket = cfg.notifications
      ? new NotificationSocket({
          url: notificationUrlOf(cfg),
          maxPayload: cfg.limits.alertMaxBytes,
          maxDelayMs: cfg.maxReconnectSec * 1000,
          clock: ctx.clock,
          onOpen: () => {
            ctx.count('ws.connects');
            health.ok(NOTIFICATIONS_PART);
          },
          onMessage: (text) => alerts.handle(text),
          onDown: (reason, retryInMs) => {
            ctx.count('ws.disconnects');
            health.problem(NOTIFICATIONS_PART, `notification socket disconnected: ${reason}, retry in ${Math.max(0.1, Math.round(retryInMs / 100) / 10)} s`);
          },
        })
      : null;
    const api = eventMediaApi({
      client,
      media: ctx.media,
      snap: { maxBytes: cfg.limits.snapMaxBytes, timeoutMs: cfg.limits.snapTimeoutMs },
      clip: { maxBytes: cfg.limits.clipMaxBytes, timeoutMs: cfg.limits.clipTimeoutMs },
    });

    // Channel sync and the notification socket run on one server instance of the deployment.
    ctx.runExclusive('sync', async (signal) => {
      channels.start();
      socket?.start();
      ctx.log.info({ notifications: !!socket }, 'IVMS channel sync and notifications started');
      await untilAborted(signal);
      await Promise.all([channels.stop(), socket?.stop()]);
      // Their problems are no longer this instance's to report.
      health.ok(CHANNELS_PART);
      if (socket) health.ok(NOTIFICATIONS_PART);
      ctx.log.info('IVMS channel sync and notifications stopped');
    });
    return {
      /** For tests: the parts of this instance. */
      internals: { channels, alerts, socket, health },
      /** Event snapshots/clips for this adapter's resolvers (services.adapterApi). */
      api,
      capabilities: { streams: ivmsStreamHandlers(streamClient, cfg, ctx.clock.nowMs) },
      stop: async () => {
        stopping.abort();
        await Promise.all([channels.stop(), socket?.stop(), alerts.stop()]);
      },
    };
  },
});
