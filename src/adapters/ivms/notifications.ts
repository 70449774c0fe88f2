/**
 * Client of the IVMS notification WebSocket (`ws://<server>/notification`). It reconnects forever
 * with exponential backoff and jitter (reset once a connection has stayed up `stableMs`), bounds
 * message size (`maxPayload`), and detects a silently dead server with pings (no pong by the
 * next ping → terminate and reconnect). stop() closes the socket and leaves no timer behind.
 */
import WebSocket from 'ws';
import { backoffDelay, type Clock, type Timer } from '../../sdk.ts';

export interface NotificationSocketOptions {
  url: string;
  /** Largest message accepted (base64 snapshots are inline); a bigger one closes the connection (1009). */
  maxPayload: number;
  maxDelayMs: number;
  baseDelayMs?: number;
  stableMs?: number;
  pingIntervalMs?: number;
  handshakeTimeoutMs?: number;
  random?: () => number;
  /** Retry and ping timers, and how long a connection stayed up (ctx.clock). */
  clock: Clock;
  onOpen(): void;
  onMessage(text: string): void;
  /** The connection failed or dropped; the next attempt is in `retryInMs`. */
  onDown(reason: string, retryInMs: number): void;
}

export class NotificationSocket {
  private ws: WebSocket | null = null;
  private retryTimer: Timer | null = null;
  private pingTimer: Timer | null = null;
  private attempt = 0;
  private stopped = false;
  private openedAt = 0;
  /** Connections opened (for tests and counters). */
  connects = 0;

  constructor(private readonly options: NotificationSocketOptions) {}

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.options.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.stopPing();
    const ws = this.ws;
    this.ws = null;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        ws.terminate();
        resolve();
      }, 1000);
      ws.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000, 'client stopping');
    });
  }

  private connect(): void {
    if (this.stopped) return;
    let down = false;
    const ws = new WebSocket(this.options.url, {
      maxPayload: this.options.maxPayload,
      handshakeTimeout: this.options.handshakeTimeoutMs ?? 10_000,
      perMessageDeflate: false,
      followRedirects: false,
    });
    this.ws = ws;
    const fail = (reason: string) => {
      if (down) return;
      down = true;
      this.stopPing();
      if (this.ws === ws) this.ws = null;
      ws.removeAllListeners('message');
      if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
      if (this.stopped) return;
      if (this.openedAt && this.options.clock.nowMs() - this.openedAt >= (this.options.stableMs ?? 10_000)) this.attempt = 0;
      this.openedAt = 0;
      const delay = backoffDelay(this.attempt++, { baseMs: this.options.baseDelayMs ?? 500, capMs: this.options.maxDelayMs, random: this.options.random });
      this.retryTimer = this.options.clock.setTimeout(() => {
        this.retryTimer = null;
        this.connect();
      }, delay);
      this.options.onDown(reason, delay);
    };
    ws.on('open', () => {
      this.connects++;
      this.openedAt = this.options.clock.nowMs();
      this.startPing(ws, fail);
      this.options.onOpen();
    });
    ws.on('message', (data, isBinary) => {
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      if (isBinary && text.length === 0) return;
      this.options.onMessage(text);
    });
    ws.on('error', (err: NodeJS.ErrnoException) =>
      fail(err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? `message over ${this.options.maxPayload} bytes` : err.message || err.code || 'socket error'),
    );
    ws.on('close', (code, reason) => fail(`closed by server (${code}${reason.length ? ` ${reason.toString('utf8').slice(0, 80)}` : ''})`));
  }

  private startPing(ws: WebSocket, fail: (reason: string) => void): void {
    const every = this.options.pingIntervalMs ?? 30_000;
    let alive = true;
    ws.on('pong', () => {
      alive = true;
    });
    this.pingTimer = this.options.clock.setInterval(() => {
      if (!alive) return fail(`no pong within ${every >= 1000 ? `${every / 1000} s` : `${every} ms`}`);
      alive = false;
      ws.ping();
    }, every);
  }

  private stopPing(): void {
    this.options.clock.clearInterval(this.pingTimer);
    this.pingTimer = null;
  }
}
