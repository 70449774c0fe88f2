/**
 * Bare floors, each the least a server must do for the same work, run in a child process like ours:
 * - tcpToDb: TCP split (the same JsonObjectFramer) → JSON.parse → single-flight batched multi-row
 *   INSERT (postgres.js `sql(rows)`, ≤1000 rows) of the same columns into the app's `events` table;
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

/** The row a minimal FF ingest would store, with the columns our writer fills. */
function toRow(j: J) {
  const dev = String(j.sensorProviderID ?? '');
  const plate = String(j.plateUTF8 ?? j.plateText ?? '');
  const norm = plate.toUpperCase().replace(/[\s-]/g, '');
  const trackId = `${dev}:${j.carID}`;
  const vi = j.vehicle_info ?? {};
  return {
    type_name: 'FfPlateEvent',
    kind: 'PLATE_READ',
    vendor_type: String(j.carState),
    occurred_at: new Date(Number(j.capture_timestamp)),
    received_at: new Date(),
    adapter: 'ff',
    instance: 'default',
    camera_id: `ff/default/${dev}`,
    dedupe_key: `${dev}|${j.carID}|${j.carState}|${j.capture_timestamp}|${norm}|${j.carMoveDirection}|${j.roiID}`,
    plate_normalized: norm,
    track_id: trackId,
    plate: JSON.stringify({
      plate,
      plateNormalized: norm,
      country: j.plateCountry,
      region: j.plateRegion,
      confidence: Number(j.plateConfidence),
      direction: j.carMoveDirection,
      phase: j.carState,
      trackId,
      vehicle: { type: vi.type, color: vi.color, make: vi.brand, model: vi.model },
    }),
    analytics: null,
    data: JSON.stringify({
      deviceId: dev,
      carId: j.carID,
      roiId: j.roiID,
      packetCounter: j.packetCounter,
      plateList: j.plateList,
      plateListMode: j.plateListMode,
      plateListDescription: j.plateListDescription,
      plateCoordinates: j.plateCoordinates,
      plateCoordinatesRelative: j.plateCoordinatesRelative,
      plateRegionCode: j.plateRegionCode,
      plateIso31662: j['plateISO3166-2'],
      geotag: j.geotag,
      geoTarget: j.GEOtarget,
      vehicleView: vi.view,
      mmrConfidence: vi.confidenceMMR,
      colorConfidence: vi.confidenceColor,
      deviceSerial: j.camera_info?.SerialNumber,
      deviceModel: j.camera_info?.ProdShortName,
      profileId: j.profileID,
      imagesUri: j.imagesURI,
      localDatetime: j.datetime,
    }),
    raw: JSON.stringify(j),
    media: '[]',
  };
}

export async function tcpToDbFloor(dbUrl: string) {
  const sql = postgres(dbUrl, { max: 2, onnotice: () => {} });
  let queue: ReturnType<typeof toRow>[] = [];
  let running = false;
  let scheduled = false;
  let failures = 0;
  const run = async () => {
    scheduled = false;
    running = true;
    while (queue.length) {
      const batch = queue.length <= 1000 ? queue : queue.slice(0, 1000);
      queue = queue.length <= 1000 ? [] : queue.slice(1000);
      await sql`insert into events ${sql(batch)}`.catch(() => void failures++);
    }
    running = false;
  };
  const server = net.createServer((socket) => {
    const framer = new JsonObjectFramer({ maxObjectBytes: 8 * 1024 * 1024 });
    socket.on('data', (chunk: Buffer) => {
      for (const o of framer.push(chunk)) if (o.type === 'object') queue.push(toRow(JSON.parse(o.text)));
      if (!running && !scheduled && queue.length) {
        scheduled = true;
        setImmediate(run);
      }
    });
    socket.on('error', () => undefined);
  });
  const tcpPort = await listen(server);
  return {
    info: { tcpPort },
    handlers: { stats: () => ({ failures, queued: queue.length }) },
    close: async () => {
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
