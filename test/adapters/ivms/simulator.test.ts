/**
 * Videonetics IVMS server simulator, checked with plain fetch/ws clients against the vendor
 * document (01_05 v1.5.1): envelopes and codes, stream sessions, HLS, WebSocket alerts, faults.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { looksLikeJpeg } from '@unified-surveillance/simulators/kit';
import {
  IvmsSimulator,
  findOnPath,
  formatEventTime,
  generateSegmentsWithFfmpeg,
  isMpegTs,
  loadAssetSegments,
  segmentAt,
  WS_OPEN_MESSAGE,
  type IvmsSimulatorOptions,
  type SimChannel,
} from '@unified-surveillance/simulators/ivms';
import { waitFor } from '../../helpers/wait-for.ts';

const PREFIX = '/V-Pro-IVMS-APIServer';
const ENVELOPE_KEYS = ['status', 'code', 'description', 'message', 'uri', 'result'];
const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startSim(opts: IvmsSimulatorOptions = {}) {
  const sim = new IvmsSimulator(opts);
  await sim.start();
  cleanups.push(() => sim.stop());
  const prefix = opts.pathPrefix ?? PREFIX;
  const call = async (path: string, method = 'GET') => {
    const res = await fetch(`${sim.url}${prefix}/REST/local${path}`, { method });
    const text = await res.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { http: res.status, text, body };
  };
  return { sim, call };
}

type Envelope = { status: number; code: number; message: string; uri: string; result: any[] };

function expectEnvelope(body: Envelope, status: number, code: number): void {
  expect(Object.keys(body)).toEqual(ENVELOPE_KEYS);
  expect([body.status, body.code]).toEqual([status, code]);
  expect(Array.isArray(body.result)).toBe(true);
}

const firstPts = (seg: Buffer): number => {
  for (let i = 0; i < seg.length; i += 188) {
    const payload = i + 4 + (seg[i + 3] & 0x20 ? 1 + seg[i + 4] : 0);
    if (seg[i + 1] & 0x40 && seg[payload] === 0 && seg[payload + 1] === 0 && seg[payload + 2] === 1 && seg[payload + 3] >= 0xe0) {
      const b = seg.subarray(payload + 9, payload + 14);
      return ((b[0] >> 1) & 7) * 2 ** 30 + ((b[1] << 7) | (b[2] >> 1)) * 2 ** 15 + ((b[3] << 7) | (b[4] >> 1));
    }
  }
  throw new Error('no PES');
};

describe('IVMS simulator REST', () => {
  it('lists channels in the documented envelope, with every channel field and credentials in majorUrl', async () => {
    const { sim, call } = await startSim();
    const r = await call('/channel');
    expect(r.http).toBe(200);
    expectEnvelope(r.body, 2000, 200);
    expect(r.body).toMatchObject({ description: 'OK', message: 'Successfully Retrieved!', uri: `${sim.url}${PREFIX}/REST/local/channel` });
    expect(r.body.result.map((c: { id: number }) => c.id)).toEqual([1, 2, 3, 10]);
    expect(Object.keys(r.body.result[0])).toEqual(
      expect.arrayContaining([
        'id',
        'model',
        'ip',
        'name',
        'configurationType',
        'snapUrl',
        'analyticUrl',
        'minorUrl',
        'majorUrl',
        'username',
        'password',
        'posX',
        'posY',
        'recordingId',
        'locationId',
        'junctionId',
        'groupId',
        'recordingStream',
        'oldestClipTime',
        'number',
        'channelType',
        'latitude',
        'longitude',
        'commandPort',
        'param1',
        'param2',
        'vocRecordingFlag',
        'noOfJobs',
      ]),
    );
    expect(r.body.result[0]).toMatchObject({ id: 1, model: 'Axis', ip: '192.168.1.10', name: 'Entry_View', majorUrl: expect.stringMatching(/^rtsp:\/\/root:pass1@/) });
  });

  it('gets one channel; unknown id is 3110/404 and a non-Short id is 3002/422, both with HTTP 200', async () => {
    const { call } = await startSim();
    const one = await call('/channel/2');
    expectEnvelope(one.body, 2000, 200);
    expect(one.body.result).toHaveLength(1);
    expect(one.body.result[0]).toMatchObject({ id: 2, name: '192.168.1.47' });
    const missing = await call('/channel/99');
    expect(missing.http).toBe(200);
    expectEnvelope(missing.body, 3110, 404);
    expect(missing.body.message).toBe('There is no channel or invalid channel id!');
    for (const bad of ['abc', '40000', '-1']) {
      const r = await call(`/channel/${bad}`);
      expect(r.http).toBe(200);
      expectEnvelope(r.body, 3002, 422);
      expect(r.body.message).toBe('Unable to process! Please check your request parameters!');
    }
  });

  it("answers channel/count as [N] (not the document's invalid [{ 501 }]) and follows setChannels", async () => {
    const { sim, call } = await startSim();
    expect((await call('/channel/count')).body.result).toEqual([4]);
    const ch = (id: number, status: 0 | 1): SimChannel => ({ id, name: `C${id}`, model: 'Axis', ip: '10.0.0.1', username: 'u', password: 'p', majorUrl: 'rtsp://u:p@10.0.0.1/', status });
    sim.setChannels([ch(7, 0), ch(8, 1)]);
    expect((await call('/channel/count')).body.result).toEqual([2]);
    const status = await call('/channel/status');
    expectEnvelope(status.body, 2000, 200);
    expect(status.body.result).toEqual([
      { channelId: 7, channelStatus: 0 },
      { channelId: 8, channelStatus: 1 },
    ]);
    expect(status.body.uri).toBe(`${PREFIX}/REST/local/channel/status`); // relative, as in §3.6's sample
    expect(() => sim.setChannels([ch(7, 0), ch(7, 1)])).toThrow(/duplicate/);
  });

  it('serves the newer /i-apiserver prefix and not the old one; unknown paths and wrong methods are plain HTTP errors', async () => {
    const { sim, call } = await startSim({ pathPrefix: '/i-apiserver' });
    const r = await call('/channel/count');
    expect(r.body.uri).toBe(`${sim.url}/i-apiserver/REST/local/channel/count`);
    expect((await fetch(`${sim.url}${PREFIX}/REST/local/channel`)).status).toBe(404);
    expect((await call('/nothing')).http).toBe(404);
    expect((await call('/startlive/1/800')).http).toBe(404);
    expect((await call('/channel', 'POST')).http).toBe(405);
  });

  it('site-down answers every REST call with HTTP 200 and envelope 1504/500; other faults break the reply', async () => {
    const { sim, call } = await startSim();
    sim.addEvent(1);
    sim.fault = 'site-down';
    for (const path of ['/channel', '/channel/1', '/channel/count', '/channel/status', '/event/1/snap', '/startlive/1/800/700/0', '/live/keepalive/1']) {
      const r = await call(path);
      expect(r.http).toBe(200);
      expectEnvelope(r.body, 1504, 500);
      expect(r.body.message).toBe('Cannot connect the site VMS server.');
    }
    sim.fault = 'invalid-json';
    const broken = await call('/channel');
    expect(broken.http).toBe(200);
    expect(() => JSON.parse(broken.text)).toThrow();
    sim.fault = 'http500';
    expect((await call('/channel')).http).toBe(500);
    sim.fault = 'hang';
    await expect(fetch(`${sim.url}${PREFIX}/REST/local/channel`, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    sim.fault = 'none';
    expectEnvelope((await call('/channel')).body, 2000, 200);
  });

  it('serves event snapshots (JPEG) and clips (MPEG-TS) as octet-stream, slowly when asked; unknown events are 3002', async () => {
    const { call, sim } = await startSim();
    sim.addEvent(42, { snapBytes: 30_000, slowMs: 400 });
    sim.addEvent(43, { clipBytes: 100_000 });
    const t0 = Date.now();
    const snap = await fetch(`${sim.url}${PREFIX}/REST/local/event/42/snap`);
    const jpeg = Buffer.from(await snap.arrayBuffer());
    expect(Date.now() - t0).toBeGreaterThanOrEqual(380);
    expect(snap.headers.get('content-type')).toBe('application/octet-stream');
    expect(looksLikeJpeg(jpeg)).toBe(true);
    expect(jpeg.length).toBeGreaterThan(25_000);
    const clip = Buffer.from(await (await fetch(`${sim.url}${PREFIX}/REST/local/event/43/clip`)).arrayBuffer());
    expect(isMpegTs(clip)).toBe(true);
    expect(clip.length).toBeGreaterThanOrEqual(100_000);
    expectEnvelope((await call('/event/44/snap')).body, 3002, 422);
  });
});

describe('IVMS simulator stream sessions and HLS', () => {
  it('starts, keeps alive and stops a live session; playlist is valid with relative segment URIs of MPEG-TS', async () => {
    const { sim, call } = await startSim();
    const start = await call('/startlive/10/800/700/0');
    expectEnvelope(start.body, 2007, 200);
    expect(start.body.message).toBe('Successfully Applied!');
    expect(start.body.uri).toBe(`${sim.url}/REST/local/startlive/10/800/700/0`);
    const [{ sesssionId, hlsURL }] = start.body.result;
    expect(typeof sesssionId).toBe('number');
    expect(hlsURL).toBe(`${sim.url}/live/TS_FILES/Live/VMS${sesssionId}/10/MajorStream/Without_Audio/800_700/index.m3u8`);
    const playlist = await (await fetch(hlsURL)).text();
    const lines = playlist.trim().split('\n');
    expect(lines.slice(0, 4)).toEqual(['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:1', '#EXT-X-MEDIA-SEQUENCE:0']);
    const uris = lines.filter((l) => !l.startsWith('#'));
    expect(uris).toEqual(['index0.ts', 'index1.ts', 'index2.ts']);
    expect(lines.filter((l) => l.startsWith('#EXTINF:'))).toHaveLength(3);
    const seg = Buffer.from(await (await fetch(new URL(uris[2], hlsURL))).arrayBuffer());
    expect(isMpegTs(seg)).toBe(true);
    expect((await fetch(new URL('index99.ts', hlsURL))).status).toBe(404); // not produced yet
    const keep = await call(`/live/keepalive/${sesssionId}`);
    expectEnvelope(keep.body, 2007, 200);
    expect(sim.sessions.get(String(sesssionId))).toMatchObject({ kind: 'live', channelId: 10, keepalives: 1, stopped: false });
    expectEnvelope((await call(`/archive/keepalive/${sesssionId}`)).body, 3002, 422); // wrong kind
    expectEnvelope((await call(`/stoplive/${sesssionId}`)).body, 2007, 200);
    expect((await fetch(hlsURL)).status).toBe(404);
    expectEnvelope((await call(`/live/keepalive/${sesssionId}`)).body, 3002, 422);
    expect(sim.stats).toMatchObject({ startLive: 1, keepalives: 1, stops: 1, playlistFetches: 1, segmentFetches: 1 });
  });

  it('rejects bad start parameters with 3002 and unknown channels with 3110 (HTTP 200)', async () => {
    const { call } = await startSim();
    for (const path of ['/startlive/10/abc/700/0', '/startlive/10/800/0/0', '/startlive/10/800/700/2', '/startarchive/10/800/700/x/0']) {
      const r = await call(path, path.includes('archive') ? 'POST' : 'GET');
      expect(r.http).toBe(200);
      expectEnvelope(r.body, 3002, 422);
    }
    const missing = await call('/startlive/110/800/700/0');
    expect(missing.http).toBe(200);
    expectEnvelope(missing.body, 3110, 404);
    expect(missing.body.message).toBe('There is no channel or invalid channel id!');
  });

  it('starts archive by POST and GET (both by default), lists absolute segment URIs, and stops it', async () => {
    const { sim, call } = await startSim();
    const ts = Date.now() - 3_600_000;
    const post = await call(`/startarchive/1/640/360/${ts}/1`, 'POST');
    expectEnvelope(post.body, 2007, 200);
    const { sesssionId, hlsURL } = post.body.result[0];
    expect(hlsURL).toBe(`${sim.url}/archive/TS_FILES/Archive/VMS${sesssionId}/1/MajorStream/With_Audio/640_360/index.m3u8`);
    const uris = (await (await fetch(hlsURL)).text()).split('\n').filter((l) => l && !l.startsWith('#'));
    expect(uris[0]).toBe(hlsURL.replace('index.m3u8', 'index0.ts'));
    expect(isMpegTs(Buffer.from(await (await fetch(uris[0])).arrayBuffer()))).toBe(true);
    const keep = await call(`/archive/keepalive/${sesssionId}`);
    expectEnvelope(keep.body, 2007, 200);
    expect(keep.body.message).toBe('Successfully Applied'); // §3.11: no "!"
    expectEnvelope((await call(`/stoparchive/${sesssionId}`)).body, 2007, 200);
    expectEnvelope((await call(`/stoparchive/${sesssionId}`)).body, 3002, 422);
    expectEnvelope((await call(`/startarchive/1/640/360/${ts}/0`, 'GET')).body, 2007, 200);
    expect(sim.stats.startArchive).toBe(2);
  });

  it('accepts only the configured archive method', async () => {
    const postOnly = await startSim({ archiveMethod: 'POST' });
    expect((await postOnly.call('/startarchive/1/640/360/1497337939320/0', 'GET')).http).toBe(405);
    expectEnvelope((await postOnly.call('/startarchive/1/640/360/1497337939320/0', 'POST')).body, 2007, 200);
    const getOnly = await startSim({ archiveMethod: 'GET' });
    expect((await getOnly.call('/startarchive/1/640/360/1497337939320/0', 'POST')).http).toBe(405);
  });

  it('expires a session without keepalive (HLS 404, keepalive fails) but not one kept alive', async () => {
    const { sim, call } = await startSim({ sessionTtlMs: 600 });
    const idle = (await call('/startlive/1/320/180/0')).body.result[0];
    const kept = (await call('/startlive/2/320/180/0')).body.result[0];
    const keeper = setInterval(() => void call(`/live/keepalive/${kept.sesssionId}`), 100);
    cleanups.push(() => clearInterval(keeper));
    await waitFor(() => sim.sessions.get(String(idle.sesssionId))?.expired, 3000, 'expiry');
    expect((await fetch(idle.hlsURL)).status).toBe(404);
    expectEnvelope((await call(`/live/keepalive/${idle.sesssionId}`)).body, 3002, 422);
    expect(sim.sessions.get(String(kept.sesssionId))).toMatchObject({ expired: false, stopped: false });
    expect((await fetch(kept.hlsURL)).status).toBe(200);
  });

  it('advances the live media sequence over time with continuous timestamps across the segment loop', async () => {
    const { call } = await startSim();
    const { hlsURL } = (await call('/startlive/1/320/180/0')).body.result[0];
    const sequence = async () => Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(await (await fetch(hlsURL)).text())?.[1]);
    expect(await sequence()).toBe(0);
    await waitFor(async () => (await sequence()) >= 1, 3000, 'media sequence to advance');
    const set = await loadAssetSegments();
    const n = set.segments.length;
    expect(firstPts(segmentAt(set, n + 1)) - firstPts(segmentAt(set, 1))).toBe(n * set.durationSec * 90_000);
    expect(isMpegTs(segmentAt(set, 2 * n + 3))).toBe(true);
  });

  it.skipIf(!process.env.PATH?.split(':').some((d) => existsSync(join(d, 'ffmpeg'))))('generates H.264 segments with ffmpeg when it is on PATH', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ivms-sim-test-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const set = await generateSegmentsWithFfmpeg((await findOnPath('ffmpeg'))!, { cacheDir: join(dir, 'cache') });
    expect(set.source).toBe('ffmpeg');
    expect(set.segments.every(isMpegTs)).toBe(true);
    const cached = await generateSegmentsWithFfmpeg('/nonexistent/ffmpeg', { cacheDir: join(dir, 'cache') }); // served from the cache
    expect(Buffer.concat(cached.segments).equals(Buffer.concat(set.segments))).toBe(true);
  });

  it('ships small valid pre-made MPEG-TS segments for machines without ffmpeg', async () => {
    const set = await loadAssetSegments();
    expect(set.source).toBe('assets');
    expect(set.segments).toHaveLength(4);
    for (const seg of set.segments) {
      expect(seg.length).toBeLessThan(60_000);
      expect(seg[0]).toBe(0x47);
      expect(isMpegTs(seg)).toBe(true);
    }
  });
});

describe('IVMS simulator WebSocket notifications', () => {
  async function connect(url: string) {
    const ws = new WebSocket(url);
    const messages: any[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(String(d))));
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    cleanups.push(() => ws.terminate());
    await waitFor(() => messages.length > 0, 3000, 'handshake message');
    return { ws, messages, closed };
  }

  it("greets with the handshake message and broadcasts alerts shaped like the document's sample", async () => {
    const { sim } = await startSim();
    const a = await connect(sim.wsUrl);
    const b = await connect(sim.wsUrl);
    expect(a.messages[0]).toEqual(WS_OPEN_MESSAGE);
    expect(a.messages[0]).toEqual({ status: 1, code: 101, description: 'Web Socket Protocol Handshake', message: 'Connection Successful!', result: [] });
    const when = new Date(2017, 6, 7, 11, 56, 47);
    const sent = sim.alert({ cameraId: 2, eventTime: when, imageBytes: 5000 });
    await waitFor(() => a.messages.length === 2 && b.messages.length === 2, 3000, 'alert on both sockets');
    const alert = a.messages[1];
    expect(alert).toEqual(sent);
    expect(Object.keys(alert)).toEqual(['cameraId', 'cameraName', 'eventTime', 'alertMessage', 'alertType', 'base64imageUrl', 'eventDetails1']);
    expect(alert).toMatchObject({ cameraId: 2, cameraName: '192.168.1.47', eventTime: '2017-07-07 11:56:47', alertMessage: 'Activity Detection', alertType: 209, eventDetails1: 'NA' });
    expect(alert.base64imageUrl).toMatch(/^data:image\/jpeg;base64,/);
    const jpeg = Buffer.from(alert.base64imageUrl.slice('data:image/jpeg;base64,'.length), 'base64');
    expect([jpeg[0], jpeg[1], jpeg[jpeg.length - 2], jpeg[jpeg.length - 1]]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
    expect(alert).not.toHaveProperty('eventId');
    const now = sim.alert({ alertType: 300, alertMessage: 'Loitering' });
    expect(now.eventTime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(Math.abs(new Date(now.eventTime.replace(' ', 'T')).getTime() - Date.now())).toBeLessThan(5000); // local time
    expect(formatEventTime(when)).toBe('2017-07-07 11:56:47');
    expect(sim.stats.wsConnections).toBe(2);
  });

  it('says "Connection Closed!" before dropping sockets, and refuses upgrades when told', async () => {
    const { sim } = await startSim();
    const c = await connect(sim.wsUrl);
    sim.dropWebSockets();
    expect(await c.closed).toBe(1000);
    expect(c.messages.at(-1)).toMatchObject({ status: 1, code: 101, message: 'Connection Closed!', result: [] });
    sim.refuseWebSockets = true;
    const refused = new WebSocket(sim.wsUrl);
    cleanups.push(() => refused.terminate());
    const status = await new Promise<number>((resolve) => {
      refused.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      refused.on('error', () => resolve(-1));
    });
    expect(status).toBe(503);
    sim.refuseWebSockets = false;
    const again = await connect(sim.wsUrl);
    expect(again.messages[0].message).toBe('Connection Successful!');
    const wrongPath = new WebSocket(sim.wsUrl.replace('/notification', '/other'));
    cleanups.push(() => wrongPath.terminate());
    await expect(new Promise((_, reject) => wrongPath.on('error', reject))).rejects.toThrow(/404/);
  });

  it('stop() closes sockets with the closing message and leaves the port closed', async () => {
    const sim = new IvmsSimulator();
    const url = await sim.start();
    const c = await connect(sim.wsUrl);
    sim.fault = 'hang';
    const hanging = fetch(`${url}${PREFIX}/REST/local/channel`).catch((e: Error) => e);
    await waitFor(() => sim.stats.hung === 1, 5000, 'the request held by the hang fault');
    await sim.stop();
    expect(await c.closed).toBe(1001);
    expect(c.messages.at(-1).message).toBe('Connection Closed!');
    expect(await hanging).toBeInstanceOf(Error);
    await expect(fetch(`${url}${PREFIX}/REST/local/channel`)).rejects.toThrow();
  });

  it('restarts on the same port without the old sessions, like a rebooted server', async () => {
    const { sim, call } = await startSim();
    const { sesssionId } = (await call('/startlive/1/320/180/0')).body.result[0];
    const url = sim.url;
    await sim.stop();
    expect(await sim.start()).toBe(url);
    expect(sim.sessions.get(String(sesssionId))).toMatchObject({ expired: true, stopped: false });
    expectEnvelope((await call(`/live/keepalive/${sesssionId}`)).body, 3002, 422);
    const c = await connect(sim.wsUrl);
    expect(c.messages[0].message).toBe('Connection Successful!');
  });
});
