/**
 * A stand-in for the vendor, for tests and demos: it makes events, signs and delivers them like
 * the vendor's webhook sender (a retry re-sends the same event id with a fresh timestamp and
 * signature), and serves the vendor's status endpoint (`down` makes it answer 503).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sign, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../signature.ts';

/** 16x16 grey baseline JPEG: the snapshot of every simulated event. */
export const SNAPSHOT_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD//gAMZmYtc2ltIHZ4Z//bAEMAAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAf/AAAsIABAAEAEBEQD/xAAfAAAAAAwAAAAAAAAAAAAAAAAAAQIDBAUGBwgJCgv/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/9oACAEBAAA/AI4FCemcJyD/2Q==',
  'base64',
);

const TYPES = ['motion.started', 'line.crossed', 'zone.entered', 'motion.ended', 'vendor.custom_alarm'] as const;

export interface SimEvent {
  id: string;
  type: string;
  occurred_at: string;
  camera: { id: string; name?: string };
  rule?: { id?: string; name?: string };
  object?: { class?: string; id?: string };
  data?: Record<string, unknown>;
  snapshot?: { content_type?: string; base64: string };
  [extra: string]: unknown;
}

export interface Delivery {
  status: number;
  body: string;
}

export interface DeliverOptions {
  /** Sign with this secret instead of the vendor's (a wrong secret). */
  secret?: string;
  /** Unix seconds of X-Webhook-Timestamp (default now). */
  timestamp?: number;
  /** Send these bytes instead of the event's JSON (still signed). */
  rawBody?: string;
}

export class HmacWebhookVendor {
  /** The status endpoint answers 503 while true. */
  down = false;
  readonly delivered: SimEvent[] = [];
  private server: Server | null = null;
  private seq = 0;

  constructor(
    private readonly secret: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Start the status endpoint; returns its URL (the adapter's `statusUrl`). */
  async start(): Promise<string> {
    const server = createServer((req, res) => {
      const up = !this.down && req.url === '/status';
      res.writeHead(up ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify(up ? { ok: true } : { ok: false, error: 'maintenance' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/status`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** A new event (each call another id and type, cycling), with a snapshot. */
  nextEvent(over: Partial<SimEvent> = {}): SimEvent {
    const n = ++this.seq;
    return {
      id: `evt_${String(n).padStart(6, '0')}`,
      type: TYPES[(n - 1) % TYPES.length],
      occurred_at: new Date(this.now()).toISOString(),
      camera: { id: `cam-${1 + (n % 3)}`, name: ['Lobby', 'Gate', 'Yard'][n % 3] },
      rule: { id: `rule-${1 + (n % 2)}`, name: n % 2 ? 'After hours' : 'Perimeter' },
      object: { class: 'person', id: String(100 + n) },
      data: { confidence: 0.9, zone: `z${n % 4}` },
      snapshot: { content_type: 'image/jpeg', base64: SNAPSHOT_JPEG.toString('base64') },
      ...over,
    };
  }

  /** Sign and POST one event to `url` (the adapter's /events route). */
  async deliver(url: string, event: SimEvent, o: DeliverOptions = {}): Promise<Delivery> {
    const body = o.rawBody ?? JSON.stringify(event);
    const timestamp = o.timestamp ?? Math.floor(this.now() / 1000);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: `v1=${sign(o.secret ?? this.secret, timestamp, body)}` },
      body,
    });
    const text = await res.text();
    if (res.ok) this.delivered.push(event);
    return { status: res.status, body: text };
  }

  /** Deliver a new event; throws unless the server stored it. */
  async emit(url: string, over: Partial<SimEvent> = {}): Promise<SimEvent> {
    const event = this.nextEvent(over);
    const r = await this.deliver(url, event);
    if (r.status !== 200) throw new Error(`delivery of ${event.id} answered ${r.status}: ${r.body}`);
    return event;
  }

  /** The vendor retries the last delivered event (its answer got lost): same id, new timestamp and signature. */
  async retryLast(url: string): Promise<Delivery> {
    const last = this.delivered.at(-1);
    if (!last) throw new Error('nothing delivered yet');
    return this.deliver(url, last);
  }
}
