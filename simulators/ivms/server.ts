/**
 * Videonetics IVMS Pro TS API server simulator, written from the vendor document (01_05, v1.5.1):
 * REST under `${pathPrefix}/REST/local/…`, HLS under /live/… and /archive/…, alerts over the
 * WebSocket at /notification. Faults apply to REST replies only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, httpUrl, listen } from '../kit/http.ts';
import { makeJpeg } from '../kit/images.ts';
import { createRng, type Rng } from '../kit/rng.ts';
import { checkChannels, defaultChannels, type SimChannel } from './channels.ts';
import { buildPlaylist, clipBytes, liveEdge, loadSegments, parseStreamPath, segmentAt, PLAYLIST_NAME, PLAYLIST_WINDOW, segmentName, streamDir, type SegmentSet, type StreamKind } from './hls.ts';
import { ACTIVITY_DETECTION, buildAlert, NotificationHub, type IvmsAlertMessage } from './notifications.ts';
import { brokenJsonBody, containerErrorPage, envelope, OUTCOMES, routeRest, type RestBackend, type RestReply } from './rest.ts';

export type IvmsFault = 'none' | 'site-down' | 'invalid-json' | 'http500' | 'hang';

export interface IvmsSimulatorOptions {
  port?: number;
  host?: string;
  /** '/V-Pro-IVMS-APIServer' (default); newer builds use '/i-apiserver'. */
  pathPrefix?: string;
  channels?: SimChannel[];
  seed?: number | string;
  /** A session expires unless kept alive within this many ms (default 60000). */
  sessionTtlMs?: number;
  /** Method(s) accepted by startarchive: the document says POST, the public connector uses GET. */
  archiveMethod?: 'POST' | 'GET' | 'both';
}

export interface SimSession {
  id: string;
  kind: 'live' | 'archive';
  channelId: number;
  keepalives: number;
  stopped: boolean;
  expired: boolean;
  lastKeepalive: number;
  /** Archive sessions: the start timestamp as received in the path (epoch ms, or s when under 1e11). */
  startTs?: number;
}

interface SessionRecord extends SimSession {
  startedAt: number;
  width: number;
  height: number;
  withAudio: boolean;
}

export interface IvmsSimulatorStats {
  startLive: number;
  startArchive: number;
  keepalives: number;
  stops: number;
  playlistFetches: number;
  segmentFetches: number;
  wsConnections: number;
  /** REST requests the 'hang' fault holds unanswered (until stop()). */
  hung: number;
}

interface EventSpec {
  snapBytes?: number;
  clipBytes?: number;
  slowMs?: number;
}

/** Segments already served but slid out of the playlist stay fetchable this long (in segments). */
const SEGMENT_GRACE = 10;

export class IvmsSimulator {
  fault: IvmsFault = 'none';
  readonly stats: IvmsSimulatorStats = { startLive: 0, startArchive: 0, keepalives: 0, stops: 0, playlistFetches: 0, segmentFetches: 0, wsConnections: 0, hung: 0 };
  private readonly records = new Map<string, SessionRecord>();
  readonly sessions: Map<string, SimSession> = this.records;
  private channels: SimChannel[];
  private readonly events = new Map<number, EventSpec>();
  private readonly hub = new NotificationHub(() => {
    this.stats.wsConnections++;
  });
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly rng: Rng;
  private readonly seedText: string;
  private readonly prefix: string;
  private readonly ttlMs: number;
  private readonly archiveMethods: string[];
  private server?: Server;
  private segments?: SegmentSet;
  private sweeper?: NodeJS.Timeout;
  private lastSessionId = 0;
  private lastPort?: number;
  private alertCount = 0;
  private baseUrl = '';

  constructor(private readonly opts: IvmsSimulatorOptions = {}) {
    this.channels = checkChannels(opts.channels ?? defaultChannels());
    this.seedText = String(opts.seed ?? 'ivms-sim');
    this.rng = createRng(this.seedText);
    this.prefix = (opts.pathPrefix ?? '/V-Pro-IVMS-APIServer').replace(/\/+$/, '');
    if (this.prefix && !this.prefix.startsWith('/')) this.prefix = `/${this.prefix}`;
    this.ttlMs = opts.sessionTtlMs ?? 60_000;
    const method = opts.archiveMethod ?? 'both';
    this.archiveMethods = method === 'both' ? ['GET', 'POST'] : [method];
  }

  get url(): string {
    return this.baseUrl;
  }
  get wsUrl(): string {
    return `${this.baseUrl.replace(/^http/, 'ws')}/notification`;
  }

  get refuseWebSockets(): boolean {
    return this.hub.refuse;
  }
  set refuseWebSockets(value: boolean) {
    this.hub.refuse = value;
  }

  async start(): Promise<string> {
    if (this.server) return this.baseUrl;
    this.segments = await loadSegments();
    const server = createServer((req, res) => this.handle(req, res));
    server.on('upgrade', (req, socket, head) => this.hub.handleUpgrade(req, socket, head));
    server.on('clientError', (_err, socket) => socket.destroy());
    const host = this.opts.host ?? '127.0.0.1';
    // A restart (start after stop) takes the same port again, like a rebooted IVMS server.
    const port = await listen(server, this.lastPort ?? this.opts.port ?? 0, host);
    this.server = server;
    this.lastPort = port;
    this.baseUrl = httpUrl(host, port);
    this.sweeper = setInterval(() => this.sweep(), Math.max(20, Math.min(1000, this.ttlMs / 4)));
    this.sweeper.unref();
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    clearInterval(this.sweeper);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.records.values()) if (!s.stopped) s.expired = true; // a restarted server knows no sessions
    await this.hub.close();
    await closeServer(server); // also ends requests held by the 'hang' fault
  }

  setChannels(channels: SimChannel[]): void {
    this.channels = checkChannels(channels);
  }

  addEvent(id: number, opts: EventSpec = {}): void {
    this.events.set(id, { ...opts });
  }

  dropWebSockets(): void {
    this.hub.dropAll();
  }

  alert(opts: { cameraId?: number; alertType?: number; alertMessage?: string; eventTime?: Date; imageBytes?: number } = {}): IvmsAlertMessage {
    const active = this.channels.filter((c) => c.status === 0);
    const fallback = active.length ? this.rng.pick(active) : this.channels[0];
    const cameraId = opts.cameraId ?? fallback?.id ?? 1;
    const channel = this.channels.find((c) => c.id === cameraId);
    const message = buildAlert({
      cameraId,
      cameraName: channel?.name ?? `Camera ${cameraId}`,
      eventTime: opts.eventTime ?? new Date(),
      alertMessage: opts.alertMessage ?? 'Activity Detection',
      alertType: opts.alertType ?? ACTIVITY_DETECTION,
      jpeg: makeJpeg(`ivms-alert ${this.seedText} ${++this.alertCount}`, opts.imageBytes ?? 8000),
    });
    this.hub.broadcast(message);
    return message;
  }

  // ---- sessions ----

  private isExpired(s: SessionRecord, now = Date.now()): boolean {
    if (!s.stopped && !s.expired && now - s.lastKeepalive > this.ttlMs) s.expired = true;
    return s.expired;
  }

  private sweep(): void {
    const now = Date.now();
    for (const s of this.records.values()) this.isExpired(s, now);
  }

  private liveSession(kind: StreamKind, id: string): SessionRecord | undefined {
    const s = this.records.get(id);
    return s && s.kind === kind && !s.stopped && !this.isExpired(s) ? s : undefined;
  }

  private startSession(kind: StreamKind, channel: SimChannel, width: number, height: number, withAudio: boolean, startTs?: number): { sessionId: number; hlsURL: string } {
    const now = Date.now();
    const sessionId = Math.max(now, this.lastSessionId + 1); // epoch-ms-like Longs, as in the document
    this.lastSessionId = sessionId;
    const id = String(sessionId);
    this.records.set(id, { id, kind, channelId: channel.id, keepalives: 0, stopped: false, expired: false, lastKeepalive: now, startedAt: now, width, height, withAudio, startTs });
    if (kind === 'live') this.stats.startLive++;
    else this.stats.startArchive++;
    const dir = streamDir({ kind, sessionId: id, channelId: channel.id, withAudio, width, height });
    return { sessionId, hlsURL: `${this.baseUrl}${dir}/${PLAYLIST_NAME}` };
  }

  private keepaliveSession(kind: StreamKind, id: string): boolean {
    const s = this.liveSession(kind, id);
    if (!s) return false;
    s.keepalives++;
    s.lastKeepalive = Date.now();
    this.stats.keepalives++;
    return true;
  }

  private stopSession(kind: StreamKind, id: string): boolean {
    const s = this.liveSession(kind, id);
    if (!s) return false;
    s.stopped = true;
    this.stats.stops++;
    return true;
  }

  private eventMedia(eventId: number, what: 'snap' | 'clip'): { body: Buffer; delayMs: number } | undefined {
    const spec = this.events.get(eventId);
    if (!spec || !this.segments) return undefined;
    const body = what === 'snap' ? makeJpeg(`ivms-event ${eventId}`, spec.snapBytes ?? 15_000) : clipBytes(this.segments, spec.clipBytes);
    return { body, delayMs: spec.slowMs ?? 0 };
  }

  private restBackend(): RestBackend {
    return {
      baseUrl: this.baseUrl,
      prefix: this.prefix,
      archiveMethods: this.archiveMethods,
      channels: () => this.channels,
      start: (...args) => this.startSession(...args),
      keepalive: (kind, id) => this.keepaliveSession(kind, id),
      stop: (kind, id) => this.stopSession(kind, id),
      eventMedia: (id, what) => this.eventMedia(id, what),
    };
  }

  // ---- HTTP ----

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    const method = req.method ?? 'GET';
    req.resume(); // bodies are ignored (startarchive's POST has none)
    if (path.startsWith(`${this.prefix}/REST/`) && this.fault !== 'none') return this.sendFault(res, path);
    const reply = routeRest(method, path, this.restBackend());
    if (reply) return this.sendRest(res, reply);
    if (method === 'GET' && this.serveHls(path, res)) return;
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
  }

  private sendFault(res: ServerResponse, path: string): void {
    switch (this.fault) {
      case 'site-down':
        return this.sendRest(res, { type: 'json', body: envelope(OUTCOMES.siteDown, `${this.baseUrl}${path}`) });
      case 'invalid-json':
        res.writeHead(200, { 'content-type': 'application/json' }).end(brokenJsonBody(`${this.baseUrl}${path}`));
        return;
      case 'http500':
        res.writeHead(500, { 'content-type': 'text/html;charset=utf-8' }).end(containerErrorPage());
        return;
      default:
        this.stats.hung++;
        return; // 'hang': never answer; stop() cuts the connection
    }
  }

  private sendRest(res: ServerResponse, reply: RestReply): void {
    if (reply.type === 'json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
    } else if (reply.type === 'plain') {
      res.writeHead(reply.httpStatus, { 'content-type': 'text/plain' }).end(reply.text);
    } else {
      const send = (): void => {
        if (res.destroyed) return;
        res
          .writeHead(200, {
            'content-type': reply.contentType,
            'content-length': reply.body.length,
            'content-disposition': `attachment; filename="${reply.filename}"`,
          })
          .end(reply.body);
      };
      if (reply.delayMs <= 0) return send();
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        send();
      }, reply.delayMs);
      this.timers.add(timer);
    }
  }

  /** Playlists and segments of live/kept-alive sessions; false when the path is no stream path. */
  private serveHls(path: string, res: ServerResponse): boolean {
    const p = parseStreamPath(path);
    if (!p || !this.segments) return false;
    const s = this.liveSession(p.kind, p.sessionId);
    if (!s || s.channelId !== p.channelId || s.width !== p.width || s.height !== p.height || s.withAudio !== p.withAudio) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return true;
    }
    const set = this.segments;
    const edge = liveEdge(s.startedAt, Date.now(), set.durationSec);
    if (p.segment === undefined) {
      // Live lists segments relative to the playlist, archive lists absolute URLs.
      const base = p.kind === 'archive' ? `${this.baseUrl}${streamDir(p)}/` : '';
      const body = buildPlaylist({ edge, durationSec: set.durationSec, uri: (seq) => base + segmentName(seq) });
      this.stats.playlistFetches++;
      res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'no-cache' }).end(body);
      return true;
    }
    if (p.segment > edge || p.segment < edge - PLAYLIST_WINDOW - SEGMENT_GRACE) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return true;
    }
    const body = segmentAt(set, p.segment);
    this.stats.segmentFetches++;
    res.writeHead(200, { 'content-type': 'video/mp2t', 'content-length': body.length }).end(body);
    return true;
  }
}
