/**
 * A minimal WebSocket client over a raw TCP socket, so 100–1,000 subscribers cost the load
 * generator almost nothing: handshake, masked text frames out, unmasked frames in (text frames
 * handed over as Buffer slices, pings answered). No extensions, no fragmentation (servers here send
 * whole frames).
 */
import net from 'node:net';
import { randomBytes } from 'node:crypto';

export interface RawWsOptions {
  host: string;
  port: number;
  path: string;
  protocol?: string;
  onText(payload: Buffer): void;
  onClose?(code: number | null): void;
}

export class RawWs {
  private socket!: net.Socket;
  private buf: Buffer | null = null;
  closed = false;

  constructor(private readonly options: RawWsOptions) {}

  connect(timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: this.options.host, port: this.options.port });
      this.socket = s;
      s.setNoDelay(true);
      const timer = setTimeout(() => (s.destroy(), reject(new Error('websocket handshake timed out'))), timeoutMs);
      let head = Buffer.alloc(0);
      const onHandshake = (d: Buffer) => {
        head = Buffer.concat([head, d]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        s.off('data', onHandshake);
        clearTimeout(timer);
        const status = head.subarray(0, head.indexOf('\r\n')).toString();
        if (!/^HTTP\/1\.1 101/.test(status)) {
          s.destroy();
          return reject(new Error(`websocket upgrade refused: ${status}`));
        }
        s.on('data', (c: Buffer) => this.onData(c));
        const rest = head.subarray(end + 4);
        if (rest.length) this.onData(rest);
        resolve();
      };
      s.on('data', onHandshake);
      s.once('error', (e) => (clearTimeout(timer), reject(e)));
      s.on('error', () => undefined);
      s.once('close', () => {
        this.closed = true;
        this.options.onClose?.(null);
      });
      const key = randomBytes(16).toString('base64');
      s.write(
        `GET ${this.options.path} HTTP/1.1\r\nHost: ${this.options.host}:${this.options.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
          (this.options.protocol ? `Sec-WebSocket-Protocol: ${this.options.protocol}\r\n` : '') +
          '\r\n',
      );
    });
  }

  sendText(text: string): void {
    this.sendFrame(0x1, Buffer.from(text, 'utf8'));
  }

  close(): void {
    if (this.closed) return;
    this.sendFrame(0x8, Buffer.from([0x03, 0xe8]));
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private sendFrame(opcode: number, payload: Buffer): void {
    if (this.socket.destroyed) return;
    const n = payload.length;
    const headLen = n < 126 ? 2 : n < 65536 ? 4 : 10;
    const frame = Buffer.allocUnsafe(headLen + 4 + n);
    frame[0] = 0x80 | opcode;
    if (n < 126) frame[1] = 0x80 | n;
    else if (n < 65536) {
      frame[1] = 0x80 | 126;
      frame.writeUInt16BE(n, 2);
    } else {
      frame[1] = 0x80 | 127;
      frame.writeBigUInt64BE(BigInt(n), 2);
    }
    const mask = randomBytes(4);
    mask.copy(frame, headLen);
    for (let i = 0; i < n; i++) frame[headLen + 4 + i] = payload[i] ^ mask[i & 3];
    this.socket.write(frame);
  }

  private onData(chunk: Buffer): void {
    const b = this.buf ? Buffer.concat([this.buf, chunk]) : chunk;
    let i = 0;
    for (;;) {
      if (b.length - i < 2) break;
      const opcode = b[i] & 0x0f;
      let len = b[i + 1] & 0x7f;
      let p = i + 2;
      if (len === 126) {
        if (b.length - i < 4) break;
        len = b.readUInt16BE(i + 2);
        p = i + 4;
      } else if (len === 127) {
        if (b.length - i < 10) break;
        len = Number(b.readBigUInt64BE(i + 2));
        p = i + 10;
      }
      if (b.length < p + len) break;
      const payload = b.subarray(p, p + len);
      i = p + len;
      if (opcode === 0x1 || opcode === 0x2) this.options.onText(payload);
      else if (opcode === 0x9) this.sendFrame(0xa, Buffer.from(payload));
      else if (opcode === 0x8) {
        this.closed = true;
        this.options.onClose?.(payload.length >= 2 ? payload.readUInt16BE(0) : null);
        this.socket.end();
      }
    }
    this.buf = i < b.length ? Buffer.from(b.subarray(i)) : null;
  }
}
