/**
 * The IVMS REST client and the vendor side of stream sessions against the simulator, without the
 * server: URL building, the start/keepalive/stop calls the simulator sees, 3110/3002/1504, invalid
 * JSON, HTTP 500 and a hanging server.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSafeFetch } from '../../../src/core/http/safe-fetch.ts';
import { AppError } from '../../../src/sdk.ts';
import { IvmsClient } from '../../../src/adapters/ivms/client.ts';
import { ivmsStreamHandlers, playlistUrlOf, type StreamConfig } from '../../../src/adapters/ivms/streams.ts';
import { IvmsSimulator } from '@unified-surveillance/simulators/ivms';

async function failure(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

describe('IVMS client and stream handlers (simulator)', () => {
  let sim: IvmsSimulator;
  let fetch: ReturnType<typeof createSafeFetch>;
  let client: IvmsClient;
  let cfg: StreamConfig;
  beforeAll(async () => {
    sim = new IvmsSimulator({ archiveMethod: 'POST' });
    await sim.start();
    fetch = createSafeFetch({ allowHosts: [new URL(sim.url).host] });
    client = new IvmsClient({ baseUrl: sim.url, pathPrefix: '/V-Pro-IVMS-APIServer', fetch, requestTimeoutMs: 400 });
    cfg = { baseUrl: sim.url, archiveMethod: 'POST', keepaliveSec: 30, defaultWidth: 1280, defaultHeight: 720 };
  });
  afterAll(async () => {
    await sim?.stop();
    await fetch?.close();
  });
  beforeEach(() => {
    sim.fault = 'none';
  });

  it('lists channels through the configured prefix; a wrong prefix is a clear failure', async () => {
    expect((await client.call(['channel'], { what: 'channel list' })).length).toBe(4);
    const wrong = new IvmsClient({ baseUrl: sim.url, pathPrefix: '/i-apiserver', fetch, requestTimeoutMs: 400 });
    const e = await failure(wrong.call(['channel'], { what: 'channel list' }));
    expect(e.code).toBe('VENDOR_REJECTED');
    expect(e.message).toContain('not valid JSON (HTTP 404');
  });

  it('live: startlive with defaults, keepalives reach IVMS, stoplive stops it', async () => {
    const streams = ivmsStreamHandlers(client, cfg);
    const before = sim.stats.startLive;
    const s = await streams.start({ cameraVendorId: '1', mode: 'LIVE' });
    expect(sim.stats.startLive).toBe(before + 1);
    expect(s.keepaliveIntervalMs).toBe(30_000);
    expect(s.playlistUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.*1280.*720.*\.m3u8$/);
    const res = await globalThis.fetch(s.playlistUrl);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('#EXTM3U');

    await streams.keepalive({ ...s, mode: 'LIVE' });
    await streams.keepalive({ ...s, mode: 'LIVE' });
    expect(sim.sessions.get(s.vendorSessionId)).toMatchObject({ kind: 'live', channelId: 1, keepalives: 2, stopped: false });
    await streams.stop({ ...s, mode: 'LIVE' });
    expect(sim.sessions.get(s.vendorSessionId)?.stopped).toBe(true);
    // IVMS no longer knows the session: keepalive throws (the core then restarts or fails it).
    expect((await failure(streams.keepalive({ ...s, mode: 'LIVE' }))).code).toBe('VENDOR_REJECTED');
  });

  it('archive: startarchive with POST and epoch ms, archive keepalive, stoparchive', async () => {
    const streams = ivmsStreamHandlers(client, cfg);
    const s = await streams.start({ cameraVendorId: '10', mode: 'ARCHIVE', from: new Date(Date.now() - 3_600_000), width: 800, height: 700, audio: true });
    expect(s.playlistUrl).toMatch(/800.*700/);
    await streams.keepalive({ ...s, mode: 'ARCHIVE' });
    expect(sim.sessions.get(s.vendorSessionId)).toMatchObject({ kind: 'archive', channelId: 10, keepalives: 1 });
    // A live keepalive for an archive session is refused by IVMS.
    expect((await failure(streams.keepalive({ ...s, mode: 'LIVE' }))).code).toBe('VENDOR_REJECTED');
    await streams.stop({ ...s, mode: 'ARCHIVE' });
    expect(sim.sessions.get(s.vendorSessionId)?.stopped).toBe(true);
  });

  it('archive with GET where the server only takes POST is refused, naming the call', async () => {
    const e = await failure(ivmsStreamHandlers(client, { ...cfg, archiveMethod: 'GET' }).start({ cameraVendorId: '1', mode: 'ARCHIVE', from: new Date(Date.now() - 60_000) }));
    expect(e.code).toBe('VENDOR_REJECTED');
    expect(e.message).toContain('startarchive of channel 1');
  });

  it('checks its input before calling IVMS', async () => {
    const streams = ivmsStreamHandlers(client, cfg);
    const calls = sim.stats.startLive + sim.stats.startArchive;
    for (const req of [
      { cameraVendorId: 'abc', mode: 'LIVE' as const },
      { cameraVendorId: '1', mode: 'LIVE' as const, width: 0 },
      { cameraVendorId: '1', mode: 'LIVE' as const, height: 1.5 },
      { cameraVendorId: '1', mode: 'ARCHIVE' as const },
      { cameraVendorId: '1', mode: 'ARCHIVE' as const, from: new Date(Date.now() + 3_600_000) },
    ]) {
      expect((await failure(streams.start(req))).code).toBe('BAD_USER_INPUT');
    }
    expect(sim.stats.startLive + sim.stats.startArchive).toBe(calls);
  });

  it('3110: a channel IVMS does not know is NOT_FOUND naming it', async () => {
    const e = await failure(ivmsStreamHandlers(client, cfg).start({ cameraVendorId: '999', mode: 'LIVE' }));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toContain('channel 999');
  });

  it('faults: site down (HTTP 200!), broken JSON, HTTP 500 are VENDOR_UNAVAILABLE; a hang times out', async () => {
    const streams = ivmsStreamHandlers(client, cfg);
    const cases: Array<[typeof sim.fault, RegExp]> = [
      ['site-down', /site VMS server down/],
      ['invalid-json', /site VMS server down.*not valid JSON/],
      ['http500', /HTTP 500/],
      ['hang', /(no complete answer within 400 ms|HEADERS_TIMEOUT)/], // deadline and undici's headers timeout race
    ];
    for (const [fault, message] of cases) {
      sim.fault = fault;
      const started = Date.now();
      const e = await failure(streams.start({ cameraVendorId: '1', mode: 'LIVE' }));
      expect([fault, e.code]).toEqual([fault, 'VENDOR_UNAVAILABLE']);
      expect(e.message).toMatch(message);
      expect(Date.now() - started).toBeLessThan(3000);
    }
  });

  it('playlist URLs: made absolute, origin replaced by hlsBaseUrl, http(s) only', () => {
    expect(playlistUrlOf('/live/a/index.m3u8', { baseUrl: 'http://10.0.0.9:8080' })).toBe('http://10.0.0.9:8080/live/a/index.m3u8');
    expect(playlistUrlOf('http://192.168.5.5:1935/live/a/index.m3u8?x=1', { baseUrl: 'http://h', hlsBaseUrl: 'https://ivms.example.com:8443/ignored' })).toBe(
      'https://ivms.example.com:8443/live/a/index.m3u8?x=1',
    );
    expect(() => playlistUrlOf('file:///etc/passwd', { baseUrl: 'http://h' })).toThrow(/scheme file:/);
  });
});
