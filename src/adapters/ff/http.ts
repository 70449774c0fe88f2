/**
 * POST /adapters/ff/{id}/events: multipart/form-data as cameras send it, or application/json with
 * base64 `ImageArray`. Answers 200 only after the event is durably stored (duplicates too).
 */
import type { IncomingMessage } from 'node:http';
import { AppError, discardBody, parseMultipart, readJsonBody, secretsEqual, sendError, sendJson, unsupportedMedia, type AdapterContext, type RouteRequest } from '../../sdk.ts';
import type { FfConfig } from './config.ts';
import { publishFfJson } from './ingest-event.ts';
import { splitFfParts } from './parts.ts';

/** Checks the instance's ingest secret (header key or basic auth). */
export function checkIngestAuth(req: IncomingMessage, auth: FfConfig['auth']): void {
  if (!auth) return;
  if ('key' in auth) {
    const got = req.headers[auth.header.toLowerCase()];
    if (typeof got === 'string' && secretsEqual(got, auth.key)) return;
    throw new AppError('UNAUTHENTICATED', `missing or wrong ${auth.header} header`);
  }
  const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  const decoded = m ? Buffer.from(m[1], 'base64').toString('utf8') : '';
  if (m && secretsEqual(decoded, `${auth.username}:${auth.password}`)) return;
  throw new AppError('UNAUTHENTICATED', 'missing or wrong basic auth credentials');
}

export function ffHttpHandler(ctx: AdapterContext<FfConfig>) {
  const limits = ctx.config.limits;
  return async ({ req, res }: RouteRequest): Promise<void> => {
    try {
      checkIngestAuth(req, ctx.config.auth);
      const type = (req.headers['content-type'] ?? '').toLowerCase();
      let result;
      if (type.startsWith('multipart/form-data')) {
        const parts = await parseMultipart(req, {
          maxFileBytes: Math.max(limits.maxImageBytes, limits.maxJsonBytes),
          maxFiles: limits.maxParts,
          maxFields: limits.maxParts,
          maxParts: limits.maxParts,
          maxFieldBytes: limits.maxJsonBytes,
        });
        const { json, images } = splitFfParts(parts, limits.maxJsonBytes);
        result = await publishFfJson(ctx, json, images);
      } else if (type.startsWith('application/json') || type.endsWith('+json')) {
        const json = await readJsonBody(req, limits.maxBodyBytes);
        result = await publishFfJson(ctx, json);
      } else {
        discardBody(req);
        throw unsupportedMedia(`content type: expected multipart/form-data or application/json, got ${type ? `"${type}"` : 'none'}`);
      }
      ctx.count(result.duplicate ? 'http.duplicates' : 'http.stored');
      sendJson(res, 200, { status: result.duplicate ? 'duplicate' : 'stored', seq: result.seq.toString() });
    } catch (err) {
      const code = err instanceof AppError ? err.code : 'INTERNAL';
      ctx.count(`http.rejected.${code}`);
      ctx.reportRejected(err);
      if (err instanceof AppError && err.code === 'SERVICE_UNAVAILABLE') res.setHeader('retry-after', '5');
      if (err instanceof AppError && err.status < 500) ctx.log.info({ code, message: err.message }, 'FF HTTP event rejected');
      sendError(res, err, ctx.log);
    }
  };
}
