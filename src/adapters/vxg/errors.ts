/**
 * VXG HTTP answers → typed errors (pure). 401/403/400/other 4xx → VENDOR_REJECTED with VXG's own
 * message; 404 → NOT_FOUND when the caller names what is missing (an event type), else
 * VENDOR_REJECTED; 408/429/5xx → VENDOR_UNAVAILABLE. Secrets are scrubbed from every message.
 */
import { AppError, notFound, vendorRejected, vendorUnavailable } from '../../sdk.ts';
import { scrubSecrets } from './map.ts';

const MESSAGE_KEYS = ['errorDetail', 'error_message', 'detail', 'message', 'error', 'errorType', 'status_text'];

/** VXG's own explanation from an error body (JSON or text), at most 300 characters. */
export function vxgMessageOf(text: string): string {
  const trimmed = text.trim();
  try {
    const body = JSON.parse(trimmed) as unknown;
    if (typeof body === 'string') return body.slice(0, 300);
    if (typeof body === 'object' && body !== null) {
      const o = body as Record<string, unknown>;
      for (const k of MESSAGE_KEYS) if (typeof o[k] === 'string' && o[k]) return (o[k] as string).slice(0, 300);
      for (const k of MESSAGE_KEYS) if (typeof o[k] === 'object' && o[k] !== null) return JSON.stringify(o[k]).slice(0, 300);
      return JSON.stringify(body).slice(0, 300);
    }
  } catch {
    /* not JSON */
  }
  return (
    trimmed
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 300) || 'no message'
  );
}

export interface VxgErrorContext {
  /** What we asked for, e.g. "trigger of door_bell on camera 101". */
  what: string;
  /** A 404 means this named thing does not exist (→ NOT_FOUND); absent → VENDOR_REJECTED. */
  notFoundMeans?: string;
  secrets: readonly string[];
}

/** The AppError for a non-2xx VXG answer. */
export function vxgHttpError(status: number, bodyText: string, c: VxgErrorContext): AppError {
  const msg = scrubSecrets(vxgMessageOf(bodyText), c.secrets);
  if (status === 404 && c.notFoundMeans) return notFound(`${c.notFoundMeans} (VXG answered 404: ${msg})`);
  if (status === 408 || status === 429 || status >= 500) return vendorUnavailable(`VXG could not serve ${c.what} (HTTP ${status}): ${msg}`);
  if (status === 401 || status === 403) {
    return vendorRejected(`VXG refused ${c.what} (HTTP ${status}): ${msg} — check that the channel access token is valid and has "all" access`);
  }
  return vendorRejected(`VXG rejected ${c.what} (HTTP ${status}): ${msg}`);
}

/** Whether an error is worth retrying for an idempotent request (vendor down, not a refusal). */
export const isRetryable = (e: unknown): boolean => e instanceof AppError && e.code === 'VENDOR_UNAVAILABLE';
