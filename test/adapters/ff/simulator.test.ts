/**
 * FF camera simulator against plain receivers written here (node:http + a tiny multipart parser,
 * node:net + a brace-counting splitter), not against the FF adapter.
 */
import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { FfCameraSimulator, PassGenerator, TcpPushClient, type FfCameraOptions, type FfJson, type TcpFraming } from '@unified-surveillance/simulators/ff';
import { makeJpeg } from '@unified-surveillance/simulators/kit';
import { unusedPort } from '../../helpers/ports.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Received {
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** While `down`, connections are cut at once (the port stays bound: no free-port-then-bind race). */
async function httpReceiver(status: (n: number) => number = () => 200, initially: { down?: boolean } = {}) {
  const requests: Received[] = [];
  const state = { down: initially.down ?? false, cut: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(status(requests.length)).end('ok');
    });
  });
  server.on('connection', (socket) => {
    if (!state.down) return;
    state.cut++;
    socket.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const close = () => new Promise((r) => server.close(r));
  cleanups.push(close);
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/ff`, requests, close, state };
}

async function tcpReceiver(port = 0, onData?: (s: net.Socket, n: number) => void) {
  const conns: Array<{ chunks: Buffer[] }> = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    const conn = { chunks: [] as Buffer[] };
    conns.push(conn);
    sockets.add(s);
    s.on('data', (c) => {
      conn.chunks.push(c);
      onData?.(s, conns.length);
    });
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise((r) => server.close(r));
  });
  const bytes = (i = 0) => Buffer.concat(conns[i]?.chunks ?? []);
  return { port: (server.address() as net.AddressInfo).port, conns, bytes };
}

interface Part {
  name?: string;
  filename?: string;
  type?: string;
  data: Buffer;
}
/** Minimal multipart/form-data parser (independent of the simulator's builder). */
function parseMultipart(body: Buffer, contentType: string): Part[] {
  const boundary = /boundary=(.+)$/.exec(contentType)![1];
  const sep = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let pos = body.indexOf(sep);
  while (pos >= 0) {
    const start = pos + sep.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(sep, start);
    const raw = body.subarray(start + 2, next - 2); // skip CRLF after the boundary and before the next
    const split = raw.indexOf('\r\n\r\n');
    const head = raw.subarray(0, split).toString('utf8');
    parts.push({
      name: /name="([^"]*)"/.exec(head)?.[1],
      filename: /filename="([^"]*)"/.exec(head)?.[1],
      type: /content-type:\s*(.+)/i.exec(head)?.[1].trim(),
      data: raw.subarray(split + 4),
    });
    pos = next;
  }
  return parts;
}

/** Splits concatenated JSON text into objects by string- and escape-aware brace counting. */
function splitObjects(text: string): FfJson[] {
  const out: FfJson[] = [];
  let depth = 0,
    inStr = false,
    esc = false,
    start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inStr) {
      if (esc) esc = false;
      else if (c === '\\') esc = true;
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
  }
  return out;
}

const isJpeg = (b: Buffer) => b[0] === 0xff && b[1] === 0xd8 && b[b.length - 2] === 0xff && b[b.length - 1] === 0xd9;
const SAMPLE_MS = 1718373876372; // 2024-06-14T14:04:36.372Z, the documented sample

function camera(opts: Partial<FfCameraOptions>): FfCameraSimulator {
  const cam = new FfCameraSimulator({ deviceId: 'PRG-82', seed: 1, ratePerSec: 0, ...opts });
  cleanups.push(() => cam.stop());
  return cam;
}

describe('pass generator', () => {
  const passes = Array.from({ length: 150 }, (_, i) => new PassGenerator({ deviceId: 'PRG-82', seed: 3 }).next(SAMPLE_MS + i));
  const gen = new PassGenerator({ deviceId: 'PRG-82', seed: 3, brandKey: 'make' });
  const many = Array.from({ length: 150 }, (_, i) => gen.next(SAMPLE_MS + i * 60_000));

  it('sends every scalar as a string; geotag and coordinates as numbers', () => {
    for (const ev of many.flatMap((p) => p.events)) {
      const check = (v: unknown, path: string): void => {
        if (/^geotag\.(lat|lon)$/.test(path) || /^plateCoordinates(Relative)?\.\d$/.test(path)) expect(typeof v, path).toBe('number');
        else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) check(x, path ? `${path}.${k}` : k);
        else expect(typeof v, path).toBe('string');
      };
      check(ev.json, '');
      expect((ev.json.plateCoordinates as number[]).length).toBe(4);
      expect(ev.json.sensorProviderID).toBe('PRG-82');
      expect(ev.json.capture_ts).toBe(`${ev.json.capture_timestamp}000000`);
    }
  });

  it('orders a pass New → Update+ → Reliable → Lost with one carID and the documented timestamps', () => {
    for (const p of many) {
      const states = p.events.map((e) => e.json.carState).join(',');
      expect(states).toMatch(/^new(,update)+,reliable,lost$/);
      expect(new Set(p.events.map((e) => e.json.carID))).toEqual(new Set([p.carID]));
      const [first, last] = [p.events[0], p.events[p.events.length - 1]];
      expect(last.json.capture_timestamp).toBe(first.json.capture_timestamp);
      expect(last.json.frame_timestamp).toBe('0');
      expect(first.json.frame_timestamp).not.toBe('0');
      expect(first.json.carMoveDirection).toBe('unknown');
      const updates = p.events.filter((e) => e.carState === 'update').map((e) => Number(e.json.capture_timestamp));
      expect(updates[0]).toBeGreaterThan(Number(first.json.capture_timestamp));
      for (let i = 1; i < updates.length; i++) expect(updates[i]).toBeGreaterThan(updates[i - 1]);
      const confs = p.events.slice(0, -1).map((e) => Number(e.json.plateConfidence));
      for (let i = 1; i < confs.length; i++) expect(confs[i]).toBeGreaterThanOrEqual(confs[i - 1]);
      expect(last.json.plateText).toBe(p.plate.text);
      expect(['in', 'out']).toContain(last.json.carMoveDirection);
      expect(last.offsetMs).toBeGreaterThanOrEqual(10_000);
    }
    const ids = many.map((p) => Number(p.carID));
    for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]);
  });

  it('mixes plate formats, corrections, firmware quirks and unknown extra fields', () => {
    const plates = many.map((p) => p.plate.text);
    expect(plates.some((t) => /[^\x00-\x7f]/.test(t))).toBe(true);
    expect(plates.some((t) => t.includes(' '))).toBe(true);
    expect(plates.some((t) => t.includes('-'))).toBe(true);
    expect(many.some((p) => p.events[0].json.plateText !== p.plate.text)).toBe(true); // corrected later
    const umlaut = many.find((p) => /Ü|Ö/.test(p.plate.text))!;
    expect(umlaut.events.at(-1)!.json.plateASCII).toMatch(/^[\x20-\x7e]+$/);
    const vi = many[0].events[0].json.vehicle_info as FfJson;
    expect(vi).toHaveProperty('make');
    expect(vi).not.toHaveProperty('brand');
    expect(vi.confidenceMMR).toMatch(/^0\.\d{6}$/);
    expect(passes[0].events[0].json.vehicle_info).toHaveProperty('brand');
    const documented = new Set(Object.keys(many[0].events[0].json).filter((k) => !['plateCharHeight', 'laneID', 'vehicleSpeed', 'ocrEngine'].includes(k)));
    expect(many.flatMap((p) => p.events).some((e) => Object.keys(e.json).some((k) => !documented.has(k)))).toBe(true);
  });

  it('writes datetime in camera-local time while capture_timestamp is UTC', () => {
    const prague = new PassGenerator({ deviceId: 'X', seed: 1 }).next(SAMPLE_MS);
    expect(prague.events[0].json.datetime).toBe('20240614 160436372');
    const check = (tz: string, startMs: number, offsetMin: number) => {
      for (const ev of new PassGenerator({ deviceId: 'X', seed: 2, timeZone: tz }).next(startMs).events) {
        const m = /^(\d{4})(\d\d)(\d\d) (\d\d)(\d\d)(\d\d)(\d{3})$/.exec(ev.json.datetime as string)!;
        const local = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7]);
        expect(local - Number(ev.json.capture_timestamp)).toBe(offsetMin * 60_000);
      }
    };
    check('Europe/Prague', SAMPLE_MS, 120);
    check('Europe/Prague', Date.UTC(2024, 0, 10, 23, 30), 60);
    check('America/New_York', Date.UTC(2024, 0, 10, 2, 0), -300);
    const withOffset = new PassGenerator({ deviceId: 'X', datetimeWithOffset: true }).next(SAMPLE_MS);
    expect(withOffset.events[0].json.datetime).toBe('20240614 160436372+0200');
  });
});

describe('images', () => {
  it('makes valid, distinct JPEGs of the requested size with COM segments under 64 KiB', () => {
    const a = makeJpeg('a', 60_000),
      b = makeJpeg('b', 60_000),
      tiny = makeJpeg('c', 0);
    expect(isJpeg(a) && isJpeg(b) && isJpeg(tiny)).toBe(true);
    expect(a.equals(b)).toBe(false);
    expect(a.equals(makeJpeg('a', 60_000))).toBe(true);
    expect(Math.abs(makeJpeg('d', 150_000).length - 150_000)).toBeLessThan(16);
    expect(tiny.length).toBeLessThan(400);
    let pos = 2,
      coms = 0; // walk the marker segments up to SOS
    while (a[pos + 1] !== 0xda) {
      expect(a[pos]).toBe(0xff);
      if (a[pos + 1] === 0xfe) coms++;
      pos += 2 + a.readUInt16BE(pos + 2);
    }
    expect(coms).toBe(1);
    const big = makeJpeg('e', 150_000);
    for (pos = 2, coms = 0; big[pos + 1] !== 0xda; pos += 2 + big.readUInt16BE(pos + 2)) if (big[pos + 1] === 0xfe) coms++;
    expect(coms).toBe(3);
    let stuffed = 0;
    for (let i = 0; i < 2000; i++) {
      // entropy-coded data: every 0xFF is stuffed with 0x00
      const j = makeJpeg(`s${i}`, 0);
      const scan = j.subarray(j.lastIndexOf(Buffer.from([0xff, 0xda])) + 10, j.length - 2);
      for (let k = 0; k < scan.length; k++)
        if (scan[k] === 0xff) {
          expect(scan[k + 1]).toBe(0x00);
          stuffed++;
        }
    }
    expect(stuffed).toBeGreaterThan(0);
  });
});

describe('HTTP push', () => {
  it('multipart: JSON as file part "event", vehicle image "image", plate crop "image2", auth header', async () => {
    const rx = await httpReceiver();
    const cam = camera({
      http: {
        url: rx.url,
        twoImages: true,
        imageBytes: 5000,
        auth: { kind: 'header', name: 'x_auth_key', value: 's3cret' },
        jsonPartContentType: 'none',
        imagePartContentType: 'application/octet-stream',
      },
    });
    const { pass, deliveries } = await cam.sendPass(SAMPLE_MS);
    expect(deliveries.every((d) => d.ok)).toBe(true);
    expect(rx.requests).toHaveLength(pass.events.length);
    rx.requests.forEach((req, i) => {
      expect(req.headers.x_auth_key).toBe('s3cret');
      const parts = parseMultipart(req.body, req.headers['content-type']!);
      expect(parts.map((p) => p.name)).toEqual(['event', 'image', 'image2']);
      const [ev, img, lp] = parts;
      expect(ev.filename).toBe('event.json');
      expect(ev.type).toBeUndefined();
      const json = JSON.parse(ev.data.toString('utf8'));
      expect(json.packetCounter).toBe(String(i + 1));
      expect(json.carState).toBe(pass.events[i].carState);
      expect(img.filename).toMatch(/roi_.*\.jpg$/);
      expect(lp.filename).toMatch(/lp_.*\.jpg$/);
      expect(json.imageFile2.endsWith(lp.filename)).toBe(true);
      expect(json.imageFile.endsWith(img.filename)).toBe(true);
      expect(img.type).toBe('application/octet-stream');
      expect(isJpeg(img.data) && isJpeg(lp.data)).toBe(true);
      expect(img.data.equals(lp.data)).toBe(false);
      expect(lp.data.length).toBeLessThan(img.data.length);
    });
  });

  it('multipart-field, no-image and application/json with ImageArray; basic auth', async () => {
    const rx = await httpReceiver();
    for (const mode of ['multipart-field', 'no-image', 'json'] as const) {
      const auth = { kind: 'basic', user: 'cam', password: 'pä:ss' } as const;
      const http = { url: rx.url, modes: [mode], twoImages: true, imageBytes: 3000, auth, jsonPartContentType: 'application/json', imagePartContentType: 'image/jpeg' } as const;
      await camera({ eventTypes: { update: false, reliable: false, lost: false }, http: { ...http, modes: [mode] } }).sendPass();
    }
    expect(rx.requests).toHaveLength(3);
    const [field, noImage, json] = rx.requests;
    expect(field.headers.authorization).toBe(`Basic ${Buffer.from('cam:pä:ss').toString('base64')}`);
    const fp = parseMultipart(field.body, field.headers['content-type']!);
    expect(fp[0]).toMatchObject({ name: 'event', filename: undefined, type: undefined });
    expect(JSON.parse(fp[0].data.toString()).carState).toBe('new');
    expect(fp.slice(1).map((p) => [p.name, p.type])).toEqual([
      ['image', 'image/jpeg'],
      ['image2', 'image/jpeg'],
    ]);
    const np = parseMultipart(noImage.body, noImage.headers['content-type']!);
    expect(np.map((p) => p.name)).toEqual(['event']);
    expect(np[0].type).toBe('application/json');
    expect(json.headers['content-type']).toBe('application/json');
    const body = JSON.parse(json.body.toString('utf8'));
    expect(body.ImageArray.map((i: FfJson) => i.ImageType)).toEqual(['vehicle', 'plate']);
    const bins = body.ImageArray.map((i: FfJson) => Buffer.from(i.BinaryImage as string, 'base64'));
    expect(bins.every(isJpeg)).toBe(true);
    expect(body.packetCounter).toBe('1');
  });

  it('buffers failed events and re-sends them when the receiver is back, duplicates included', async () => {
    const rx = await httpReceiver((n) => (n === 1 ? 503 : 200), { down: true }); // up: stores the first, still answers 503
    const cam = camera({ useEventBuffer: true, retryIntervalMs: 20, http: { url: rx.url, modes: ['json'] } });
    await cam.start();
    const { deliveries } = await cam.sendPass();
    expect(deliveries.every((d) => !d.ok && /ECONNRESET|EPIPE|socket hang up/.test(d.error!))).toBe(true);
    expect(cam.buffered).toBe(deliveries.length);
    rx.state.down = false;
    await waitFor(() => cam.buffered === 0);
    const got = rx.requests.map((r) => JSON.parse(r.body.toString()).packetCounter);
    const failed = deliveries.map((d) => d.packetCounter);
    expect(got).toEqual([failed[0], ...failed]); // the 503'd one comes again
    // every attempt while down failed (also retries the timer made before the receiver was back), then the 503
    expect(rx.state.cut).toBeGreaterThanOrEqual(deliveries.length);
    expect(cam.stats).toMatchObject({ sent: 0, resent: deliveries.length, failed: rx.state.cut + 1 });
  });
});

describe('TCP push', () => {
  const events = (n: number, seed = 5) => {
    const g = new PassGenerator({ deviceId: 'TCP-1', seed });
    const out: FfJson[] = [];
    while (out.length < n) out.push(...g.next(SAMPLE_MS).events.map((e) => e.json));
    return out.slice(0, n);
  };
  const stamped = (evs: FfJson[]) => evs.map((e, i) => ({ ...e, packetCounter: String(i + 1) }));
  const expected: Record<TcpFraming, (objs: FfJson[]) => string> = {
    none: (o) => o.map((x) => JSON.stringify(x)).join(''),
    crlf: (o) => o.map((x) => `${JSON.stringify(x)}\r\n`).join(''),
    lf: (o) => o.map((x) => `${JSON.stringify(x)}\n`).join(''),
    nul: (o) => o.map((x) => `${JSON.stringify(x)}\0`).join(''),
    pretty: (o) => o.map((x) => `${JSON.stringify(x, null, 2)}\n`).join(''),
  };

  it.each(Object.keys(expected) as TcpFraming[])('framing %s writes exactly the objects sent', async (framing) => {
    const rx = await tcpReceiver();
    const client = new TcpPushClient({ host: '127.0.0.1', port: rx.port, framing });
    cleanups.push(() => client.stop());
    expect(await client.start()).toBe(true);
    const evs = events(4);
    const results = await Promise.all(evs.map((e) => client.send(e)));
    expect(results.map((r) => r.packetCounter)).toEqual(['1', '2', '3', '4']);
    await waitFor(() => rx.bytes().length >= Buffer.byteLength(expected[framing](stamped(evs))));
    const text = rx.bytes().toString('utf8');
    expect(text).toBe(expected[framing](stamped(evs)));
    expect(splitObjects(text)).toEqual(stamped(evs));
    if (framing === 'pretty') expect(text.split('\n').length).toBeGreaterThan(4 * 20);
  });

  it('batches 100 objects into one write', async () => {
    const rx = await tcpReceiver();
    const client = new TcpPushClient({ host: '127.0.0.1', port: rx.port, framing: 'lf', writeStrategy: 'batch', batchSize: 100 });
    cleanups.push(() => client.stop());
    await client.start();
    const evs = events(100);
    await Promise.all(evs.map((e) => client.send(e)));
    expect(client.stats.writes).toBe(1);
    await waitFor(() => rx.bytes().toString().split('\n').length === 101);
    expect(rx.bytes().toString()).toBe(expected.lf(stamped(evs)));
  });

  it('splits objects into fragments that arrive separately', async () => {
    const rx = await tcpReceiver();
    const client = new TcpPushClient({ host: '127.0.0.1', port: rx.port, writeStrategy: 'fragments', fragment: { maxBytes: 48, delayMs: 1 } });
    cleanups.push(() => client.stop());
    await client.start();
    const evs = events(2);
    await Promise.all(evs.map((e) => client.send(e)));
    const want = Buffer.from(expected.none(stamped(evs)));
    await waitFor(() => rx.bytes().length >= want.length);
    expect(rx.bytes().equals(want)).toBe(true);
    expect(client.stats.writes).toBeGreaterThan(want.length / 48);
    expect(rx.conns[0].chunks.length).toBeGreaterThan(10);
  });

  it('reconnects after the receiver drops the connection; packetCounter restarts at "1"', async () => {
    const rx = await tcpReceiver(0, (s, n) => {
      if (n === 1) s.destroy();
    });
    const client = new TcpPushClient({ host: '127.0.0.1', port: rx.port, framing: 'lf', reconnectDelayMs: 10 });
    cleanups.push(() => client.stop());
    await client.start();
    const [a, b] = events(2);
    expect(await client.send(a)).toMatchObject({ ok: true, connection: 1, packetCounter: '1' });
    await waitFor(() => client.connected && client.stats.connections === 2);
    expect(await client.send(b)).toMatchObject({ ok: true, connection: 2, packetCounter: '1' });
    await waitFor(() => rx.bytes(1).length > 0);
    expect(splitObjects(rx.bytes(1).toString())[0]).toMatchObject({ carState: b.carState, packetCounter: '1' });
  });

  it('camera: buffered TCP events go out after the receiver comes up, optional base64 images', async () => {
    const port = await unusedPort();
    const cam = camera({ useEventBuffer: true, retryIntervalMs: 20, tcp: { host: '127.0.0.1', port, reconnectDelayMs: 10, images: true, imageBytes: 500, framing: 'crlf' } });
    await cam.start();
    const { deliveries } = await cam.sendPass(SAMPLE_MS);
    expect(deliveries.every((d) => !d.ok)).toBe(true);
    const rx = await tcpReceiver(port);
    await waitFor(() => cam.buffered === 0);
    await waitFor(() => splitObjects(rx.bytes().toString()).length === deliveries.length);
    const objs = splitObjects(rx.bytes().toString());
    expect(objs.map((o) => o.packetCounter)).toEqual(objs.map((_, i) => String(i + 1)));
    expect(objs.map((o) => o.carState)).toEqual(deliveries.map((d) => d.carState));
    expect(objs[0].profileID).toBe('2');
    const imgs = (objs[0].ImageArray as FfJson[]).map((i) => Buffer.from(i.BinaryImage as string, 'base64'));
    expect(imgs.length === 2 && imgs.every(isJpeg)).toBe(true);
    expect(cam.stats.resent).toBe(deliveries.length);
  });
});

describe('camera lifecycle', () => {
  it('start() generates passes at the rate; stop() leaves no timers or sockets', async () => {
    const count = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'TCPSocketWrap').length;
    const rx = await httpReceiver();
    const tcp = await tcpReceiver();
    const before = count();
    const cam = new FfCameraSimulator({
      deviceId: 'LIFE',
      ratePerSec: 100,
      useEventBuffer: true,
      passes: { lostAfterMs: 30 },
      http: { url: rx.url, modes: ['json'] },
      tcp: { host: '127.0.0.1', port: tcp.port },
    });
    await cam.start();
    await waitFor(() => rx.requests.length >= 10 && splitObjects(tcp.bytes().toString()).length >= 10);
    await cam.stop();
    expect(cam.stats.passes).toBeGreaterThan(2);
    expect(cam.stats.sent).toBeGreaterThanOrEqual(20);
    // Closed sockets leave the list a tick after stop(); a leaked timer or socket never does.
    await waitFor(() => count() <= before, 5000, `timers and sockets back to ${before} (${count()})`);
  });
});
