/**
 * Bare floors, each the least a server must do for the same work, run in a child process like ours:
 * - tcpIngest: the bare pipeline of issue 19: TCP split lines → JSON.parse → one multi-row
 *   INSERT … ON CONFLICT DO NOTHING of (dedupe key, kind, camera, plate, occurred_at, raw jsonb) per
 *   ≤ 500 events (single flight) → after its commit, a ws broadcast of each event to the subscribers;
 * - multipart: node:http + @fastify/busboy parse of the body, 200 after parsing, nothing stored;
 * - wsBroadcast: a `ws` server; fan-out sends one JSON string per event to every socket, and a TCP
 *   listener (split → JSON.parse → broadcast) is the bare ingest → subscriber pipeline.
 */
import net from 'node:net';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Busboy } from '@fastify/busboy';
import postgres from 'postgres';
import { WebSocketServer, type WebSocket } from 'ws';
import { JsonObjectFramer } from '../../src/adapters/ff/framer.ts';
import { pump } from './pump.ts';

const listen = (server: net.Server | http.Server) => new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));

// biome-ignore lint/suspicious/noExplicitAny: decoded FF JSON, read field by field like a minimal ingest would
type J = Record<string, any>;

/** The floor's table: the six columns of the bare pipeline, the dedupe key its primary key. */
const FLOOR_TABLE = `create table if not exists floor_events (
  dedupe_key text primary key, kind text not null, camera text not null, plate text, occurred_at timestamptz not null, raw jsonb not null)`;
const FLOOR_BATCH = 500;

/** Splits a byte stream into lines (LF or CRLF); a line is decoded once it is complete. */
function lineSplitter(onLine: (line: string) => void) {
  let rest: Buffer | null = null;
  return (chunk: Buffer) => {
    const buf = rest ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
      const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
      if (end > start) onLine(buf.toString('utf8', start, end));
      start = nl + 1;
    }
    rest = start < buf.length ? buf.subarray(start) : null;
  };
}

export async function tcpIngestFloor(dbUrl: string) {
  const sql = postgres(dbUrl, { max: 2, onnotice: () => {} });
  await sql.unsafe(FLOOR_TABLE);
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  const clients = new Set<WebSocket>();
  wss.on('connection', (ws) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('error', () => undefined);
  });
  type Row = { dedupe_key: string; kind: string; camera: string; plate: string; occurred_at: Date; raw: string };
  let queue: Row[] = [];
  let running = false;
  let failures = 0;
  let seq = 0;
  const run = async () => {
    running = true;
    while (queue.length) {
      const batch = queue.slice(0, FLOOR_BATCH);
      queue = queue.slice(batch.length);
      try {
        await sql`insert into floor_events ${sql(batch, 'dedupe_key', 'kind', 'camera', 'plate', 'occurred_at', 'raw')} on conflict do nothing`;
      } catch {
        failures++;
        continue;
      }
      for (const r of batch) {
        const text = JSON.stringify({ id: '1', type: 'next', payload: { data: { events: { seq: String(++seq), kind: r.kind, occurredAt: r.occurred_at.toISOString(), plate: r.plate } } } });
        for (const c of clients) c.send(text);
      }
    }
    running = false;
  };
  const tcp = net.createServer((socket) => {
    const split = lineSplitter((line) => {
      const j = JSON.parse(line) as J;
      const dev = String(j.sensorProviderID ?? '');
      const plate = String(j.plateUTF8 ?? j.plateText ?? '');
      queue.push({
        dedupe_key: `${dev}|${j.carID}|${j.carState}|${j.capture_timestamp}|${plate}|${j.carMoveDirection}|${j.roiID}`,
        kind: 'PLATE_READ',
        camera: `ff/default/${dev}`,
        plate,
        occurred_at: new Date(Number(j.capture_timestamp)),
        raw: line,
      });
    });
    socket.on('data', (chunk: Buffer) => {
      split(chunk);
      if (!running && queue.length) void run();
    });
    socket.on('error', () => undefined);
  });
  const [port, tcpPort] = [await listen(server), await listen(tcp)];
  return {
    info: { port, tcpPort },
    handlers: {
      clients: () => clients.size,
      stats: async () => {
        const [r] = await sql`select count(*)::int as n from floor_events`;
        return { failures, queued: queue.length, rows: r.n as number, subscribers: clients.size };
      },
    },
    close: async () => {
      for (const c of clients) c.terminate();
      tcp.close();
      server.close();
      await sql.end({ timeout: 2 });
    },
  };
}

export async function multipartFloor() {
  let ok = 0;
  const server = http.createServer({ keepAliveTimeout: 5000 }, (req, res) => {
    const bb = Busboy({ headers: req.headers as { 'content-type': string } });
    const parts: Array<{ name: string; data: Buffer }> = [];
    bb.on('file', (name: string, file: NodeJS.ReadableStream) => {
      const chunks: Buffer[] = [];
      file.on('data', (c: Buffer) => chunks.push(c));
      file.on('end', () => parts.push({ name, data: Buffer.concat(chunks) }));
    });
    bb.on('field', (name: string, value: string) => parts.push({ name, data: Buffer.from(value) }));
    bb.on('error', () => res.writeHead(400).end());
    bb.on('finish', () => {
      const ev = parts.find((p) => p.name === 'event');
      JSON.parse(ev ? ev.data.toString('utf8') : '{}');
      ok++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"stored"}');
    });
    req.pipe(bb);
  });
  const port = await listen(server);
  return { info: { port }, handlers: { stats: () => ({ ok }) }, close: async () => void server.close() };
}

export async function wsFloor() {
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  const clients = new Set<WebSocket>();
  let delivered = 0;
  const onSent = () => void delivered++;
  wss.on('connection', (ws) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('error', () => undefined);
  });
  const broadcast = (events: J) => {
    const text = JSON.stringify({ id: '1', type: 'next', payload: { data: { events } } });
    for (const c of clients) c.send(text, onSent);
  };
  // The bare pipeline: TCP split → JSON.parse → broadcast (same fields as the subscription selects).
  let seq = 0;
  const tcp = net.createServer((socket) => {
    const framer = new JsonObjectFramer({ maxObjectBytes: 8 * 1024 * 1024 });
    socket.on('data', (chunk: Buffer) => {
      for (const o of framer.push(chunk)) {
        if (o.type !== 'object') continue;
        const j = JSON.parse(o.text) as J;
        const dir = String(j.carMoveDirection).toUpperCase();
        broadcast({
          seq: String(++seq),
          kind: 'PLATE_READ',
          occurredAt: new Date(Number(j.capture_timestamp)).toISOString(),
          plate: j.plateUTF8,
          direction: dir === 'IN' || dir === 'OUT' ? dir : 'UNKNOWN',
        });
      }
    });
    socket.on('error', () => undefined);
  });
  const [port, tcpPort] = [await listen(server), await listen(tcp)];
  return {
    info: { port, tcpPort },
    handlers: {
      clients: () => clients.size,
      fanout: async (a: { events: J[]; batch: number; window: number }) =>
        pump({
          total: a.events.length,
          subscribers: clients.size,
          batch: a.batch,
          window: a.window,
          publish: (from, to) => {
            for (let i = from; i < to; i++) broadcast(a.events[i]);
          },
          delivered: () => delivered,
        }),
    },
    close: async () => {
      for (const c of clients) c.terminate();
      tcp.close();
      server.close();
    },
  };
}
