/**
 * A small TCP proxy for fault tests, with a mode you switch at runtime:
 * - `pass`: forward as is;
 * - `slice`: forward in `bytes`-byte fragments (each its own write, `delayMs` apart);
 * - `cut`: after `afterBytes` more bytes client → server on a connection, close both sides (FIN):
 *   the server sees a stream that ends mid-object;
 * - `reset`: the same, but both sides are reset (RST via `socket.resetAndDestroy()`);
 * - `down`: every current connection is destroyed, new ones are reset at once, until the mode changes.
 * Between a "camera" and the FF TCP port it splits and breaks streams; between the app and
 * PostgreSQL (DATABASE_URL pointing at it) `down` is "PostgreSQL stopped" without touching the
 * shared server.
 */
import net, { type Socket } from 'node:net';
import { once } from 'node:events';

export type ProxyMode = { kind: 'pass' } | { kind: 'slice'; bytes: number; delayMs?: number } | { kind: 'cut'; afterBytes: number } | { kind: 'reset'; afterBytes: number } | { kind: 'down' };

interface Conn {
  client: Socket;
  server: Socket;
  /** Bytes forwarded client → server since the mode was set (cut/reset count from there). */
  upSinceMode: number;
  done: boolean;
}

export interface ProxyStats {
  connections: number;
  /** Connections reset on arrival while down. */
  refused: number;
  bytesUp: number;
  bytesDown: number;
  cuts: number;
  resets: number;
  /** Connections destroyed by switching to `down`. */
  dropped: number;
}

export class TcpFaultProxy {
  readonly stats: ProxyStats = { connections: 0, refused: 0, bytesUp: 0, bytesDown: 0, cuts: 0, resets: 0, dropped: 0 };
  private mode: ProxyMode = { kind: 'pass' };
  private readonly conns = new Set<Conn>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host?: string; port: number }, listenPort = 0): Promise<TcpFaultProxy> {
    let proxy!: TcpFaultProxy;
    const server = net.createServer({ allowHalfOpen: true }, (client) => proxy.accept(client));
    server.listen(listenPort, '127.0.0.1');
    await once(server, 'listening');
    proxy = new TcpFaultProxy(server, (server.address() as net.AddressInfo).port, { host: target.host ?? '127.0.0.1', port: target.port });
    return proxy;
  }

  get current(): ProxyMode {
    return this.mode;
  }

  get open(): number {
    return this.conns.size;
  }

  setMode(mode: ProxyMode): void {
    this.mode = mode;
    for (const c of this.conns) c.upSinceMode = 0;
    if (mode.kind === 'down') {
      for (const c of [...this.conns]) {
        this.stats.dropped += 1;
        this.finish(c, 'destroy');
      }
    }
  }

  async close(): Promise<void> {
    for (const c of [...this.conns]) this.finish(c, 'destroy');
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private accept(client: Socket): void {
    client.on('error', () => undefined);
    if (this.mode.kind === 'down') {
      this.stats.refused += 1;
      client.resetAndDestroy();
      return;
    }
    this.stats.connections += 1;
    client.setNoDelay(true);
    client.pause();
    const server = net.connect({ host: this.target.host, port: this.target.port, allowHalfOpen: true });
    server.setNoDelay(true);
    server.on('error', () => undefined);
    const conn: Conn = { client, server, upSinceMode: 0, done: false };
    this.conns.add(conn);
    server.once('connect', () => client.resume());
    client.once('close', () => this.finish(conn, 'destroy'));
    server.once('close', () => this.finish(conn, 'destroy'));
    this.pump(conn, 'up');
    this.pump(conn, 'down');
  }

  /** Forwards one direction in order, applying the mode to each chunk as it leaves. */
  private pump(c: Conn, dir: 'up' | 'down'): void {
    const from = dir === 'up' ? c.client : c.server;
    const to = dir === 'up' ? c.server : c.client;
    const queue: Buffer[] = [];
    let busy = false;
    let ended = false;
    const drain = async () => {
      busy = true;
      try {
        while (queue.length && !c.done) {
          let chunk = queue.shift()!;
          const mode = this.mode;
          if (dir === 'up' && (mode.kind === 'cut' || mode.kind === 'reset')) {
            const left = mode.afterBytes - c.upSinceMode;
            if (chunk.length >= left) {
              chunk = chunk.subarray(0, Math.max(0, left));
              c.upSinceMode += chunk.length;
              this.stats.bytesUp += chunk.length;
              if (mode.kind === 'cut') {
                this.stats.cuts += 1;
                c.done = true;
                this.conns.delete(c);
                to.end(chunk); // the bytes, then FIN
                from.destroy();
              } else {
                this.stats.resets += 1;
                if (chunk.length) await new Promise<void>((r) => to.write(chunk, () => r()));
                await new Promise((r) => setTimeout(r, 20)); // let the bytes arrive before the RST
                this.finish(c, 'reset');
              }
              queue.length = 0;
              return;
            }
          }
          if (dir === 'up') c.upSinceMode += chunk.length;
          if (dir === 'up') this.stats.bytesUp += chunk.length;
          else this.stats.bytesDown += chunk.length;
          if (mode.kind === 'slice') {
            for (let off = 0; off < chunk.length && !c.done; off += mode.bytes) {
              to.write(chunk.subarray(off, off + mode.bytes));
              if (mode.delayMs) await new Promise((r) => setTimeout(r, mode.delayMs));
              else if (to.writableNeedDrain) await drained(to);
            }
          } else if (!to.write(chunk)) {
            from.pause();
            await drained(to);
            from.resume();
          }
        }
        if (ended && !c.done) to.end();
      } finally {
        busy = false;
      }
    };
    from.on('data', (chunk: Buffer) => {
      queue.push(chunk);
      if (queue.length > 64) from.pause();
      if (!busy) void drain().then(() => from.isPaused() && !c.done && from.resume());
    });
    from.once('end', () => {
      ended = true;
      if (!busy) void drain();
    });
  }

  private finish(c: Conn, how: 'destroy' | 'reset'): void {
    if (!this.conns.has(c) && c.done) return;
    c.done = true;
    this.conns.delete(c);
    for (const s of [c.client, c.server]) {
      if (s.destroyed) continue;
      if (how === 'reset') s.resetAndDestroy();
      else s.destroy();
    }
  }
}

/** Resolves when `s` wants more data again, or is gone. */
function drained(s: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      s.off('drain', done);
      s.off('close', done);
      resolve();
    };
    s.on('drain', done);
    s.on('close', done);
  });
}
