/**
 * Requests to the Camlytics REST API through the core's safe fetch (deadline, response-size cap,
 * abortable). Answers that are not JSON are named for what they are (HTML page, invalid JSON,
 * empty) so the instance status says why polling is not working. Messages carry the host only,
 * never URL credentials or query strings.
 */
import { AppError, vendorRejected, vendorUnavailable, type SafeFetch } from '../../sdk.ts';
import type { CamlyticsConfig } from './config.ts';

export interface CamlyticsRequest {
  timeoutMs: number;
  signal?: AbortSignal;
}

export class CamlyticsClient {
  private readonly base: URL;

  constructor(
    private readonly fetch: SafeFetch,
    private readonly config: Pick<CamlyticsConfig, 'baseUrl' | 'eventsPath' | 'channelsPath' | 'pollLimit' | 'pollTimeoutSec' | 'maxResponseBytes'>,
  ) {
    this.base = new URL(config.baseUrl);
  }

  /** host[:port] for messages. */
  get host(): string {
    return this.base.host;
  }

  url(path: string, query: Record<string, string | number> = {}): URL {
    const u = new URL(this.base.href);
    u.pathname = `${u.pathname.replace(/\/+$/, '')}${path}`;
    u.search = '';
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, String(v));
    return u;
  }

  /** One long-poll: the newest `pollLimit` events, waiting up to `pollTimeoutSec` for new ones. */
  events(req: CamlyticsRequest): Promise<unknown> {
    const { pollLimit, pollTimeoutSec } = this.config;
    return this.getJson(this.config.eventsPath, { limit: pollLimit, order: 'DESC', timeout: pollTimeoutSec }, req);
  }

  channels(req: CamlyticsRequest): Promise<unknown> {
    if (!this.config.channelsPath) throw new Error('channelsPath is not configured');
    return this.getJson(this.config.channelsPath, {}, req);
  }

  async getJson(path: string, query: Record<string, string | number>, req: CamlyticsRequest): Promise<unknown> {
    const res = await this.fetch(this.url(path, query), {
      headers: { accept: 'application/json' },
      timeoutMs: req.timeoutMs,
      maxBytes: this.config.maxResponseBytes,
      signal: req.signal,
      maxRedirects: 0,
    });
    const where = `GET ${this.host}${path}`;
    if (res.status >= 500) throw withStatus(vendorUnavailable(`${where}: answered HTTP ${res.status}`), res.status);
    if (res.status < 200 || res.status >= 300) throw withStatus(vendorRejected(`${where}: answered HTTP ${res.status}`), res.status);
    return decodeJson(res.text(), res.headers['content-type'], where);
  }
}

function withStatus(e: AppError, status: number): AppError {
  return new AppError(e.code, e.message, { status });
}

/** Parse a vendor answer as JSON, or say what it was instead. */
export function decodeJson(text: string, contentType: string | undefined, where: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const trimmed = body.trim();
  const type = contentType ? ` (content-type ${contentType.split(';')[0].trim()})` : '';
  if (trimmed === '') throw vendorRejected(`${where}: answered an empty body instead of JSON${type}`);
  if (trimmed.startsWith('<')) throw vendorRejected(`${where}: answered HTML instead of JSON${type}`);
  try {
    return JSON.parse(trimmed);
  } catch (e) {
    throw vendorRejected(`${where}: answered invalid JSON${type}: ${(e as Error).message.slice(0, 120)}`);
  }
}

/** The HTTP status of a vendor answer carried by a client error, if any. */
export function statusOf(err: unknown): number | null {
  const s = err instanceof AppError ? err.details?.status : undefined;
  return typeof s === 'number' ? s : null;
}
