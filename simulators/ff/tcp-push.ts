/**
 * TCP push client of an FF camera: the camera connects to the receiver and writes JSON objects;
 * nothing is read back. Framing is undocumented, so several variants are offered. packetCounter
 * is stamped at write time and restarts at "1" on every (re)connection.
 */
import net from 'node:net';
import { createRng, type Rng } from '../kit/rng.ts';
import { stampEvent, type FfJson } from './passes.ts';

/**
 * - `none`: objects back to back, no delimiter.
 * - `crlf` / `lf` / `nul`: each object followed by CR LF, LF or a NUL byte.
 * - `pretty`: each object pretty-printed over many lines (2-space indent), then LF.
 */
export type TcpFraming = 'none' | 'crlf' | 'lf' | 'nul' | 'pretty';
/**
 * - `per-object`: one socket write per object.
 * - `batch`: up to `batchSize` objects per write (flushed early after `batchLingerMs`).
 * - `fragments`: each object's bytes split into random pieces (down to 1 byte, UTF-8 sequences
 *   may be cut), written separately with Nagle off and a pause between pieces.
 */
export type TcpWriteStrategy = 'per-object' | 'batch' | 'fragments';

export interface TcpPushOptions {
  host: string;
  port: number;
  framing?: TcpFraming;
  writeStrategy?: TcpWriteStrategy;
  /** Objects per write in `batch` mode (default 100). */
  batchSize?: number;
  /** Max wait before a partial batch is written (default 20 ms). */
  batchLingerMs?: number;
  /** Fragment sizes and the pause between fragment writes (defaults 1–64 bytes, 1 ms). */
  fragment?: { minBytes?: number; maxBytes?: number; delayMs?: number };
  /** Pause before reconnecting after a close or a refused connection (default 1000 ms). */
  reconnectDelayMs?: number;
  seed?: number | string;
  onConnect?: (connection: number) => void;
  onClose?: (error?: Error) => void;
}

export interface TcpSendResult {
  ok: boolean;
  /** 1-based number of the connection the object went out on. */
  connection?: number;
  packetCounter?: string;
  /** The exact framed text written (object plus delimiter). */
  text?: string;
  error?: string;
}

export interface TcpStats {
  connections: number;
  writes: number;
  bytes: number;
  objects: number;
}

/** The framed text for one object. */
export function frameObject(obj: FfJson, framing: TcpFraming): string {
  switch (framing) {
    case 'none':
      return JSON.stringify(obj);
    case 'crlf':
      return `${JSON.stringify(obj)}\r\n`;
    case 'lf':
      return `${JSON.stringify(obj)}\n`;
    case 'nul':
      return `${JSON.stringify(obj)}\0`;
    case 'pretty':
      return `${JSON.stringify(obj, null, 2)}\n`;
  }
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Pending {
  event: FfJson;
  resolve: (r: TcpSendResult) => void;
}

export class TcpPushClient {
  readonly stats: TcpStats = { connections: 0, writes: 0, bytes: 0, objects: 0 };
  private socket: net.Socket | null = null;
  private isConnected = false;
  private stopped = false;
  private counter = 0;
  private chain: Promise<void> = Promise.resolve();
  private batch: Pending[] = [];
  private lingerTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private firstAttempt: Promise<boolean> | null = null;
  private readonly rng: Rng;
  private readonly framing: TcpFraming;
  private readonly strategy: TcpWriteStrategy;

  constructor(private readonly opts: TcpPushOptions) {
    this.rng = createRng(opts.seed ?? `${opts.host}:${opts.port}`);
    this.framing = opts.framing ?? 'none';
    this.strategy = opts.writeStrategy ?? 'per-object';
  }

  get connected(): boolean {
    return this.isConnected;
  }

  /** Starts connecting (and reconnecting forever); resolves with the first attempt's outcome. */
  start(): Promise<boolean> {
    this.stopped = false;
    this.firstAttempt ??= new Promise<boolean>((resolve) => this.connect(resolve));
    return this.firstAttempt;
  }

  private connect(settle?: (ok: boolean) => void): void {
    this.reconnectTimer = null;
    if (this.stopped) return settle?.(false);
    const socket = net.connect({ host: this.opts.host, port: this.opts.port });
    this.socket = socket;
    let error: Error | undefined;
    socket.setNoDelay(this.strategy === 'fragments');
    socket.on('connect', () => {
      this.isConnected = true;
      this.counter = 0; // packetCounter restarts with every connection
      this.stats.connections++;
      settle?.(true);
      this.opts.onConnect?.(this.stats.connections);
    });
    socket.on('data', () => undefined); // the receiver is not expected to answer; ignore anything
    socket.on('error', (err) => (error = err));
    socket.on('close', () => {
      this.isConnected = false;
      if (this.socket === socket) this.socket = null;
      settle?.(false);
      this.opts.onClose?.(error);
      if (!this.stopped) this.reconnectTimer = setTimeout(() => this.connect(), this.opts.reconnectDelayMs ?? 1000);
    });
  }

  /** Queues one event; resolves once it was written (ok) or could not be (not connected / error). */
  send(event: FfJson): Promise<TcpSendResult> {
    return new Promise<TcpSendResult>((resolve) => {
      if (this.strategy !== 'batch') {
        this.enqueue([{ event, resolve }]);
        return;
      }
      this.batch.push({ event, resolve });
      if (this.batch.length >= (this.opts.batchSize ?? 100)) this.flushBatch();
      else this.lingerTimer ??= setTimeout(() => this.flushBatch(), this.opts.batchLingerMs ?? 20);
    });
  }

  /** Writes any partial batch now and waits until every queued write is done. */
  async flush(): Promise<void> {
    this.flushBatch();
    await this.chain;
  }

  private flushBatch(): void {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    if (this.batch.length > 0) this.enqueue(this.batch.splice(0));
  }

  private enqueue(items: Pending[]): void {
    this.chain = this.chain.then(() => this.write(items));
  }

  /** Stamps and writes items as one unit; every item's promise is resolved here. */
  private async write(items: Pending[]): Promise<void> {
    const socket = this.socket;
    if (!socket || !this.isConnected || socket.destroyed) {
      for (const it of items) it.resolve({ ok: false, error: 'not connected' });
      return;
    }
    const connection = this.stats.connections;
    const framed = items.map((it) => {
      const packetCounter = String(++this.counter);
      return { it, packetCounter, text: frameObject(stampEvent(it.event, { packetCounter }), this.framing) };
    });
    const bytes = Buffer.from(framed.map((f) => f.text).join(''), 'utf8');
    try {
      if (this.strategy === 'fragments') {
        const f = this.opts.fragment ?? {};
        const [min, max] = [Math.max(1, f.minBytes ?? 1), Math.max(1, f.maxBytes ?? 64)];
        for (let off = 0; off < bytes.length; ) {
          const size = this.rng.int(min, Math.max(min, max));
          await this.writeChunk(socket, bytes.subarray(off, off + size));
          off += size;
          if (off < bytes.length) await delay(f.delayMs ?? 1);
        }
      } else {
        await this.writeChunk(socket, bytes);
      }
      this.stats.objects += items.length;
      for (const f of framed) f.it.resolve({ ok: true, connection, packetCounter: f.packetCounter, text: f.text });
    } catch (err) {
      for (const f of framed) f.it.resolve({ ok: false, connection, packetCounter: f.packetCounter, error: String(err) });
    }
  }

  private writeChunk(socket: net.Socket, chunk: Buffer): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (socket.destroyed || !socket.writable) return reject(new Error('socket closed'));
      this.stats.writes++;
      this.stats.bytes += chunk.length;
      socket.write(chunk, (err) => (err ? reject(err) : resolve()));
    });
  }

  /** Writes what is queued, closes the connection and stops reconnecting. No timers remain. */
  async stop(): Promise<void> {
    if (this.isConnected) await this.flush();
    else this.flushBatch();
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    await this.chain;
    const socket = this.socket;
    if (socket && !socket.destroyed) {
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => socket.destroy(), 1000);
        socket.once('close', () => {
          clearTimeout(kill);
          resolve();
        });
        socket.end();
      });
    }
    this.socket = null;
    this.firstAttempt = null;
  }
}
