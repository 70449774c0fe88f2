/**
 * A VXG Cloud VMS API (v2) simulator on loopback, written from the vendor documents only
 * (/work/shared/protocols/vxg.md): channel tokens, event types per camera, triggers, stored events.
 * Inferences are marked "inferred" in the comments of this folder.
 */
import http from 'node:http';
import { closeServer, httpUrl, listen, readBody } from '../kit/http.ts';
import { makeJpeg } from '../kit/images.ts';
import { createRng } from '../kit/rng.ts';
import { TokenRegistry, type VxgAccess } from './tokens.ts';
import { badParam, notFound, parseVxgTime, serializeEventType, serializeStoredEvent, toStoredEvent, VxgApiError, VxgStore, type SimCamera, type StoreStats, type StoredVxgEvent } from './store.ts';

/**
 * A fault the simulator plays until `fault` is set back to 'none': the connection dropped, HTTP 500,
 * HTTP 503 (VXG temporarily unavailable, "standard HTTP statuses" with a JSON body, vxg.md "Errors"),
 * no answer, a truncated JSON body.
 */
export type VxgFault = 'none' | 'down' | 'http500' | 'http503' | 'hang' | 'invalid-json';

export interface VxgSimulatorOptions {
  port?: number;
  host?: string;
  /** Default: two cameras, 248527 and 237863 (the ids in the vendor examples). */
  cameras?: SimCamera[];
  seed?: number | string;
  /** `meta.next`/`previous` as a path ("/api/v2/…?limit=20&offset=20", Tastypie style, default) or absolute URL. */
  pageLinks?: 'path' | 'absolute';
  /** Called when a trigger is accepted (benchmarks time the call's arrival). */
  onTrigger?: (camid: number, name: string) => void;
}

/** One small valid JPEG (16x16 gray, 204 bytes) for every thumbnail. */
const THUMB_JPEG = makeJpeg('vxg-sim thumbnail', 0);
/** An "ftyp" box only: enough bytes for a download to be checked, not a playable clip. */
const CLIP_BYTES = Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex');
const MAX_BODY = 1 << 20;
const MAX_LIMIT = 1000;

const R_TYPES = /^\/api\/v2\/cameras\/([^/]+)\/event_processing\/events\/$/;
const R_TYPE = /^\/api\/v2\/cameras\/([^/]+)\/event_processing\/events\/([^/]+)\/$/;
const R_TRIGGER = /^\/api\/v2\/cameras\/([^/]+)\/event_processing\/events\/([^/]+)\/trigger\/$/;
const R_STORAGE = /^\/api\/v2\/storage\/events\/$/;
const R_STORED = /^\/api\/v2\/storage\/events\/([^/]+)\/$/;
const R_MEDIA = /^\/sim\/media\/(thumbs|clips)\/(\d+)\.(?:jpg|mp4)$/;

interface Reply {
  status: number;
  body?: unknown;
  contentType?: string;
}
interface Call {
  method: string;
  url: URL;
  camid: number;
  access: VxgAccess;
  body: Record<string, unknown>;
}

export class VxgSimulator {
  fault: VxgFault = 'none';
  private readonly store: VxgStore;
  private readonly tokens: TokenRegistry;
  private readonly host: string;
  private readonly pageLinks: 'path' | 'absolute';
  private server?: http.Server;
  private port?: number;

  constructor(private readonly opts: VxgSimulatorOptions = {}) {
    const rng = createRng(opts.seed ?? `${Date.now()}-${Math.random()}`);
    this.host = opts.host ?? '127.0.0.1';
    this.pageLinks = opts.pageLinks ?? 'path';
    this.tokens = new TokenRegistry(rng);
    this.store = new VxgStore(
      opts.cameras ?? [
        { camid: 248527, name: 'Front door' },
        { camid: 237863, name: 'Parking' },
      ],
      rng,
    );
  }

  get url(): string {
    return this.port === undefined ? '' : httpUrl(this.host, this.port);
  }

  get stats(): StoreStats {
    return this.store.stats;
  }

  async start(): Promise<string> {
    if (this.server) return this.url;
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.on('connection', (socket) => {
      if (this.fault === 'down') socket.destroy();
    });
    this.port = await listen(server, this.opts.port ?? 0, this.host);
    this.server = server;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await closeServer(server);
  }

  /** Channel access token (base64 JSON) for a camera, pointing at this simulator. */
  tokenFor(camid: number, opts: { access?: VxgAccess } = {}): string {
    if (!this.store.hasCamera(camid)) throw new Error(`VxgSimulator: no camera ${camid}`);
    const port = this.port ?? this.opts.port;
    if (!port) throw new Error('VxgSimulator: start() first (or give a fixed port)');
    return this.tokens.channelToken(camid, opts.access ?? 'all', this.host, port);
  }

  /** The camera generates an event by itself; it is stored as VXG would store it. */
  cameraEvent(camid: number, name: string, opts: { time?: Date; meta?: Record<string, unknown>; withThumb?: boolean } = {}): StoredVxgEvent {
    const type = this.store.eventTypes(camid).find((t) => t.name === name);
    if (!type) throw new Error(`VxgSimulator: camera ${camid} does not support event type '${name}'`);
    const ms = opts.time ? opts.time.getTime() : Date.now();
    const record = this.store.cameraGenerated(camid, type, Math.floor(ms / 1000) * 1000, opts.meta ?? null, opts.withThumb);
    return toStoredEvent(record, this.url);
  }

  storedEvents(camid?: number): StoredVxgEvent[] {
    return this.store.allStored(camid).map((r) => toStoredEvent(r, this.url));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.store.stats.requests++;
    if (this.fault === 'down') return void req.socket.destroy();
    if (this.fault === 'hang') return; // never answered; stop() closes the socket
    if (this.fault === 'http500') return send(res, { status: 500, body: apiError(new VxgApiError(500, 'internal_error', 'simulated server error')) });
    if (this.fault === 'http503') return send(res, { status: 503, body: apiError(new VxgApiError(503, 'service_unavailable', 'simulated: temporarily unavailable')) });
    if (this.fault === 'invalid-json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"meta": {"limit": 20, "next": nu');
      return;
    }
    let reply: Reply;
    try {
      const { body: raw, size } = await readBody(req, MAX_BODY);
      if (size > MAX_BODY) throw new VxgApiError(413, 'too_large', 'request body too large');
      reply = this.route(req, raw);
    } catch (err) {
      const apiErr = err instanceof VxgApiError ? err : new VxgApiError(500, 'internal_error', String(err));
      if (apiErr.status === 401) this.store.stats.unauthorized++;
      reply = { status: apiErr.status, body: apiError(apiErr) };
    }
    if (res.destroyed) return;
    send(res, reply);
  }

  private route(req: http.IncomingMessage, raw: Buffer): Reply {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://sim');
    const path = url.pathname;
    const media = R_MEDIA.exec(path);
    if (media) return this.media(method, media[1], Number(media[2]));
    const m = R_TRIGGER.exec(path) ?? R_TYPE.exec(path) ?? R_TYPES.exec(path) ?? R_STORED.exec(path) ?? R_STORAGE.exec(path);
    if (!m) throw notFound(`no such endpoint: ${path}${path.endsWith('/') ? '' : " (VXG paths end with '/')"}`);
    const auth = this.tokens.verify(req.headers.authorization);
    if (!auth.ok) throw new VxgApiError(401, 'unauthorized', auth.detail);
    const call: Call = { method, url, camid: auth.camid, access: auth.access, body: parseJsonBody(method, raw) };
    if (R_STORAGE.test(path)) return this.storage(call);
    if (R_STORED.test(path)) return this.stored(call, m[1]);
    const camid = this.cameraFromPath(call, m[1]);
    const name = m[2] === undefined ? undefined : decodePathPart(m[2]);
    if (R_TRIGGER.test(path)) return this.triggerType(call, camid, name!);
    if (name !== undefined) return this.typeSettings(call, camid, name);
    return this.typeList(call, camid);
  }

  private typeList(call: Call, camid: number): Reply {
    if (call.method === 'GET') return { status: 200, body: this.envelope(call.url, this.store.eventTypes(camid).map(serializeEventType)) };
    allow(call, ['GET', 'POST']);
    requireAllAccess(call);
    return { status: 201, body: serializeEventType(this.store.addCustomType(camid, call.body)) };
  }

  private typeSettings(call: Call, camid: number, name: string): Reply {
    allow(call, ['GET', 'PUT']);
    if (call.method === 'GET') return { status: 200, body: serializeEventType(this.store.eventType(camid, name)) };
    requireAllAccess(call);
    return { status: 200, body: serializeEventType(this.store.updateType(camid, name, call.body)) };
  }

  private triggerType(call: Call, camid: number, name: string): Reply {
    allow(call, ['POST']);
    requireAllAccess(call);
    this.store.trigger(camid, name, call.body);
    this.opts.onTrigger?.(camid, name);
    return { status: 204 }; // response body undocumented (inferred: none)
  }

  private storage(call: Call): Reply {
    allow(call, ['GET', 'POST']);
    if (call.method === 'POST') {
      const camid = call.body.camid;
      if (!Number.isInteger(camid)) throw badParam('camid is required (integer)');
      this.checkCamera(call, camid as number);
      requireAllAccess(call);
      return { status: 201, body: serializeStoredEvent(toStoredEvent(this.store.createStored(call.body), this.url), true) };
    }
    const q = call.url.searchParams;
    const camid = q.has('camid') ? intParam(q, 'camid') : call.camid;
    this.checkCamera(call, camid);
    const order = q.get('order_by') ?? '-time';
    if (order !== 'time' && order !== '-time') throw badParam("order_by must be 'time' or '-time'");
    const hits = this.store.queryStored({
      camid,
      descending: order === '-time',
      names: q
        .get('events')
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      startMs: timeParam(q, 'start'),
      endMs: timeParam(q, 'end'),
    });
    const includeMeta = isTrue(q.get('include_meta'));
    return {
      status: 200,
      body: this.envelope(
        call.url,
        hits.map((r) => serializeStoredEvent(toStoredEvent(r, this.url), includeMeta)),
      ),
    };
  }

  private stored(call: Call, idText: string): Reply {
    allow(call, ['GET']);
    const record = /^\d+$/.test(idText) ? this.store.getStored(Number(idText)) : undefined;
    if (!record || record.camid !== call.camid) throw notFound(`event ${idText} not found`); // other cameras' events: 404 (inferred)
    return { status: 200, body: serializeStoredEvent(toStoredEvent(record, this.url), isTrue(call.url.searchParams.get('include_meta'))) };
  }

  private media(method: string, kind: string, id: number): Reply {
    if (method !== 'GET' && method !== 'HEAD') throw new VxgApiError(405, 'method_not_allowed', `${method} not allowed`);
    const record = this.store.getStored(id);
    const has = kind === 'thumbs' ? record?.thumb : record?.download;
    if (!has) throw notFound(`no ${kind === 'thumbs' ? 'thumbnail' : 'clip'} for event ${id}`);
    return kind === 'thumbs' ? { status: 200, body: THUMB_JPEG, contentType: 'image/jpeg' } : { status: 200, body: CLIP_BYTES, contentType: 'video/mp4' };
  }

  private cameraFromPath(call: Call, text: string): number {
    if (!/^\d+$/.test(text)) throw notFound(`camera ${text} not found`);
    this.checkCamera(call, Number(text));
    return Number(text);
  }

  /** Unknown camera → 404; a camera other than the token's → 403. */
  private checkCamera(call: Call, camid: number): void {
    if (!this.store.hasCamera(camid)) throw notFound(`camera ${camid} not found`);
    if (camid !== call.camid) throw new VxgApiError(403, 'forbidden', `the access token is not valid for camera ${camid}`);
  }

  /** Tastypie-style envelope; limit default 20, 0 → max, capped at 1000 (inferred). */
  private envelope(url: URL, all: unknown[]): Reply['body'] {
    const q = url.searchParams;
    let limit = q.has('limit') ? intParam(q, 'limit') : 20;
    if (limit === 0 || limit > MAX_LIMIT) limit = MAX_LIMIT;
    const offset = q.has('offset') ? intParam(q, 'offset') : 0;
    const link = (off: number): string => {
      const p = new URLSearchParams(q);
      p.set('limit', String(limit));
      p.set('offset', String(off));
      return `${this.pageLinks === 'absolute' ? this.url : ''}${url.pathname}?${p.toString()}`;
    };
    return {
      meta: {
        limit,
        next: offset + limit < all.length ? link(offset + limit) : null,
        offset,
        previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
        total_count: all.length,
      },
      objects: all.slice(offset, offset + limit),
    };
  }
}

function send(res: http.ServerResponse, reply: Reply): void {
  if (reply.body === undefined) return void res.writeHead(reply.status).end();
  if (Buffer.isBuffer(reply.body)) return void res.writeHead(reply.status, { 'content-type': reply.contentType ?? 'application/octet-stream' }).end(reply.body);
  res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
}

/** Error body; the shape is a guess (unverified against the real service). */
function apiError(err: VxgApiError): Record<string, unknown> {
  return { errorType: err.errorType, errorDetail: err.detail, status: err.status };
}

function allow(call: Call, methods: string[]): void {
  if (!methods.includes(call.method)) throw new VxgApiError(405, 'method_not_allowed', `${call.method} not allowed here`);
}

function requireAllAccess(call: Call): void {
  if (call.access !== 'all') throw new VxgApiError(403, 'forbidden', "this operation needs an access token with access 'all'");
}

function intParam(q: URLSearchParams, key: string): number {
  const v = q.get(key) ?? '';
  if (!/^\d+$/.test(v)) throw badParam(`${key} must be a non-negative integer`);
  return Number(v);
}

function timeParam(q: URLSearchParams, key: string): number | undefined {
  const v = q.get(key);
  if (v === null || v === '') return undefined;
  const ms = parseVxgTime(v);
  if (ms === null) throw badParam(`${key} must be YYYY-MM-DDTHH:MM:SS (UTC, no zone)`);
  return ms;
}

function decodePathPart(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw notFound(`bad path segment ${text}`);
  }
}

const isTrue = (v: string | null): boolean => v === 'true' || v === '1';

function parseJsonBody(method: string, raw: Buffer): Record<string, unknown> {
  if (method !== 'POST' && method !== 'PUT') return {};
  if (raw.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw badParam('request body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badParam('request body must be a JSON object');
  return value as Record<string, unknown>;
}
