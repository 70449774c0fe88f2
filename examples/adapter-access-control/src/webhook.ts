/**
 * POST /adapters/acme-access/{id}/events (PROTOCOL.md §1): read at most 64 KiB, check the
 * signature and the timestamp on the raw bytes BEFORE parsing anything, parse, publish, and answer
 * 200 only once ctx.publish() resolved (stored, or a retry of a stored event). Otherwise: 401 bad
 * or stale signature, 400 bad body, 413 too large (not retried by the controller), 503 store
 * unavailable with Retry-After (retried).
 */
import { AppError, readBody, sendError, sendJson, type AdapterContext, type RouteRequest } from 'unified-surveillance-api/sdk';
import type { AcmeAccessConfig } from './config.ts';
import { toEventInput } from './map.ts';
import { parseWebhookEvent } from './payload.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verify } from './signature.ts';

/** PROTOCOL.md §1.1: a body is at most 64 KiB. */
export const MAX_BODY_BYTES = 64 * 1024;

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export function webhookHandler(ctx: AdapterContext<AcmeAccessConfig>) {
  return async ({ req, res }: RouteRequest): Promise<void> => {
    try {
      const body = await readBody(req, MAX_BODY_BYTES);
      const check = verify(
        { signature: header(req.headers[SIGNATURE_HEADER]), timestamp: header(req.headers[TIMESTAMP_HEADER]), body },
        ctx.config.webhookSecret,
        ctx.clock.nowMs(),
        ctx.config.toleranceSec,
      );
      if (!check.ok) throw new AppError('UNAUTHENTICATED', check.reason);
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch (e) {
        throw new AppError('BAD_USER_INPUT', `body is not JSON: ${(e as Error).message}`);
      }
      const ev = parseWebhookEvent(json);
      const result = await ctx.publish(toEventInput(ev, json as Record<string, unknown>, ctx.config.timeZone));
      ctx.count(result.duplicate ? 'webhook.duplicates' : 'webhook.stored');
      sendJson(res, 200, { status: result.duplicate ? 'duplicate' : 'stored', seq: result.seq.toString() });
    } catch (err) {
      const code = err instanceof AppError ? err.code : 'INTERNAL';
      ctx.count(`webhook.rejected.${code}`);
      ctx.reportRejected(err);
      if (code === 'SERVICE_UNAVAILABLE') res.setHeader('retry-after', '5');
      if (err instanceof AppError && err.status < 500) ctx.log.info({ code, message: err.message }, 'webhook delivery refused');
      sendError(res, err, ctx.log);
    }
  };
}
