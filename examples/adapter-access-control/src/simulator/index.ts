/**
 * A stand-in for an Acme Access controller, written from PROTOCOL.md alone (it shares no code with
 * the adapter, so a mistake in the adapter's signature or client shows against it):
 *
 * - the REST API of §2 (`start()` → its base URL): doors, unlock / lock / hold-open with
 *   Idempotency-Key (a repeat within 24 h does not act again and answers `replayed: true`), the
 *   error answers of §2.5, a 4 KiB body limit, `X-Api-Key`;
 * - the webhook sender of §1: `emit(url)` signs and delivers a new event, `retryLast(url)`
 *   re-delivers the last one (same body, fresh timestamp and signature), `deliver()` sends anything;
 * - records every action it performed (`actions`, `unlocks`) and every request (`requests`);
 * - faults: `down = true` answers every API request 503 (`breakVendor`/`restoreVendor` of the
 *   conformance kit), `failNext(…)` answers the next requests with given errors, a door can be
 *   taken offline (`setDoor`).
 *
 * Time comes from `now()` (injectable): unlocked doors relock when their relockAt passes, without timers.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SimDoor {
  id: string;
  name: string;
  online: boolean;
  /** Unix ms until which the door is unlocked (0: locked). */
  unlockedUntil: number;
}

export interface SimEvent {
  id: string;
  type: string;
  occurred_at: string;
  door: { id: string; name?: string };
  credential?: { badge_id: string; holder?: string };
  reason?: string;
  battery?: { percent: number };
  [extra: string]: unknown;
}

export interface SimAction {
  actionId: string;
  action: 'unlock' | 'lock' | 'hold-open';
  door: string;
  durationSec: number | null;
  idempotencyKey: string | null;
  at: Date;
}

export interface SimRequest {
  method: string;
  path: string;
  idempotencyKey: string | null;
  status: number;
}

export interface Delivery {
  status: number;
  body: string;
}

export interface DeliverOptions {
  /** Sign with this secret instead of the controller's. */
  secret?: string;
  /** Acme-Timestamp (Unix seconds; default now). */
  timestamp?: number;
  /** Send these bytes instead of the event's JSON (still signed). */
  rawBody?: string;
  /** Send no Acme-Signature header. */
  unsigned?: boolean;
}

export interface SimFault {
  status: number;
  code: string;
  message?: string;
  retryAfterSec?: number;
}

export const SIM_EVENT_TYPES = ['access.granted', 'access.denied', 'door.opened', 'door.closed', 'door.forced_open', 'door.held_open', 'battery.low'] as const;
export const DENIAL_REASONS = ['unknown_badge', 'badge_expired', 'badge_revoked', 'outside_schedule', 'anti_passback', 'door_locked_down'] as const;

const ID = /^[A-Za-z0-9._:-]{1,64}$/;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,200}$/;
const MAX_BODY = 4 * 1024;
const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
const DEFAULT_UNLOCK_SEC = 5;

/** §1.1: HMAC-SHA256(secret, `${timestamp}.${body}`), lower-case hex. */
function signature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSec?: number,
  ) {
    super(message);
  }
}

interface Remembered {
  fingerprint: string;
  status: number;
  answer: Record<string, unknown>;
  at: number;
}

export class AcmeAccessController {
  /** Every API request answers 503 `unavailable` while true (maintenance). */
  down = false;
  readonly doors = new Map<string, SimDoor>();
  /** Actions the controller performed (a replayed Idempotency-Key adds none). */
  readonly actions: SimAction[] = [];
  readonly requests: SimRequest[] = [];
  readonly delivered: SimEvent[] = [];
  private readonly faults: SimFault[] = [];
  private readonly idempotency = new Map<string, Remembered>();
  private server: Server | null = null;
  private seq = 0;
  private actionSeq = 0;
  private lastSent: { event: SimEvent; body: string } | null = null;

  constructor(
    readonly apiKey: string,
    readonly webhookSecret: string,
    readonly now: () => number = Date.now,
    doors: ReadonlyArray<{ id: string; name: string; online?: boolean }> = [
      { id: 'D-1', name: 'Lobby north' },
      { id: 'D-2', name: 'Loading dock' },
      { id: 'D-3', name: 'Server room' },
    ],
  ) {
    for (const d of doors) this.doors.set(d.id, { id: d.id, name: d.name, online: d.online ?? true, unlockedUntil: 0 });
  }

  /** Unlock actions performed (not replays). */
  get unlocks(): SimAction[] {
    return this.actions.filter((a) => a.action === 'unlock');
  }

  stateOf(doorId: string): 'locked' | 'unlocked' {
    const d = this.doors.get(doorId);
    return d && d.unlockedUntil > this.now() ? 'unlocked' : 'locked';
  }

  /** Add a door or change one (e.g. `{ online: false }`). */
  setDoor(id: string, change: Partial<Omit<SimDoor, 'id'>> & { name?: string } = {}): void {
    const d = this.doors.get(id) ?? { id, name: change.name ?? id, online: true, unlockedUntil: 0 };
    this.doors.set(id, { ...d, ...change, id });
  }

  removeDoor(id: string): void {
    this.doors.delete(id);
  }

  /** The next requests answer these errors, one each, in order. */
  failNext(...faults: SimFault[]): void {
    this.faults.push(...faults);
  }

  /** Serve the REST API; returns its base URL (`http://127.0.0.1:<port>/api`), the adapter's `baseUrl`. */
  async start(): Promise<string> {
    if (this.server) return this.baseUrl();
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    return this.baseUrl();
  }

  baseUrl(): string {
    if (!this.server) throw new Error('controller not started');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ---- webhooks (§1) ----

  /** A new event (each call another id; types and doors cycle; `over.type` picks the type and its fields). */
  nextEvent(over: Partial<SimEvent> = {}): SimEvent {
    const n = ++this.seq;
    const type = over.type ?? SIM_EVENT_TYPES[(n - 1) % SIM_EVENT_TYPES.length];
    const doors = [...this.doors.values()];
    const door = doors[(n - 1) % Math.max(1, doors.length)] ?? { id: 'D-1', name: 'Lobby north' };
    const ev: SimEvent = { id: `ev_${String(n).padStart(8, '0')}`, type, occurred_at: new Date(this.now()).toISOString(), door: { id: door.id, name: door.name } };
    if (type.startsWith('access.')) ev.credential = { badge_id: `B-${String(4700 + n).padStart(6, '0')}`, holder: 'J. Doe' };
    if (type === 'access.denied') ev.reason = DENIAL_REASONS[n % DENIAL_REASONS.length];
    if (type === 'battery.low') ev.battery = { percent: 12 };
    return { ...ev, ...over };
  }

  /** Sign and POST one event to `url` (the adapter's /events route). */
  async deliver(url: string, event: SimEvent, o: DeliverOptions = {}): Promise<Delivery> {
    const body = o.rawBody ?? JSON.stringify(event);
    const timestamp = o.timestamp ?? Math.floor(this.now() / 1000);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'acme-timestamp': String(timestamp) };
    if (!o.unsigned) headers['acme-signature'] = signature(o.secret ?? this.webhookSecret, timestamp, body);
    const res = await fetch(url, { method: 'POST', headers, body });
    const text = await res.text();
    if (res.ok) this.delivered.push(event);
    this.lastSent = { event, body };
    return { status: res.status, body: text };
  }

  /** Deliver a new event; throws unless it was acknowledged (2xx). */
  async emit(url: string, over: Partial<SimEvent> = {}): Promise<SimEvent> {
    const event = this.nextEvent(over);
    const r = await this.deliver(url, event);
    if (r.status < 200 || r.status > 299) throw new Error(`delivery of ${event.id} answered ${r.status}: ${r.body}`);
    return event;
  }

  /** The controller retries the last event it sent: the same bytes, a fresh timestamp and signature. */
  async retryLast(url: string): Promise<Delivery> {
    if (!this.lastSent) throw new Error('nothing sent yet');
    return this.deliver(url, this.lastSent.event, { rawBody: this.lastSent.body });
  }

  // ---- REST API (§2) ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const method = req.method ?? 'GET';
    const keyHeader = req.headers['idempotency-key'];
    const idempotencyKey = typeof keyHeader === 'string' ? keyHeader : null;
    let status = 500;
    let answer: Record<string, unknown> = {};
    let retryAfterSec: number | undefined;
    try {
      const body = await readLimited(req);
      ({ status, answer } = this.route(method, path, req.headers['x-api-key'], idempotencyKey, body));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      status = e.status;
      answer = { error: { code: e.code, message: e.message } };
      retryAfterSec = e.retryAfterSec;
    }
    this.requests.push({ method, path, idempotencyKey, status });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (retryAfterSec !== undefined) headers['retry-after'] = String(retryAfterSec);
    res.writeHead(status, headers).end(JSON.stringify(answer));
  }

  private route(method: string, path: string, apiKey: string | string[] | undefined, idempotencyKey: string | null, body: string): { status: number; answer: Record<string, unknown> } {
    if (this.down) throw new ApiError(503, 'unavailable', 'the controller is in maintenance', 30);
    const fault = this.faults.shift();
    if (fault) throw new ApiError(fault.status, fault.code, fault.message ?? fault.code, fault.retryAfterSec);
    if (apiKey !== this.apiKey) throw new ApiError(401, 'unauthorized', 'X-Api-Key missing or wrong');
    if (method === 'GET' && path === '/api/doors') {
      return { status: 200, answer: { doors: [...this.doors.values()].map((d) => ({ id: d.id, name: d.name, state: this.stateOf(d.id), online: d.online })) } };
    }
    const m = /^\/api\/doors\/([^/]+)\/(unlock|lock|hold-open)$/.exec(path);
    if (!m) throw new ApiError(404, 'not_found', `no such resource: ${method} ${path}`);
    if (method !== 'POST') throw new ApiError(404, 'not_found', `${method} ${path}: use POST`);
    const doorId = decodeURIComponent(m[1]);
    const action = m[2] as SimAction['action'];
    if (idempotencyKey !== null && !IDEMPOTENCY_KEY.test(idempotencyKey)) throw new ApiError(400, 'invalid_request', 'Idempotency-Key: 1–200 characters [A-Za-z0-9._:-]');
    const durationSec = parseDuration(action, body);
    const fingerprint = JSON.stringify([action, doorId, durationSec]);
    const now = this.now();
    for (const [k, r] of this.idempotency) if (now - r.at > IDEMPOTENCY_TTL_MS) this.idempotency.delete(k);
    if (idempotencyKey !== null) {
      const seen = this.idempotency.get(idempotencyKey);
      if (seen && seen.fingerprint !== fingerprint) throw new ApiError(422, 'idempotency_key_reused', 'this Idempotency-Key was used for another request');
      if (seen) return { status: seen.status, answer: { ...seen.answer, replayed: true } };
    }
    const door = ID.test(doorId) ? this.doors.get(doorId) : undefined;
    if (!door) throw new ApiError(404, 'door_not_found', `no door ${doorId}`);
    if (!door.online) throw new ApiError(409, 'door_offline', `door ${doorId} cannot be reached`);
    const actionId = `act_${String(++this.actionSeq).padStart(6, '0')}`;
    const seconds = action === 'lock' ? 0 : (durationSec ?? DEFAULT_UNLOCK_SEC);
    door.unlockedUntil = action === 'lock' ? 0 : now + seconds * 1000;
    this.actions.push({ actionId, action, door: doorId, durationSec, idempotencyKey, at: new Date(now) });
    const answer: Record<string, unknown> = { actionId, door: doorId, state: action === 'lock' ? 'locked' : 'unlocked', replayed: false };
    if (action !== 'lock') answer.relockAt = new Date(door.unlockedUntil).toISOString();
    if (idempotencyKey !== null) this.idempotency.set(idempotencyKey, { fingerprint, status: 202, answer, at: now });
    return { status: 202, answer };
  }
}

async function readLimited(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new ApiError(413, 'too_large', `body over ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** §2.2–2.4: unlock takes an optional durationSec, hold-open a required one (1–3600), lock none. */
function parseDuration(action: SimAction['action'], body: string): number | null {
  let json: unknown = {};
  if (body.trim()) {
    try {
      json = JSON.parse(body);
    } catch {
      throw new ApiError(400, 'invalid_request', 'body is not JSON');
    }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ApiError(400, 'invalid_request', 'body must be a JSON object');
  const d = (json as { durationSec?: unknown }).durationSec;
  if (action === 'lock') return null;
  if (d === undefined && action === 'unlock') return null;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 3600) throw new ApiError(400, 'invalid_request', 'durationSec: an integer 1–3600');
  return d;
}
