/**
 * A webhook receiver for sink tests, on a real socket: it verifies every request with the
 * `standardwebhooks` library (as a receiver in the field would) and records what it got. Its answer
 * is chosen per request by `behave` (default 200): a status, `hang` (never answer) or `close`
 * (destroy the connection mid-request).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';

export type Behaviour = number | 'hang' | 'close';

export interface Received {
  id: string;
  seq: string;
  body: any;
  headers: Record<string, string>;
  /** Signature valid for the secret set with `setSecret`. */
  verified: boolean;
  status: Behaviour;
}

export class WebhookReceiver {
  /** Every request, in arrival order. */
  readonly requests: Received[] = [];
  behave: (n: number, req: IncomingMessage) => Behaviour = () => 200;
  private secret: string | null = null;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(path = '/hook'): Promise<WebhookReceiver> {
    let r!: WebhookReceiver;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        let verified = false;
        try {
          if (r.secret) {
            new Webhook(r.secret).verify(raw, headers);
            verified = true;
          }
        } catch {
          verified = false;
        }
        const body = JSON.parse(raw);
        const status = r.behave(r.requests.length, req);
        r.requests.push({ id: headers['webhook-id'] ?? '', seq: body?.data?.seq, body, headers, verified, status });
        if (status === 'hang') return;
        if (status === 'close') return void req.socket.destroy();
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end('ok');
      });
    });
    server.on('connection', (s) => {
      r.sockets.add(s);
      s.on('close', () => r.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    r = new WebhookReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
    return r;
  }

  setSecret(secret: string): void {
    this.secret = secret;
  }

  /** Seqs of the requests answered 2xx, in order. */
  delivered(): string[] {
    return this.requests.filter((q) => typeof q.status === 'number' && q.status >= 200 && q.status < 300).map((q) => q.seq);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
