/**
 * Realistic FF payloads built with the camera simulator (PassGenerator → stampEvent, makeJpeg,
 * buildHttpRequest), generated before any timing starts. Every event is unique for the dedupe key
 * (device, carID, phase, capture time, plate, direction, ROI).
 */
import { PassGenerator, buildHttpRequest, stampEvent, type FfJson } from '@unified-surveillance/simulators/ff';
import { makeJpeg } from '@unified-surveillance/simulators/kit';

/** `count` events from one simulated camera, in pass order, stamped with packetCounter 1..count. */
export function ffEvents(deviceId: string, count: number, startMs = Date.UTC(2024, 5, 1)): FfJson[] {
  const gen = new PassGenerator({ deviceId, seed: deviceId, timeZone: 'Europe/Prague' });
  const out: FfJson[] = [];
  let t = startMs;
  while (out.length < count) {
    const pass = gen.next(t);
    t += 20_000; // passes never overlap in time
    for (const ev of pass.events) {
      if (out.length === count) break;
      out.push(stampEvent(ev.json, { packetCounter: out.length + 1, profileID: '2' }));
    }
  }
  return out;
}

/**
 * The TCP streams: `connections` cameras (named with `tag`) with about count/connections events
 * each, objects back to back separated by CRLF, cut into ~64 KB write buffers; `plates`: their plate texts.
 */
export function ffTcpStreams(count: number, connections: number, tag = '', startMs?: number): { streams: Buffer[][]; bytes: number; events: number; plates: string[] } {
  const streams: Buffer[][] = [];
  const plates: string[] = [];
  let bytes = 0;
  for (let c = 0; c < connections; c++) {
    const n = Math.floor(count / connections) + (c < count % connections ? 1 : 0);
    const bufs: Buffer[] = [];
    let pending: string[] = [];
    let pendingLen = 0;
    for (const ev of ffEvents(`BENCH-TCP${tag}-${c}`, n, startMs)) {
      plates.push(String(ev.plateText));
      const s = `${JSON.stringify(ev)}\r\n`;
      pending.push(s);
      pendingLen += s.length;
      if (pendingLen >= 65536) {
        bufs.push(Buffer.from(pending.join(''), 'utf8'));
        pending = [];
        pendingLen = 0;
      }
    }
    if (pending.length) bufs.push(Buffer.from(pending.join(''), 'utf8'));
    bytes += bufs.reduce((a, b) => a + b.length, 0);
    streams.push(bufs);
  }
  return { streams, bytes, events: count, plates };
}

/** Multipart bodies as cameras POST them: event.json + vehicle (~60 KB) + plate crop (~8 KB), unique. */
export function ffMultipartBodies(count: number, vehicleBytes = 60_000, plateBytes = 8_000): Array<{ headers: Record<string, string>; body: Buffer }> {
  const events = ffEvents('BENCH-HTTP-0', count);
  return events.map((event, i) => {
    const req = buildHttpRequest({
      url: 'http://127.0.0.1/',
      mode: 'multipart-file',
      event,
      jsonPartContentType: 'application/json',
      imagePartContentType: 'image/jpeg',
      images: [
        { kind: 'vehicle', fileName: `v_${i}.jpg`, data: makeJpeg(`bench/vehicle/${i}`, vehicleBytes) },
        { kind: 'plate', fileName: `p_${i}lp_X_${i}.jpg`, data: makeJpeg(`bench/plate/${i}`, plateBytes) },
      ],
    });
    return { headers: { ...req.headers, 'content-length': String(req.body.length) }, body: req.body };
  });
}

/**
 * Latency events: plate `LAT<round>X<n>` identifies each one (the subscriber reads it back); the
 * round tag keeps a late delivery from an earlier round from counting as this round's.
 */
export function ffLatencyEvents(count: number, deviceId = 'BENCH-LAT-0', round = '0'): Buffer[] {
  return ffEvents(deviceId, count).map((ev, i) => {
    const plate = latencyPlate(i, round);
    const e = { ...ev, plateText: plate, plateUTF8: plate, plateUnicode: plate, plateASCII: plate };
    return Buffer.from(`${JSON.stringify(e)}\r\n`, 'utf8');
  });
}

export const latencyPlate = (i: number, round = '0') => `LAT${round}X${String(i).padStart(6, '0')}`;
/** The event index of a latency plate of `round`; -1 for any other plate (another round's included). */
export const latencyIndex = (plate: string, round = '0') => {
  const prefix = `LAT${round}X`;
  return plate.startsWith(prefix) ? Number(plate.slice(prefix.length)) : -1;
};
