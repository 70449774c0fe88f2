/**
 * The IVMS reply envelope `{status, code, description, message, uri, result}` and what it means.
 * Pure. The HTTP status is not enough: IVMS answers HTTP 200 with `code` 500 or 404, and some of its
 * documented replies are not valid JSON, so replies are read defensively:
 *
 * - success: `code` 200 and `status` 2xxx (2000 "Successfully Retrieved!", 2007 "Successfully
 *   Applied!"; a missing `status` is tolerated) → the `result` array;
 * - 1504 (or any `code` ≥ 500) → VENDOR_UNAVAILABLE "site VMS server down";
 * - 3110 → NOT_FOUND naming the channel (IVMS does not know it);
 * - 3002 → VENDOR_REJECTED (IVMS refused the request parameters);
 * - anything else, or a reply that is no envelope → VENDOR_REJECTED with what was wrong;
 * - invalid JSON: repaired where the document's own samples are broken (`[{ 501 }]`), else status
 *   and code are salvaged from the text, else HTTP 5xx → VENDOR_UNAVAILABLE, other → VENDOR_REJECTED.
 *
 * AppError details carry `vendorStatus` / `vendorCode` (GraphQL extensions) when known.
 */
import { AppError } from '../../sdk.ts';

export const IVMS_SITE_DOWN = 1504;
export const IVMS_BAD_CHANNEL = 3110;
export const IVMS_BAD_PARAMETERS = 3002;

export interface IvmsEnvelope {
  status: number | null;
  code: number | null;
  message: string;
  result: unknown[];
}

/** What a request was for, to name it in errors. */
export interface IvmsOperation {
  /** e.g. "channel list", "startlive". */
  what: string;
  /** The channel id the request names, for 3110. */
  channel?: string;
}

/** Printable, bounded vendor text for messages. */
export function vendorText(s: unknown, max = 160): string {
  const t = String(s ?? '')
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : null);

/**
 * Parse a reply body. Session ids are Java longs: integers past 2^53 are quoted before parsing so
 * no digit is lost. Returns null when the text is not JSON even after the known repairs.
 */
export function parseLenientJson(text: string): unknown {
  const safe = text.replace(/("(?:sesssionId|sessionId|sessionID)"\s*:\s*)(-?\d{16,})/g, '$1"$2"');
  try {
    return JSON.parse(safe);
  } catch {
    /* try the repairs below */
  }
  // The document's channel count sample: "result": [{ 501 }].
  const repaired = safe.replace(/\[\s*\{\s*(-?\d+)\s*\}\s*\]/g, '[$1]');
  if (repaired !== safe) {
    try {
      return JSON.parse(repaired);
    } catch {
      /* not repairable */
    }
  }
  return null;
}

/** status, code and message read from broken JSON text (the document's failure samples). */
function salvage(text: string): Partial<IvmsEnvelope> {
  const status = /"status"\s*:\s*(\d+)/.exec(text)?.[1];
  const code = /"code"\s*:\s*(\d+)/.exec(text)?.[1];
  const message = /"message"\s*:\s*"([^"]*)/.exec(text)?.[1];
  return { status: status ? Number(status) : null, code: code ? Number(code) : null, message: message ?? '' };
}

/** The envelope of a parsed reply, or null when it is none (no numeric `code`). */
export function toEnvelope(v: unknown): IvmsEnvelope | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  const code = num(o.code);
  if (code === null) return null;
  const result = Array.isArray(o.result) ? o.result : o.result == null ? [] : [o.result];
  return { status: num(o.status), code, message: vendorText(o.message ?? o.description ?? ''), result };
}

export function isSuccess(env: Pick<IvmsEnvelope, 'status' | 'code'>): boolean {
  return env.code === 200 && (env.status === null || (env.status >= 2000 && env.status < 3000));
}

/** The AppError for an envelope that does not say success. */
export function envelopeError(env: Partial<IvmsEnvelope>, op: IvmsOperation, note = ''): AppError {
  const status = env.status ?? null;
  const code = env.code ?? null;
  const said = `${[status, code].filter((x) => x !== null).join('/') || 'no status'}${env.message ? `: ${env.message}` : ''}`;
  const details = { vendorStatus: status, vendorCode: code };
  if (status === IVMS_SITE_DOWN) {
    return new AppError('VENDOR_UNAVAILABLE', `IVMS ${op.what}: site VMS server down (${said})${note}`, details);
  }
  if (status === IVMS_BAD_CHANNEL) {
    const which = op.channel !== undefined ? `channel ${op.channel}` : 'the channel';
    return new AppError('NOT_FOUND', `IVMS ${op.what}: IVMS does not know ${which} (${said})${note}`, details);
  }
  if (status === IVMS_BAD_PARAMETERS) {
    return new AppError('VENDOR_REJECTED', `IVMS ${op.what}: IVMS refused the request parameters (${said})${note}`, details);
  }
  if (code !== null && code >= 500) {
    return new AppError('VENDOR_UNAVAILABLE', `IVMS ${op.what}: server error (${said})${note}`, details);
  }
  return new AppError('VENDOR_REJECTED', `IVMS ${op.what} failed (${said})${note}`, details);
}

/**
 * The `result` array of a successful reply; throws the AppError the reply means otherwise.
 * `httpStatus` matters only when the body says nothing usable.
 */
export function readEnvelope(httpStatus: number, text: string, op: IvmsOperation): unknown[] {
  const parsed = parseLenientJson(text);
  if (parsed === null) {
    const partial = salvage(text);
    if (partial.status || partial.code) return throwIfFailure(partial, op, ' (reply was not valid JSON)');
    if (httpStatus >= 500) throw new AppError('VENDOR_UNAVAILABLE', `IVMS ${op.what}: HTTP ${httpStatus}`, { httpStatus });
    throw new AppError('VENDOR_REJECTED', `IVMS ${op.what}: reply is not valid JSON (HTTP ${httpStatus}, ${text.length} bytes: ${vendorText(text, 80) || 'empty'})`, { httpStatus });
  }
  const env = toEnvelope(parsed);
  if (!env) {
    if (httpStatus >= 500) throw new AppError('VENDOR_UNAVAILABLE', `IVMS ${op.what}: HTTP ${httpStatus}`, { httpStatus });
    throw new AppError('VENDOR_REJECTED', `IVMS ${op.what}: reply is not an IVMS envelope (no numeric "code"; HTTP ${httpStatus})`, { httpStatus });
  }
  if (!isSuccess(env)) throw envelopeError(env, op);
  if (httpStatus < 200 || httpStatus >= 300) {
    throw new AppError(httpStatus >= 500 ? 'VENDOR_UNAVAILABLE' : 'VENDOR_REJECTED', `IVMS ${op.what}: HTTP ${httpStatus} with a success envelope`, { httpStatus });
  }
  return env.result;
}

function throwIfFailure(partial: Partial<IvmsEnvelope>, op: IvmsOperation, note: string): never {
  const env = { status: partial.status ?? null, code: partial.code ?? null, message: vendorText(partial.message) };
  if (isSuccess(env)) throw new AppError('VENDOR_REJECTED', `IVMS ${op.what}: reply says success but is not valid JSON`);
  throw envelopeError(env, op, note);
}

/** Channel count from `result`: `[501]`, `["501"]` or `[{ "count": 501, … }]`. Null when absent. */
export function parseChannelCount(result: unknown[]): number | null {
  const first = result[0];
  const direct = num(first);
  if (direct !== null) return direct;
  if (typeof first === 'object' && first !== null) {
    const entries = Object.entries(first as Record<string, unknown>);
    const named = entries.find(([k, v]) => /count/i.test(k) && num(v) !== null);
    if (named) return num(named[1]);
    const numeric = entries.filter(([, v]) => typeof v === 'number');
    if (numeric.length === 1) return numeric[0][1] as number;
  }
  return null;
}

export interface StartedSession {
  sessionId: string;
  hlsUrl: string;
}

/** `result[0]` of startlive/startarchive: `sesssionId` (sic, three s; `sessionId` accepted) and `hlsURL`. */
export function parseStartResult(result: unknown[], op: IvmsOperation): StartedSession {
  const r = result[0];
  if (typeof r !== 'object' || r === null) throw new AppError('VENDOR_REJECTED', `IVMS ${op.what}: success reply without a session`);
  const o = r as Record<string, unknown>;
  const rawId = o.sesssionId ?? o.sessionId ?? o.sessionID;
  const sessionId = typeof rawId === 'number' && Number.isSafeInteger(rawId) ? String(rawId) : typeof rawId === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(rawId) ? rawId : null;
  if (!sessionId) throw new AppError('VENDOR_REJECTED', `IVMS ${op.what}: reply has no usable sesssionId (${vendorText(JSON.stringify(rawId ?? null), 40)})`);
  const hls = o.hlsURL ?? o.hlsUrl;
  if (typeof hls !== 'string' || !hls.trim()) throw new AppError('VENDOR_REJECTED', `IVMS ${op.what}: reply has no hlsURL`);
  return { sessionId, hlsUrl: hls.trim() };
}
