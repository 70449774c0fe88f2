/**
 * HTTP client of one VXG channel (camera) over the core's SSRF-safe fetch: `Authorization: Acc
 * <channel access token>`, deadlines, size caps, typed errors, paging, retries for idempotent calls.
 *
 * Address policy. The API host comes from the channel access token (or the `baseUrl` override):
 * it is operator-configured, not vendor-supplied, so requests to it pass `allowPrivate: true` (a
 * self-hosted VXG server or the simulator on 127.0.0.1 is legitimate). Those requests follow no
 * redirects (`maxRedirects: 0`), so an answer from that host cannot bounce us to another address.
 * Links that arrive in VXG data (thumbnails, downloads) are vendor-supplied: they go through the
 * strict policy (private/loopback refused, every redirect re-checked) and without our token,
 * unless their origin is exactly the configured API origin, which is then trusted as above.
 */
import type { SafeFetch, SafeFetchOptions, SafeResponse } from '../../sdk.ts';
import { AppError, backoffDelay, sleep, vendorRejected } from '../../sdk.ts';
import type { VxgChannel } from './config.ts';
import { isRetryable, vxgHttpError } from './errors.ts';
import { parseVxgEventType, parseVxgPage, parseVxgStoredEvent, vxgSettingsBody, type VxgEventType, type VxgEventTypeSettings, type VxgStoredEvent } from './map.ts';
import { formatVxgTime } from './time.ts';

export interface VxgClientOptions {
  fetch: SafeFetch;
  channel: VxgChannel;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Strings never to show in errors (the tokens). */
  secrets: readonly string[];
  /** Idempotent requests are retried this many times on VENDOR_UNAVAILABLE (default 2). */
  retries?: number;
  /** Base delay of the retry backoff (doubles, with equal jitter). */
  retryBaseMs?: number;
  /** The abortable sleep between retries (default: the SDK's, on real time; the adapter passes ctx.clock.sleep). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Page size of the event type listing (default 50). */
  pageSize?: number;
}

interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  what: string;
  notFoundMeans?: string;
  /** Safe to repeat (GET, PUT): retried with backoff when VXG is unavailable. */
  idempotent: boolean;
  /** An empty or non-JSON 2xx body is fine (trigger). */
  allowEmpty?: boolean;
}

const MAX_LIST_PAGES = 100;
const enc = encodeURIComponent;

export class VxgClient {
  readonly camid: number;
  private readonly origin: string;

  constructor(private readonly options: VxgClientOptions) {
    this.camid = options.channel.camid;
    this.origin = new URL(options.channel.apiBase).origin;
  }

  /** Every event type of the camera (all pages). */
  async listEventTypes(): Promise<VxgEventType[]> {
    const pageSize = this.options.pageSize ?? 50;
    const out: VxgEventType[] = [];
    for (let offset = 0, pages = 0; pages < MAX_LIST_PAGES; pages++) {
      const body = await this.request('GET', `cameras/${this.camid}/event_processing/events/`, {
        query: { limit: pageSize, offset },
        what: `the event types of camera ${this.camid}`,
        idempotent: true,
      });
      const page = this.page(body, 'event types');
      for (const obj of page.objects) out.push(this.parse(() => parseVxgEventType(obj)));
      offset += page.objects.length;
      if (!hasMore(page, offset, pageSize)) break;
    }
    return out;
  }

  /** Add a custom type; the answer describes it (null when it does not: re-read the list). */
  async addEventType(name: string, settings: VxgEventTypeSettings): Promise<VxgEventType | null> {
    const body = await this.request('POST', `cameras/${this.camid}/event_processing/events/`, {
      body: { name, ...vxgSettingsBody(settings) },
      what: `adding event type ${name} to camera ${this.camid}`,
      idempotent: false,
      allowEmpty: true,
    });
    return describesType(body, name) ? parseVxgEventType(body) : null;
  }

  /** Update a type's settings; the answer describes it (null when it does not: re-read the list). */
  async updateEventType(name: string, settings: VxgEventTypeSettings): Promise<VxgEventType | null> {
    const body = await this.request('PUT', `cameras/${this.camid}/event_processing/events/${enc(name)}/`, {
      body: { name, ...vxgSettingsBody(settings) },
      what: `updating event type ${name} of camera ${this.camid}`,
      notFoundMeans: `camera ${this.camid} has no VXG event type "${name}"`,
      idempotent: true,
      allowEmpty: true,
    });
    return describesType(body, name) ? parseVxgEventType(body) : null;
  }

  /** POST storage/events: VXG stores the event; answers it with its id. */
  async createEvent(name: string, time: Date, meta: Record<string, unknown> | null): Promise<VxgStoredEvent> {
    const body = await this.request('POST', 'storage/events/', {
      body: { camid: this.camid, name, time: formatVxgTime(time), ...(meta ? { meta } : {}) },
      what: `creating a ${name} event on camera ${this.camid}`,
      idempotent: false,
    });
    const filled = { camid: this.camid, name, time: formatVxgTime(time), ...(meta ? { meta } : {}), ...(body as object) };
    return this.parse(() => parseVxgStoredEvent(filled));
  }

  /** POST …/trigger/: the camera generates the event. The answer is undocumented: any 2xx is accepted. */
  async triggerEvent(name: string, time: Date, meta: Record<string, unknown> | null): Promise<{ id: string | null }> {
    const body = await this.request('POST', `cameras/${this.camid}/event_processing/events/${enc(name)}/trigger/`, {
      body: { time: formatVxgTime(time), ...(meta ? { meta } : {}) },
      what: `triggering ${name} on camera ${this.camid}`,
      notFoundMeans: `camera ${this.camid} has no event type ${name}`,
      idempotent: false,
      allowEmpty: true,
    });
    const id = (body as { id?: unknown } | null)?.id;
    return { id: typeof id === 'number' || (typeof id === 'string' && id) ? String(id) : null };
  }

  /** One page of stored events from `start` on (ascending by time). */
  async listStoredEvents(q: { start: Date; end?: Date; names?: string[]; limit: number; offset: number }) {
    const body = await this.request('GET', 'storage/events/', {
      query: {
        camid: this.camid,
        start: formatVxgTime(q.start),
        end: q.end ? formatVxgTime(q.end) : undefined,
        events: q.names?.length ? q.names.join(',') : undefined,
        order_by: 'time',
        include_meta: 'true',
        limit: q.limit,
        offset: q.offset,
      },
      what: `the stored events of camera ${this.camid}`,
      idempotent: true,
    });
    const page = this.page(body, 'stored events');
    const events: VxgStoredEvent[] = [];
    const bad: string[] = [];
    for (const obj of page.objects) {
      try {
        events.push(parseVxgStoredEvent(obj));
      } catch (e) {
        bad.push((e as Error).message);
      }
    }
    return { events, bad, count: page.objects.length, more: hasMore(page, q.offset + page.objects.length, q.limit) };
  }

  /** Fetch a link from VXG data (thumbnail, download) under the address policy described above. */
  async fetchLink(link: string, maxBytes: number): Promise<{ data: Buffer; contentType: string | undefined }> {
    let url: URL;
    try {
      url = new URL(link);
    } catch {
      throw vendorRejected('VXG link is not a URL');
    }
    const trusted = url.origin === this.origin;
    const res = await this.options.fetch(url, {
      timeoutMs: this.options.timeoutMs,
      maxBytes,
      signal: this.options.signal,
      ...(trusted ? { allowPrivate: true, maxRedirects: 0, headers: { authorization: `Acc ${this.options.channel.token}` } } : {}),
    });
    if (res.status < 200 || res.status >= 300) throw vxgHttpError(res.status, res.text(), { what: `a media link of camera ${this.camid}`, secrets: this.options.secrets });
    return { data: res.body, contentType: res.headers['content-type'] };
  }

  private async request(method: string, path: string, r: RequestOptions): Promise<unknown> {
    const url = new URL(`${this.options.channel.apiBase}/api/v2/${path}`);
    for (const [k, v] of Object.entries(r.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const opts: SafeFetchOptions = {
      method,
      headers: {
        authorization: `Acc ${this.options.channel.token}`,
        accept: 'application/json',
        ...(r.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: r.body !== undefined ? JSON.stringify(r.body) : undefined,
      timeoutMs: this.options.timeoutMs,
      maxBytes: 8 * 1024 * 1024,
      allowPrivate: true,
      maxRedirects: 0,
      signal: this.options.signal,
    };
    const retries = r.idempotent ? (this.options.retries ?? 2) : 0;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.options.fetch(url, opts);
        return this.answer(res, r);
      } catch (e) {
        if (attempt >= retries || !isRetryable(e) || this.options.signal?.aborted) throw e;
        const baseMs = this.options.retryBaseMs ?? 250;
        await (this.options.sleep ?? sleep)(backoffDelay(attempt, { baseMs, capMs: baseMs * 2 ** retries }), this.options.signal);
      }
    }
  }

  private answer(res: SafeResponse, r: RequestOptions): unknown {
    if (res.status < 200 || res.status >= 300) throw vxgHttpError(res.status, res.text(), { what: r.what, notFoundMeans: r.notFoundMeans, secrets: this.options.secrets });
    if (r.allowEmpty) {
      try {
        return res.body.length ? JSON.parse(res.text()) : null;
      } catch {
        return null;
      }
    }
    return res.json<unknown>();
  }

  private page(body: unknown, what: string) {
    return this.parse(() => parseVxgPage(body, what));
  }

  private parse<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof AppError) throw e;
      throw vendorRejected(`unexpected VXG answer: ${(e as Error).message}`);
    }
  }
}

const describesType = (body: unknown, name: string): boolean =>
  typeof body === 'object' && body !== null && (body as { name?: unknown }).name === name && typeof (body as { caps?: unknown }).caps === 'object';

/** More pages after `seen` objects: by total_count when given, else by a full page / a next link. */
function hasMore(page: { total: number | null; next: string | null; objects: unknown[] }, seen: number, limit: number): boolean {
  if (page.objects.length === 0) return false;
  if (page.total !== null) return seen < page.total;
  return page.next !== null || page.objects.length >= limit;
}
