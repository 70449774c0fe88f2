/**
 * POST /adapters/hmac-webhook/{id}/events: check the signature on the raw bytes, parse, publish.
 * Answers 200 only once the event is stored (a duplicate too), so the vendor retries anything
 * else: 401 bad signature, 400 bad body, 413 too large, 503 store unavailable (Retry-After).
 */
import { AppError, readBody, sendError, sendJson, type AdapterContext, type RouteRequest } from 'unified-surveillance-api/sdk';
import { secretsOf, type HmacWebhookConfig } from './config.ts';
import { toEventInput } from './map.ts';
import { parseWebhookEvent } from './payload.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verify } from './signature.ts';
import type { DeliveryStats } from './stats.ts';

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export function webhookHandler(ctx: AdapterContext<HmacWebhookConfig>, stats: DeliveryStats) {
  const secrets = secretsOf(ctx.config);
  return async ({ req, res }: RouteRequest): Promise<void> => {
    try {
      stats.received++;
      const body = await readBody(req, ctx.config.maxBodyBytes);
      const check = verify({ signature: header(req.headers[SIGNATURE_HEADER]), timestamp: header(req.headers[TIMESTAMP_HEADER]), body }, secrets, ctx.clock.now().getTime(), ctx.config.toleranceSec);
      if (!check.ok) {
        stats.badSignatures++;
        throw new AppError('UNAUTHENTICATED', check.reason);
      }
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch (e) {
        throw new AppError('BAD_USER_INPUT', `body is not JSON: ${(e as Error).message}`);
      }
      const ev = parseWebhookEvent(json);
      const result = await ctx.publish(toEventInput(ev, json as Record<string, unknown>));
      stats.lastDeliveryAt = ctx.clock.now();
      if (result.duplicate) stats.duplicates++;
      else stats.stored++;
      ctx.count(result.duplicate ? 'webhook.duplicates' : 'webhook.stored');
      sendJson(res, 200, { status: result.duplicate ? 'duplicate' : 'stored', seq: result.seq.toString() });
    } catch (err) {
      const code = err instanceof AppError ? err.code : 'INTERNAL';
      if (code === 'BAD_USER_INPUT') stats.badPayloads++;
      ctx.count(`webhook.rejected.${code}`);
      ctx.reportRejected(err);
      if (code === 'SERVICE_UNAVAILABLE') res.setHeader('retry-after', '5');
      if (err instanceof AppError && err.status < 500) ctx.log.info({ code, message: err.message }, 'webhook delivery refused');
      sendError(res, err, ctx.log);
    }
  };
}
