/**
 * The controller's REST API (PROTOCOL.md §2) through the core's ctx.fetch (deadline, size cap,
 * SSRF rules; the baseUrl host is allow-listed). Errors become the error codes clients see:
 * the controller unreachable, busy or rate-limiting → VENDOR_UNAVAILABLE; a refusal (bad key,
 * unknown door, bad request) → VENDOR_REJECTED; an offline door → VENDOR_UNAVAILABLE.
 */
import { vendorRejected, vendorUnavailable, type SafeFetch, type SafeResponse } from 'unified-surveillance-api/sdk';
import { parseActionAnswer, parseDoorList, type AcmeDoorState } from './payload.ts';

export const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,200}$/;

export interface ActionResult {
  actionId: string;
  /** The controller had already acted on this Idempotency-Key and answered its first answer. */
  replayed: boolean;
}

export type DoorAction = 'unlock' | 'lock' | 'hold-open';

export class AcmeAccessClient {
  constructor(
    private readonly fetch: SafeFetch,
    private readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  private url(path: string): string {
    return `${this.baseUrl.replace(/\/+$/, '')}${path}`;
  }

  async listDoors(signal?: AbortSignal): Promise<AcmeDoorState[]> {
    const res = await this.fetch(this.url('/doors'), { headers: { 'x-api-key': this.apiKey, accept: 'application/json' }, timeoutMs: 10_000, maxBytes: 1024 * 1024, signal });
    if (res.status !== 200) throw answerError(res, 'GET /doors');
    return parseDoorList(res.json());
  }

  /** unlock / lock / hold-open of one door, with the Idempotency-Key (the caller makes one when the client gave none). */
  async act(action: DoorAction, doorId: string, idempotencyKey: string, durationSec?: number | null, signal?: AbortSignal): Promise<ActionResult> {
    if (!IDEMPOTENCY_KEY.test(idempotencyKey)) throw vendorRejected('the idempotency key must be 1–200 characters [A-Za-z0-9._:-]');
    const body = durationSec === undefined || durationSec === null ? '{}' : JSON.stringify({ durationSec });
    const path = `/doors/${encodeURIComponent(doorId)}/${action}`;
    const res = await this.fetch(this.url(path), {
      method: 'POST',
      headers: { 'x-api-key': this.apiKey, 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': idempotencyKey },
      body,
      timeoutMs: 10_000,
      maxBytes: 64 * 1024,
      signal,
    });
    if (res.status !== 200 && res.status !== 202) throw answerError(res, `POST ${path}`);
    return parseActionAnswer(res.json());
  }
}

/** The controller's error answer (§2.5) → an AppError naming the request and the controller's own words. */
export function answerError(res: SafeResponse, what: string) {
  let code = '';
  let message = '';
  try {
    const e = (res.json() as { error?: { code?: unknown; message?: unknown } }).error;
    code = typeof e?.code === 'string' ? e.code.slice(0, 100) : '';
    message = typeof e?.message === 'string' ? e.message.slice(0, 300) : '';
  } catch {
    // not JSON: the status says enough
  }
  const text = `Acme controller answered ${what} with HTTP ${res.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
  if (res.status === 401) return vendorRejected(`${text} (check apiKey)`);
  if (res.status === 408 || res.status === 409 || res.status === 429 || res.status >= 500) return vendorUnavailable(text);
  return vendorRejected(text);
}
