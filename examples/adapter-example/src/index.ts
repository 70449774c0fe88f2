/**
 * HMAC webhook adapter plugin: a vendor pushes events as JSON webhooks signed with HMAC-SHA256
 * (`X-Webhook-Signature: v1=<hex>` over `${timestamp}.${body}`); each becomes an
 * HmacWebhookEvent. Optional health from the vendor's status endpoint.
 *
 * A plugin: its only import from the server is `unified-surveillance-api/sdk`.
 */
import { defineAdapter } from 'unified-surveillance-api/sdk';
import { hmacWebhookConfigSchema } from './config.ts';
import { StatusPoller } from './health.ts';
import { addHmacWebhookSchema, type HmacWebhookApi } from './schema.ts';
import { newDeliveryStats } from './stats.ts';
import { webhookHandler } from './webhook.ts';

export const hmacWebhookAdapter = defineAdapter({
  type: 'hmac-webhook',
  version: '1.0.0',
  sdk: '^1.0.0',
  description: 'Events pushed as JSON webhooks signed with HMAC-SHA256',
  configSchema: hmacWebhookConfigSchema,
  capabilities: [],
  graphqlPrefix: 'HmacWebhook',
  graphql: (builder, refs) => addHmacWebhookSchema(builder, refs, 'hmac-webhook'),
  start(ctx) {
    const stats = newDeliveryStats();
    ctx.route('POST', '/events', webhookHandler(ctx, stats));
    const status = ctx.config.statusUrl ? new StatusPoller(ctx, ctx.config.statusUrl) : null;
    status?.start();
    const api: HmacWebhookApi = { stats: () => ({ ...stats }) };
    return {
      api,
      stop: () => status?.stop(),
    };
  },
});

export default hmacWebhookAdapter;
