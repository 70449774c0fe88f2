/**
 * The notification socket client against a real local WebSocket server: delivery, drops, refusals
 * with growing (capped) backoff, oversize messages, a silent server (no pong), and stop() leaving
 * nothing running.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { NotificationSocket, type NotificationSocketOptions } from '../../../src/adapters/ivms/notifications.ts';
import { Health } from '../../../src/adapters/ivms/health.ts';
import { systemClock } from '../../../src/core/time/clock.ts';
import { ManualClock } from '../../../src/core/time/manual-clock.ts';
import { waitFor } from '../../helpers/wait-for.ts';

interface TestServer {
  url: string;
  upgrades: number;
  refuse: boolean;
  clients: Set<WebSocket>;
  onConnection?: (ws: WebSocket, socket: import('node:net').Socket) => void;
  close(): Promise<void>;
}

async function wsServer(): Promise<TestServer> {
  const wss = new WebSocketServer({ noServer: true });
  const http: Server = createServer((_q, r) => r.writeHead(404).end());
  const t: TestServer = {
    url: '',
    upgrades: 0,
    refuse: false,
    clients: new Set(),
    close: async () => {
      for (const c of t.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
  http.on('upgrade', (req, socket, head) => {
    t.upgrades++;
    if (t.refuse) return void socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n');
    wss.handleUpgrade(req, socket, head, (ws) => {
      t.clients.add(ws);
      ws.on('close', () => t.clients.delete(ws));
      t.onConnection?.(ws, req.socket as import('node:net').Socket);
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  t.url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/notification`;
  return t;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function client(url: string, extra: Partial<NotificationSocketOptions> = {}) {
  const seen = { opens: 0, messages: [] as string[], downs: [] as Array<{ reason: string; retryInMs: number }> };
  const socket = new NotificationSocket({
    url,
    maxPayload: 1024,
    baseDelayMs: 20,
    maxDelayMs: 160,
    random: () => 1,
    clock: systemClock(),
    onOpen: () => void seen.opens++,
    onMessage: (t) => void seen.messages.push(t),
    onDown: (reason, retryInMs) => void seen.downs.push({ reason, retryInMs }),
    ...extra,
  });
  cleanups.push(() => socket.stop());
  socket.start();
  return { socket, seen };
}

describe('IVMS notification socket', () => {
  it('delivers messages and reconnects after the server drops it', async () => {
    const srv = await wsServer();
    cleanups.push(srv.close);
    srv.onConnection = (ws) => ws.send('{"status":1,"code":101,"message":"Connection Successful!"}');
    const { socket, seen } = client(srv.url);
    await waitFor(() => seen.messages.length === 1, 3000, 'handshake message');
    expect(socket.connected).toBe(true);
    for (const ws of srv.clients) ws.close(1001, 'going away');
    await waitFor(() => seen.opens === 2 && seen.messages.length === 2, 3000, 'reconnect');
    expect(seen.downs[0].reason).toBe('closed by server (1001 going away)');
    expect(socket.connects).toBe(2);
  });

  it('keeps retrying a refusing server with exponential backoff capped at maxDelayMs, then connects', async () => {
    const srv = await wsServer();
    cleanups.push(srv.close);
    srv.refuse = true;
    const { seen } = client(srv.url);
    await waitFor(() => seen.downs.length >= 6, 5000, 'six refusals');
    expect(seen.downs.slice(0, 6).map((d) => d.retryInMs)).toEqual([20, 40, 80, 160, 160, 160]);
    expect(seen.downs[0].reason).toMatch(/503/);
    srv.refuse = false;
    await waitFor(() => seen.opens === 1, 3000, 'connect after refusals');
  });

  it('retries when nothing listens (connection refused)', async () => {
    const srv = await wsServer();
    const url = srv.url;
    await srv.close();
    const { seen } = client(url);
    await waitFor(() => seen.downs.length >= 2, 3000, 'two failures');
    expect(seen.downs[0].reason).toMatch(/ECONNREFUSED/);
  });

  it('a message over maxPayload closes the connection (named) and it reconnects', async () => {
    const srv = await wsServer();
    cleanups.push(srv.close);
    let n = 0;
    srv.onConnection = (ws) => ws.send(++n === 1 ? 'x'.repeat(5000) : 'small');
    const { seen } = client(srv.url);
    await waitFor(() => seen.messages.includes('small'), 3000, 'second connection message');
    expect(seen.messages).toEqual(['small']);
    expect(seen.downs[0].reason).toBe('message over 1024 bytes');
  });

  it('a server that stops answering pings is dropped and reconnected', async () => {
    const srv = await wsServer();
    cleanups.push(srv.close);
    let n = 0;
    srv.onConnection = (_ws, sock) => {
      if (++n === 1) sock.pause(); // reads nothing more: pings are never answered
    };
    const { seen } = client(srv.url, { pingIntervalMs: 50 });
    await waitFor(() => seen.opens >= 2, 3000, 'reconnect after silence');
    expect(seen.downs[0].reason).toBe('no pong within 50 ms');
  });

  it('stop() closes the socket and nothing reconnects afterwards', async () => {
    const srv = await wsServer();
    cleanups.push(srv.close);
    const clock = new ManualClock();
    const { socket, seen } = client(srv.url, { clock });
    await waitFor(() => srv.clients.size === 1, 3000, 'connected');
    expect(clock.pending).toBe(1); // the ping interval
    await socket.stop();
    await waitFor(() => srv.clients.size === 0, 3000, 'server sees the close');
    expect(clock.pending).toBe(0);
    const upgrades = srv.upgrades;
    await clock.advance(60_000); // past any backoff and ping: a stray timer would reconnect or ping
    expect(srv.upgrades).toBe(upgrades);
    expect(seen.downs).toHaveLength(0);
  });

  it('stop() while refused leaves no retry behind', async () => {
    const srv = await wsServer();
    cleanups.push(srv.close);
    srv.refuse = true;
    const clock = new ManualClock();
    const { socket, seen } = client(srv.url, { clock });
    await waitFor(() => seen.downs.length >= 1, 3000, 'refused');
    expect(clock.pending).toBe(1); // the retry
    await socket.stop();
    expect(clock.pending).toBe(0);
    const upgrades = srv.upgrades;
    await clock.advance(60_000);
    expect(srv.upgrades).toBe(upgrades);
    expect(seen.downs).toHaveLength(1);
  });

  it('waits out the backoff on its clock: no reconnect before the delay, one right at it', async () => {
    const srv = await wsServer();
    cleanups.push(srv.close);
    srv.refuse = true;
    const clock = new ManualClock();
    const { seen } = client(srv.url, { clock });
    await waitFor(() => seen.downs.length === 1, 3000, 'refused');
    expect(seen.downs[0].retryInMs).toBe(20); // attempt 0: baseDelayMs, random 1 → the top of [d/2, d]
    const upgrades = srv.upgrades;
    await clock.advance(19);
    expect(srv.upgrades).toBe(upgrades);
    await clock.advance(1);
    await waitFor(() => seen.downs.length === 2, 3000, 'second refusal');
    expect(srv.upgrades).toBe(upgrades + 1);
    expect(seen.downs[1].retryInMs).toBe(40);
  });
});

describe('IVMS health and backoff', () => {
  it('READY, DEGRADED naming the problem, ERROR when every part is down', () => {
    const reports: Array<[string, string | undefined]> = [];
    const h = new Health(['channels', 'notifications'], (s, d) => void reports.push([s, d]));
    h.ok('channels');
    h.problem('notifications', 'socket down');
    h.problem('channels', 'site VMS down');
    h.problem('channels', 'site VMS down'); // unchanged: not reported again
    h.ok('notifications');
    h.problem('channels', 'count differs', 'warn');
    h.ok('channels');
    expect(reports).toEqual([
      ['READY', undefined],
      ['DEGRADED', 'socket down'],
      ['ERROR', 'socket down; site VMS down'],
      ['DEGRADED', 'site VMS down'],
      ['DEGRADED', 'count differs'],
      ['READY', undefined],
    ]);
  });
});
