/**
 * Camlytics desktop app's local REST API (default port 48462), simulated from the vendor documents.
 *
 * GET /v1/json/events?limit=10&order=DESC&timeout=5 → JSON array of events.
 *   Inferred semantics (the documented API has no cursor):
 *   - The answer is always "the store ordered by event time, first `limit`": `order=DESC` (any case,
 *     the default) gives the newest `limit` events newest first; `order=ASC` gives the OLDEST `limit`
 *     events oldest first (what `ORDER BY time ASC LIMIT n` does — useless for real time, which is
 *     why public clients use DESC). Default limit 10.
 *   - Without `timeout` (or 0) it answers at once. With `timeout` (whole seconds, as a .NET int
 *     binding would demand: "0.5" → 400; capped at 300) it long-polls: it answers as soon as an event
 *     arrives that the store did not hold when the request started, else when the timeout elapses,
 *     each time with the latest selection; `[]` only while the store is empty.
 *   - So consecutive and overlapping polls return the same events again: clients de-duplicate on
 *     `event_id`. Bursts emitted in one tick are answered together.
 *   - Bad `limit`/`order`/`timeout` → 400 with a JSON error. Paths are case-insensitive (.NET routing).
 * GET /v1/json/channels → JSON array of channels. *Unverified*: path and shape are guesses from the
 *   docs ("channels with complete details — streaming URI, name"): `id`, `name`, `stream_uri` plus
 *   extra fields (`type`, `enabled`, `status`, `resolution`, `fps`).
 * Faults (`fault`, settable any time) apply to both endpoints; see CamlyticsFault.
 */
import http from 'node:http';
import type net from 'node:net';
import { httpUrl, listen } from '../kit/http.ts';
import { createRng, type Rng } from '../kit/rng.ts';
import { DEFAULT_CHANNELS, EventGenerator, channelDetails, formatDotNetTime, parseDotNetTime, type RestEvent, type SimChannel } from './events.ts';
import { buildAggregateWebhook, buildImmediateWebhook, lastAggregateWindow, postWebhook, windowMs, type WebhookKind, type WebhookResult } from './webhooks.ts';

export type { RestEvent, SimChannel } from './events.ts';

/**
 * - `down`: connections refused (listener closed, open connections destroyed)
 * - `html`: 200 with a text/html error page; `invalid-json`: 200 application/json, complete but unparsable body
 * - `http500`: 500 with an ASP.NET-style JSON error; `hang`: accepts, never answers
 * - `drop`: headers (full Content-Length) + half the body, then the socket is destroyed
 * - `duplicates`: answers at once with the events of the last non-empty answer, each twice
 * - `huge`: a valid JSON array larger than 20 MB
 */
export type CamlyticsFault = 'none' | 'down' | 'html' | 'invalid-json' | 'http500' | 'hang' | 'drop' | 'duplicates' | 'huge';

export interface CamlyticsSimulatorOptions {
  port?: number;
  host?: string;
  seed?: number | string;
  channels?: SimChannel[];
  /** Automatic events per second over all channels; 0 = off (default). */
  ratePerSec?: number;
  /** Host UTC offset used in every time (default +180 = +03:00 as in the seed). */
  utcOffsetMinutes?: number;
  /** Clock (epoch ms) for event times and aggregate windows; default Date.now. */
  now?: () => number;
  /** Events kept (oldest dropped first); default 10000. */
  maxStoredEvents?: number;
}

interface Stored {
  seq: number;
  ms: number;
  event: RestEvent;
  json: string;
}
interface Waiter {
  mark: number;
  limit: number;
  desc: boolean;
  res: http.ServerResponse;
  timer: NodeJS.Timeout;
}

const JSON_TYPE = 'application/json; charset=utf-8';

export class CamlyticsSimulator {
  readonly stats = { eventRequests: 0, maxConcurrentEventRequests: 0, channelRequests: 0, activeEventRequests: 0 };
  readonly utcOffsetMinutes: number;
  private readonly host: string;
  private port: number;
  private readonly gen: EventGenerator;
  /** Makes sample events for fault bodies without disturbing the main sequence. */
  private readonly sampleGen: EventGenerator;
  private readonly rng: Rng;
  private readonly clock: () => number;
  private readonly maxStored: number;
  private chans: SimChannel[];
  private store: Stored[] = [];
  private seq = 0;
  private last = { ms: -1, ticks: 0 };
  private lastReturned: string[] = [];
  private waiters = new Set<Waiter>();
  private wake: NodeJS.Immediate | undefined;
  private server: http.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly webhookAborts = new Set<AbortController>();
  private readonly listeners = new Set<(e: RestEvent) => void>();
  private rateTimer: NodeJS.Timeout | undefined;
  private readonly ratePerSec: number;
  private started = false;
  private currentFault: CamlyticsFault = 'none';
  private listening: Promise<void> = Promise.resolve();

  constructor(opts: CamlyticsSimulatorOptions = {}) {
    this.port = opts.port ?? 0;
    this.host = opts.host ?? '127.0.0.1';
    const seed = opts.seed ?? 'camlytics';
    this.utcOffsetMinutes = opts.utcOffsetMinutes ?? 180;
    this.gen = new EventGenerator(seed, this.utcOffsetMinutes);
    this.sampleGen = new EventGenerator(`${seed}/sample`, this.utcOffsetMinutes);
    this.rng = createRng(`${seed}/server`);
    this.clock = opts.now ?? Date.now;
    this.maxStored = opts.maxStoredEvents ?? 10_000;
    this.chans = [...(opts.channels ?? DEFAULT_CHANNELS)];
    this.ratePerSec = opts.ratePerSec ?? 0;
  }

  get url(): string {
    return httpUrl(this.host, this.port);
  }
  get channels(): readonly SimChannel[] {
    return this.chans;
  }
  /** Every stored event, oldest first. */
  get events(): RestEvent[] {
    return this.store.map((s) => s.event);
  }
  now(): number {
    return this.clock();
  }

  get fault(): CamlyticsFault {
    return this.currentFault;
  }
  /** 'down' closes the listener and drops every connection; leaving 'down' listens again on the same port. */
  set fault(f: CamlyticsFault) {
    const was = this.currentFault;
    this.currentFault = f;
    if (!this.started || was === f) return;
    if (f === 'down') this.closeListener();
    else if (was === 'down') {
      this.listening = this.listen();
      this.listening.catch(() => {}); // surfaced through whenReady()
    }
  }

  /** Resolves once the listener is up again after leaving the 'down' fault. */
  whenReady(): Promise<void> {
    return this.listening;
  }

  async start(): Promise<string> {
    if (this.started) return this.url;
    this.started = true;
    await this.listen();
    if (this.currentFault === 'down') this.closeListener();
    if (this.ratePerSec > 0) {
      const every = Math.max(10, 1000 / this.ratePerSec);
      let due = 0;
      this.rateTimer = setInterval(() => {
        due += (every * this.ratePerSec) / 1000;
        for (; due >= 1; due--) this.emit();
      }, every);
    }
    return this.url;
  }

  async stop(): Promise<void> {
    this.started = false;
    clearInterval(this.rateTimer);
    this.rateTimer = undefined;
    if (this.wake) clearImmediate(this.wake);
    this.wake = undefined;
    for (const w of this.waiters) clearTimeout(w.timer);
    this.waiters.clear();
    for (const a of this.webhookAborts) a.abort();
    await this.closeListener();
  }

  setChannels(channels: SimChannel[]): void {
    this.chans = [...channels];
  }

  /** Calls `listener` for every new event (also those made by `ratePerSec`); returns an unsubscribe function. */
  onEvent(listener: (e: RestEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(partial: Partial<RestEvent> = {}): RestEvent {
    const channel =
      this.chans.find((c) => c.id === partial.channel_id) ??
      (partial.channel_id || this.chans.length === 0 ? { id: partial.channel_id ?? DEFAULT_CHANNELS[0].id, name: partial.channel_name ?? 'Camera', streamUri: '' } : this.rng.pick(this.chans));
    const parsed = partial.time ? parseDotNetTime(partial.time) : Number.NaN;
    const ms = Number.isFinite(parsed) ? parsed : this.clock();
    // sub-millisecond digits grow within one millisecond so time strings sort like arrival
    const ticks = ms === this.last.ms ? Math.min(9999, this.last.ticks + this.rng.int(1, 50)) : this.rng.int(0, 9999);
    this.last = { ms, ticks };
    const event = { ...this.gen.next(channel, ms, ticks, partial.type), ...partial };
    if (partial.time && partial.timestamp === undefined && Number.isFinite(parsed)) event.timestamp = String(parsed);
    const item: Stored = { seq: ++this.seq, ms, event, json: JSON.stringify(event) };
    let i = this.store.length;
    while (i > 0 && this.store[i - 1].ms > ms) i--;
    this.store.splice(i, 0, item);
    if (this.store.length > this.maxStored) this.store.splice(0, this.store.length - this.maxStored);
    this.wake ??= setImmediate(() => this.wakeWaiters());
    for (const l of this.listeners) l(event);
    return event;
  }

  async sendWebhook(url: string, kind: WebhookKind, opts: { event?: RestEvent; since?: Date; body?: unknown; channelId?: string; timeoutMs?: number } = {}): Promise<WebhookResult> {
    let body = opts.body;
    if (body !== undefined) {
      /* sent as given */
    } else if (kind === 'immediate') body = buildImmediateWebhook(opts.event ?? this.emit());
    else {
      const channel = this.chans.find((c) => c.id === opts.channelId) ?? this.chans[0] ?? DEFAULT_CHANNELS[0];
      const latency = this.rng.int(50, 950);
      const win = opts.since ? { sinceMs: opts.since.getTime(), untilMs: opts.since.getTime() + windowMs(kind) } : lastAggregateWindow(kind, this.clock() - latency, this.utcOffsetMinutes, latency);
      body = buildAggregateWebhook({
        channel,
        rules: this.gen.rules(channel),
        events: this.events,
        ...win,
        offsetMinutes: this.utcOffsetMinutes,
        subMsTicks: this.rng.int(0, 9999),
      });
    }
    const abort = new AbortController();
    this.webhookAborts.add(abort);
    try {
      return await postWebhook(url, body, { timeoutMs: opts.timeoutMs, signal: abort.signal });
    } finally {
      this.webhookAborts.delete(abort);
    }
  }

  /** Formats `ms` the way this host writes times (.NET round-trip, host offset). */
  formatTime(ms: number): string {
    return formatDotNetTime(ms, this.utcOffsetMinutes);
  }

  private select(limit: number, desc: boolean): string[] {
    const part = desc ? this.store.slice(-limit).reverse() : this.store.slice(0, limit);
    return part.map((s) => s.json);
  }

  private wakeWaiters(): void {
    this.wake = undefined;
    for (const w of this.waiters) if (this.seq > w.mark) this.finish(w);
  }

  private finish(w: Waiter): void {
    clearTimeout(w.timer);
    this.waiters.delete(w);
    this.answerEvents(w.res, w.limit, w.desc);
  }

  private answerEvents(res: http.ServerResponse, limit: number, desc: boolean): void {
    const items = this.select(limit, desc);
    if (items.length > 0) this.lastReturned = items;
    send(res, 200, JSON_TYPE, `[${items.join(',')}]`);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const u = new URL(req.url ?? '/', 'http://camlytics');
    const path = u.pathname.toLowerCase().replace(/\/+$/, '');
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (path !== '/v1/json/events' && path !== '/v1/json/channels')
      return send(res, 404, JSON_TYPE, JSON.stringify({ Message: `No HTTP resource was found that matches the request URI '${u.pathname}'.` }));
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, JSON_TYPE, JSON.stringify({ Message: `The requested resource does not support http method '${req.method}'.` }));
    if (path === '/v1/json/channels') {
      this.stats.channelRequests++;
      const list = (): string[] => this.chans.map((c) => JSON.stringify(channelDetails(c)));
      if (
        answerFault(
          this.currentFault,
          res,
          list,
          () => channelDetails(this.chans[0] ?? DEFAULT_CHANNELS[0]),
          (b) => this.sendHuge(res, b),
        )
      )
        return;
      return send(res, 200, JSON_TYPE, `[${list().join(',')}]`);
    }
    this.stats.eventRequests++;
    this.stats.maxConcurrentEventRequests = Math.max(this.stats.maxConcurrentEventRequests, ++this.stats.activeEventRequests);
    // Open until answered or abandoned, whichever comes first: a large answer the client stops reading
    // stays on the socket until the server notices the close, after the client may already poll again.
    let open = true;
    const release = () => {
      if (open) this.stats.activeEventRequests--;
      open = false;
    };
    res.on('close', release);
    const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
    res.end = ((...args: unknown[]) => {
      release();
      return end(...args);
    }) as typeof res.end;
    const q = parseEventQuery(u.searchParams);
    if ('error' in q) return send(res, 400, JSON_TYPE, JSON.stringify({ Message: q.error }));
    const sample = (): RestEvent => this.store.at(-1)?.event ?? this.sampleGen.next(this.chans[0] ?? DEFAULT_CHANNELS[0], this.clock(), 0);
    const repeat = (): string[] => {
      const again = this.lastReturned.length ? this.lastReturned : this.select(q.limit, q.desc);
      return [...again, ...again];
    };
    if (
      answerFault(
        this.currentFault,
        res,
        () => this.select(q.limit, q.desc),
        sample,
        (b) => this.sendHuge(res, b),
        repeat,
      )
    )
      return;
    if (q.timeoutSec === 0) return this.answerEvents(res, q.limit, q.desc);
    const w: Waiter = { mark: this.seq, limit: q.limit, desc: q.desc, res, timer: setTimeout(() => this.finish(w), q.timeoutSec * 1000) };
    this.waiters.add(w);
    res.on('close', () => {
      clearTimeout(w.timer);
      this.waiters.delete(w);
    });
  }

  private readonly hugeCache = new Map<string, Buffer>();
  private sendHuge(res: http.ServerResponse, build: () => Buffer): void {
    const key = res.req.url?.toLowerCase().includes('channels') ? 'channels' : 'events';
    let body = this.hugeCache.get(key);
    if (!body) this.hugeCache.set(key, (body = build()));
    res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Length': body.length }).end(body);
  }

  private async listen(): Promise<void> {
    const server = http.createServer((req, res) => this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server = server;
    this.port = await listen(server, this.port, this.host);
  }

  private closeListener(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (!server?.listening) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) }).end(body);
}

type EventQuery = { limit: number; desc: boolean; timeoutSec: number } | { error: string };

function parseEventQuery(p: URLSearchParams): EventQuery {
  const int = (name: string, def: number, min: number): number | string => {
    const v = p.get(name);
    if (v === null || v === '') return def;
    return /^\d+$/.test(v.trim()) && Number(v) >= min ? Number(v) : `The value '${v}' is not valid for ${name}.`;
  };
  const limit = int('limit', 10, 1);
  const timeout = int('timeout', 0, 0);
  const order = (p.get('order') ?? 'desc').toLowerCase();
  if (typeof limit === 'string') return { error: limit };
  if (typeof timeout === 'string') return { error: timeout };
  if (order !== 'desc' && order !== 'asc') return { error: `The value '${p.get('order')}' is not valid for order.` };
  return { limit, desc: order === 'desc', timeoutSec: Math.min(timeout, 300) };
}

const HTML_ERROR_PAGE =
  '<!DOCTYPE html>\r\n<html><head><title>Camlytics - Error</title></head><body><h1>Server Error</h1>' + '<p>Object reference not set to an instance of an object.</p></body></html>';
const HUGE_BYTES = 21 * 1024 * 1024;

/** Answers `res` according to `fault`; false when the request should be answered normally. */
function answerFault(
  fault: CamlyticsFault,
  res: http.ServerResponse,
  selection: () => string[],
  sample: () => object,
  sendHuge: (build: () => Buffer) => void,
  repeat: () => string[] = () => [...selection(), ...selection()],
): boolean {
  switch (fault) {
    case 'none':
      return false;
    case 'down':
      res.socket?.destroy();
      return true; // a request that raced the listener closing
    case 'hang':
      return true;
    case 'html':
      send(res, 200, 'text/html; charset=utf-8', HTML_ERROR_PAGE);
      return true;
    case 'http500':
      send(res, 500, JSON_TYPE, JSON.stringify({ Message: 'An error has occurred.', ExceptionMessage: 'database is locked', ExceptionType: 'System.Data.SQLite.SQLiteException' }));
      return true;
    case 'duplicates':
      send(res, 200, JSON_TYPE, `[${repeat().join(',')}]`);
      return true;
    case 'invalid-json': {
      const full = `[${selection().join(',')}]`;
      send(res, 200, JSON_TYPE, full.slice(0, Math.max(1, Math.floor(full.length * 0.6))));
      return true;
    }
    case 'drop': {
      const full = Buffer.from(`[${selection().join(',')}]`);
      res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Length': full.length });
      res.write(full.subarray(0, Math.max(1, full.length >> 1)), () => res.socket?.destroy());
      return true;
    }
    case 'huge':
      sendHuge(() => {
        const base = sample() as Record<string, unknown>;
        const idKey = 'event_id' in base ? 'event_id' : 'id';
        const parts: string[] = [];
        let size = 1;
        for (let i = 0; size < HUGE_BYTES; i++) {
          const item = JSON.stringify({ ...base, [idKey]: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}` });
          parts.push(item);
          size += item.length + 1;
        }
        return Buffer.from(`[${parts.join(',')}]`);
      });
      return true;
  }
}
