/**
 * Camlytics (desktop video analytics) adapter: real-time events by REST long-poll, channels as
 * cameras, immediate and hourly/daily aggregate webhooks. Built on the public SDK only.
 *
 * Polling runs on one server instance of the deployment (ctx.runExclusive): the instance that
 * takes over continues from the cursor in the instance state. Webhooks are served by every instance.
 *
 * Camlytics being down never fails start(): the instance starts, shows DEGRADED/ERROR with the
 * reason and keeps retrying. Several Camlytics hosts are several instances.
 */
import { defineAdapter } from '../../sdk.ts';
import { ChannelSync } from './channel-sync.ts';
import { CamlyticsClient } from './client.ts';
import { camlyticsConfigSchema } from './config.ts';
import { CamlyticsHealth } from './health.ts';
import { CamlyticsPoller, CURSOR_STATE_KEY } from './poller.ts';
import { addCamlyticsSchema } from './schema.ts';
import { SeenEvents } from './seen.ts';
import { camlyticsWebhookHandler } from './webhook.ts';
import { camlyticsTimeZoneOf } from './time.ts';

const untilAborted = (signal: AbortSignal) => new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));

export const camlyticsAdapter = defineAdapter({
  type: 'camlytics',
  version: '1.0.0',
  sdk: '^2.0.0',
  description: 'Camlytics video analytics: REST long-poll of events, channels as cameras, immediate and aggregate webhooks',
  configSchema: camlyticsConfigSchema,
  capabilities: [],
  graphqlPrefix: 'Camlytics',
  graphql: (builder, refs) => addCamlyticsSchema(builder, refs, 'camlytics'),
  async start(ctx) {
    const c = ctx.config;
    const seen = new SeenEvents(Math.max(4 * c.pollLimit, 2000), c.lateEventToleranceSec * 1000, Math.min(2 * c.pollLimit, 2000));
    const health = new CamlyticsHealth((status, detail) => ctx.setStatus(status, detail));
    if (c.webhookToken) ctx.route('POST', '/webhook', camlyticsWebhookHandler(ctx, seen));
    else ctx.log.info('Camlytics webhooks disabled: no webhookToken configured');
    if (!c.restApi) return { stop: () => {} };

    const client = new CamlyticsClient(ctx.fetch, c);
    // Polling (and the channel list) runs on one server instance of the deployment; webhooks above on all.
    ctx.runExclusive('poll', async (signal) => {
      // The cursor as the previous holder (this instance or another) left it. A cursor the store
      // cannot give back is not fatal: the store's dedupe catches re-reads.
      seen.restore(await ctx.state.get(CURSOR_STATE_KEY).catch((err: unknown) => ctx.log.warn({ err }, 'Camlytics poll cursor could not be read')));
      if (signal.aborted) return;
      const poller = new CamlyticsPoller({
        client,
        config: c,
        timeZone: camlyticsTimeZoneOf(c.timezone, ctx.cameras),
        seen,
        health,
        state: ctx.state,
        publish: (input) => ctx.publish(input),
        count: (n, by) => ctx.count(n, by),
        reportRejected: (e) => ctx.reportRejected(e),
        log: ctx.log,
        now: () => ctx.clock.nowMs(),
        sleep: ctx.clock.sleep,
      });
      const channels = c.channelsPath ? new ChannelSync({ client, config: c, cameras: ctx.cameras, health, count: (n, by) => ctx.count(n, by), log: ctx.log, sleep: ctx.clock.sleep }) : null;
      poller.start(signal);
      channels?.start(signal);
      ctx.log.info({ host: client.host, pollTimeoutSec: c.pollTimeoutSec, pollLimit: c.pollLimit, channels: !!channels }, 'Camlytics polling started');
      await untilAborted(signal);
      await Promise.all([poller.stop(), channels?.stop()]);
      // Their problems are no longer this instance's to report.
      health.ok('events poll');
      health.ok('channels');
      ctx.log.info('Camlytics polling stopped');
    });
    return { stop: () => {} };
  },
});
