/**
 * The IVMS "Real-time events broadcasting by Web Socket Server" (document §4): `ws://host:port/notification`.
 * On open the server sends the handshake message; when the server closes a connection it first
 * sends the "Connection Closed!" message. Alerts carry no event id and there is no replay.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';

export interface IvmsAlertMessage {
  cameraId: number;
  cameraName: string;
  eventTime: string;
  alertMessage: string;
  alertType: number;
  base64imageUrl: string;
  eventDetails1: string;
}

export const NOTIFICATION_PATH = '/notification';
export const ACTIVITY_DETECTION = 209;

export const WS_OPEN_MESSAGE = { status: 1, code: 101, description: 'Web Socket Protocol Handshake', message: 'Connection Successful!', result: [] as never[] };
export const WS_CLOSE_MESSAGE = { status: 1, code: 101, description: 'Web Socket Protocol Handshake', message: 'Connection Closed!', result: [] as never[] };

const pad = (n: number): string => String(n).padStart(2, '0');

/** 'YYYY-MM-DD HH:MM:SS' in the simulator process's local time zone (the document gives no zone). */
export function formatEventTime(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The alert in the document's key order; the image is a `data:image/jpeg;base64,` URL. */
export function buildAlert(options: { cameraId: number; cameraName: string; eventTime: Date; alertMessage: string; alertType: number; jpeg: Buffer }): IvmsAlertMessage {
  return {
    cameraId: options.cameraId,
    cameraName: options.cameraName,
    eventTime: formatEventTime(options.eventTime),
    alertMessage: options.alertMessage,
    alertType: options.alertType,
    base64imageUrl: `data:image/jpeg;base64,${options.jpeg.toString('base64')}`,
    eventDetails1: 'NA',
  };
}

function rejectUpgrade(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/** Accepts WebSocket upgrades on /notification and broadcasts to every open connection. */
export class NotificationHub {
  refuse = false;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly clients = new Set<WebSocket>();

  constructor(private readonly onConnection: () => void) {}

  get connected(): number {
    return this.clients.size;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '').split('?')[0];
    if (path !== NOTIFICATION_PATH) return rejectUpgrade(socket, '404 Not Found');
    if (this.refuse) return rejectUpgrade(socket, '503 Service Unavailable');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.clients.add(ws);
      this.onConnection();
      ws.on('close', () => this.clients.delete(ws));
      ws.on('error', () => ws.terminate());
      ws.on('message', () => undefined); // the server ignores what clients send
      ws.send(JSON.stringify(WS_OPEN_MESSAGE));
    });
  }

  broadcast(message: unknown): number {
    const text = JSON.stringify(message);
    let sent = 0;
    for (const ws of this.clients) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      ws.send(text);
      sent++;
    }
    return sent;
  }

  /** Sends "Connection Closed!" then a close frame to every connection. */
  dropAll(code = 1000): void {
    for (const ws of this.clients) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      ws.send(JSON.stringify(WS_CLOSE_MESSAGE));
      ws.close(code);
    }
  }

  /** Drops every connection, waits up to `graceMs` for the closing handshakes, then cuts the rest. */
  async close(graceMs = 1000): Promise<void> {
    this.dropAll(1001);
    const pending = [...this.clients].map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) resolve();
          else ws.once('close', () => resolve());
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(pending),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
    for (const ws of this.clients) ws.terminate();
    this.clients.clear(); // the noServer WebSocketServer holds nothing else, so the hub can serve again
  }
}
