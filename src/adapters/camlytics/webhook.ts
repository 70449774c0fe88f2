/**
 * POST /adapters/camlytics/{id}/webhook?token=…: immediate events and hourly/daily aggregates on
 * one URL. Camlytics signs nothing, so the secret is the `token` query parameter (compared in
 * constant time); a wrong or missing token answers 401 before the body is read. Immediate events
 * share the poller's dedupe key, so an event that also arrives by polling is stored once.
 * Aggregates go to the `aggregates` record collection, one record per channel and period.
 */
import { AppError, discardBody, readJsonBody, secretsEqual, sendError, sendJson, type AdapterContext, type RouteRequest } from '../../sdk.ts';
import { aggregateKey, classifyWebhook } from './aggregate.ts';
import type { CamlyticsConfig } from './config.ts';
import { mapCamlyticsEvent } from './map.ts';
import type { SeenEvents } from './seen.ts';
import { camlyticsTimeZoneOf } from './time.ts';

export const AGGREGATES_COLLECTION = 'aggregates';

export function camlyticsWebhookHandler(ctx: AdapterContext<CamlyticsConfig>, seen: SeenEvents) {
  const { config } = ctx;
  const timeZone = camlyticsTimeZoneOf(config.timezone, ctx.cameras);
  return async ({ req, res, query }: RouteRequest): Promise<void> => {
    try {
      if (!secretsEqual(query.get('token'), config.webhookToken)) {
        discardBody(req);
        throw new AppError('UNAUTHENTICATED', query.has('token') ? 'wrong webhook token' : 'missing webhook token: add ?token=… to the webhook URL');
      }
      const json = await readJsonBody(req, config.maxWebhookBytes);
      const body = classifyWebhook(json, timeZone);
      if (body.kind === 'immediate') {
        const input = mapCamlyticsEvent(body.event);
        const r = await ctx.publish(input);
        seen.add(input.dedupeKey); // a later poll returning it skips it without asking the store
        ctx.count(r.duplicate ? 'webhook.duplicates' : 'webhook.stored');
        sendJson(res, 200, { status: r.duplicate ? 'duplicate' : 'stored', seq: r.seq.toString() });
        return;
      }
      const a = body.aggregate;
      const key = aggregateKey(a);
      await ctx.records.put(AGGREGATES_COLLECTION, key, new Date(a.since), a).catch((e: unknown) => {
        ctx.log.error({ err: e }, 'Camlytics aggregate could not be stored');
        throw new AppError('SERVICE_UNAVAILABLE', 'the aggregate could not be stored; retry later');
      });
      ctx.count(`webhook.aggregates.${a.granularity.toLowerCase()}`);
      sendJson(res, 200, { status: 'stored', granularity: a.granularity, channelId: a.channelId, since: a.since, until: a.until });
    } catch (err) {
      const code = err instanceof AppError ? err.code : 'INTERNAL';
      ctx.count(`webhook.rejected.${code}`);
      ctx.reportRejected(err);
      if (err instanceof AppError && err.code === 'SERVICE_UNAVAILABLE') res.setHeader('retry-after', '5');
      if (err instanceof AppError && err.status < 500) ctx.log.info({ code, message: err.message }, 'Camlytics webhook rejected');
      sendError(res, err, ctx.log);
    }
  };
}
