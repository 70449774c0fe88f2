/**
 * Camlytics simulator against plain fetch and a node:http receiver written here (no adapter code):
 * REST semantics, fault modes, event content and webhook bodies as in the vendor documents (seed 003).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import http from 'node:http';
import type net from 'node:net';
import {
  CamlyticsSimulator,
  DEFAULT_CHANNELS,
  EVENT_TYPES,
  ORIGINS,
  WEBHOOK_TIMEOUT_MS,
  buildImmediateWebhook,
  postWebhook,
  scheduleAggregateWebhooks,
  type AggregateWebhookBody,
  type CamlyticsFault,
  type CamlyticsSimulatorOptions,
  type ImmediateWebhookBody,
  type RestEvent,
} from '@unified-surveillance/simulators/camlytics';
import { waitFor } from '../../helpers/wait-for.ts';

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  vi.useRealTimers();
});

async function simulator(opts: CamlyticsSimulatorOptions = {}): Promise<CamlyticsSimulator> {
  const sim = new CamlyticsSimulator({ seed: 7, ...opts });
  cleanups.push(() => sim.stop());
  await sim.start();
  return sim;
}

/** A settable clock starting at `iso`. */
function clockAt(iso: string) {
  const c = { ms: Date.parse(iso), now: () => c.ms };
  return c;
}

const get = (sim: CamlyticsSimulator, query = '', init?: RequestInit) => fetch(`${sim.url}/v1/json/events${query}`, init);
const events = async (sim: CamlyticsSimulator, query = ''): Promise<RestEvent[]> => {
  const res = await get(sim, query);
  expect(res.status).toBe(200);
  return (await res.json()) as RestEvent[];
};
const ids = (list: RestEvent[]): string[] => list.map((e) => e.event_id);

type Failure = Error & { cause?: { code?: string } };
async function failure(p: Promise<unknown>): Promise<Failure> {
  try {
    await p;
  } catch (e) {
    return e as Failure;
  }
  throw new Error('expected a failure');
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DOTNET_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}[+-]\d\d:\d\d$/;
const REST_KEYS = ['event_id', 'channel_id', 'channel_name', 'type', 'origin', 'object_id', 'rule_id', 'rule_name', 'time', 'timestamp', 'snapshot_path', 'video_file_name', 'video_file_time'];

describe('GET /v1/json/events', () => {
  it('answers [] when idle: at once without timeout, after ~timeout with one', async () => {
    const sim = await simulator();
    expect(await events(sim, '?limit=10&order=DESC')).toEqual([]);
    const t0 = Date.now();
    expect(await events(sim, '?limit=10&order=DESC&timeout=1')).toEqual([]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
  });

  it('orders newest first, honours limit (default 10); ASC gives the oldest events', async () => {
    const clock = clockAt('2019-05-20T15:00:00Z');
    const sim = await simulator({ now: clock.now });
    const emitted = Array.from({ length: 15 }, () => {
      clock.ms += 1000;
      return sim.emit();
    });
    const newestFirst = ids(emitted).reverse();
    expect(ids(await events(sim, '?limit=5&order=DESC'))).toEqual(newestFirst.slice(0, 5));
    expect(ids(await events(sim, '?order=desc'))).toEqual(newestFirst.slice(0, 10));
    expect(ids(await events(sim))).toEqual(newestFirst.slice(0, 10));
    expect(ids(await events(sim, '?limit=3&order=ASC'))).toEqual(ids(emitted).slice(0, 3));
    expect(ids(await events(sim, '?limit=100&order=asc'))).toEqual(ids(emitted));
    // an event emitted with an older time sorts by time, not by arrival
    const late = sim.emit({ time: '2019-05-20T18:00:01.5000000+03:00' });
    expect((await events(sim, '?limit=16'))[14].event_id).toBe(late.event_id);
  });

  it('long-polls: answers as soon as a new event arrives, with the older ones again', async () => {
    const sim = await simulator();
    const old = [sim.emit(), sim.emit()];
    const t0 = Date.now();
    const pending = events(sim, '?limit=10&order=DESC&timeout=5');
    await waitFor(() => sim.stats.activeEventRequests === 1);
    const fresh = sim.emit();
    const got = await pending;
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(ids(got)).toEqual([fresh.event_id, old[1].event_id, old[0].event_id]);
  });

  it('with events but nothing new, waits the timeout and returns the same events again', async () => {
    const sim = await simulator();
    sim.emit();
    sim.emit();
    sim.emit();
    const first = await events(sim, '?limit=10&order=DESC&timeout=0');
    const t0 = Date.now();
    const second = await events(sim, '?limit=10&order=DESC&timeout=1');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(second).toEqual(first);
  });

  it('overlapping polls return the same events and are counted as concurrent', async () => {
    const sim = await simulator();
    sim.emit();
    const a = events(sim, '?limit=10&order=DESC&timeout=5');
    const b = events(sim, '?limit=10&order=DESC&timeout=5');
    await waitFor(() => sim.stats.activeEventRequests === 2);
    const t0 = Date.now();
    sim.emit();
    sim.emit();
    const [ra, rb] = await Promise.all([a, b]);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(ra).toHaveLength(3);
    expect(rb).toEqual(ra);
    expect(sim.stats.maxConcurrentEventRequests).toBe(2);
    expect(sim.stats.eventRequests).toBe(2);
    await waitFor(() => sim.stats.activeEventRequests === 0);
  });

  it('rejects bad parameters with 400 (timeout is whole seconds)', async () => {
    const sim = await simulator();
    for (const q of ['?limit=abc', '?limit=0', '?order=sideways', '?timeout=0.5', '?timeout=-1']) {
      const res = await get(sim, q);
      expect(res.status, q).toBe(400);
      expect(await res.json()).toHaveProperty('Message');
    }
    expect((await fetch(`${sim.url}/v1/json/nothing`)).status).toBe(404);
    expect((await fetch(`${sim.url}/v1/json/events`, { method: 'POST', body: '{}' })).status).toBe(405);
    expect((await fetch(`${sim.url}/V1/JSON/Events/`)).status).toBe(200);
  });

  it('stop() ends pending long-polls and leaves nothing listening', async () => {
    const sim = new CamlyticsSimulator();
    await sim.start();
    const pending = failure(get(sim, '?timeout=30').then((r) => r.text()));
    await waitFor(() => sim.stats.activeEventRequests === 1);
    const t0 = Date.now();
    await sim.stop();
    await pending;
    expect(Date.now() - t0).toBeLessThan(1000);
    expect((await failure(get(sim))).cause?.code).toBe('ECONNREFUSED');
  });
});

describe('event content', () => {
  it('every event: REST names, GUIDs, .NET times with 7 digits and offset, Windows snapshot paths', async () => {
    const sim = await simulator({ seed: 'content' });
    for (let i = 0; i < 2000; i++) sim.emit();
    const all = await events(sim, '?limit=5000&order=DESC');
    expect(all).toHaveLength(2000);
    const channelIds = new Set(DEFAULT_CHANNELS.map((c) => c.id));
    for (const e of all) {
      expect(Object.keys(e)).toEqual(REST_KEYS);
      for (const v of Object.values(e)) expect(typeof v).toBe('string');
      expect(e.event_id).toMatch(GUID);
      expect(channelIds.has(e.channel_id)).toBe(true);
      expect(e.rule_id).toMatch(GUID);
      expect(e.time).toMatch(DOTNET_TIME);
      expect(e.time.endsWith('+03:00')).toBe(true);
      expect(Number(e.timestamp)).toBe(Date.parse(e.time.replace(/(\.\d{3})\d{4}/, '$1')));
      expect(e.object_id).toMatch(/^\d+$/);
      expect(ORIGINS).toContain(e.origin);
      if (e.type === 'CameraDisconnected') expect(e.snapshot_path).toBe('');
      else expect(e.snapshot_path).toMatch(/^C:\\Users\\[^/]+\.jpg$/);
      if (e.video_file_name) expect(e.video_file_time).toMatch(/^\d\d:\d\d:\d\d\.\d{7}$/);
      else expect(e.video_file_time).toBe('');
    }
    const types = new Set(all.map((e) => e.type));
    for (const t of EVENT_TYPES) expect(types.has(t.type), t.type).toBe(true);
    expect([...types].filter((t) => !EVENT_TYPES.some((k) => k.type === t)).length).toBeGreaterThan(0);
    expect(new Set(all.map((e) => e.origin))).toEqual(new Set(ORIGINS));
    expect(all.some((e) => e.rule_name === 'Line 1') && all.some((e) => e.rule_name === 'Zone 1')).toBe(true);
    expect(all.some((e) => e.video_file_name === '') && all.some((e) => e.video_file_name.endsWith('.mp4'))).toBe(true);
  });

  it('is deterministic per seed and lets emit() override fields', async () => {
    const make = () => new CamlyticsSimulator({ seed: 'same', now: clockAt('2019-05-20T15:02:51.298Z').now });
    const [a, b] = [make(), make()];
    expect(Array.from({ length: 20 }, () => a.emit())).toEqual(Array.from({ length: 20 }, () => b.emit()));
    const e = a.emit({ type: 'FaceMaskMissing', channel_id: DEFAULT_CHANNELS[1].id });
    expect(e.type).toBe('FaceMaskMissing');
    expect(e.channel_name).toBe(DEFAULT_CHANNELS[1].name);
    expect(a.emit({ time: '2019-05-20T18:02:51.2984871+03:00' }).timestamp).toBe(String(Date.parse('2019-05-20T15:02:51.298Z')));
  });
});

describe('faults (both endpoints)', () => {
  const paths = ['/v1/json/events?limit=10&order=DESC&timeout=5', '/v1/json/channels'];

  it('down refuses connections and comes back on the same port', async () => {
    const sim = await simulator();
    sim.emit();
    const url = sim.url;
    sim.fault = 'down';
    for (const p of paths) expect((await failure(fetch(url + p))).cause?.code).toBe('ECONNREFUSED');
    sim.fault = 'none';
    await sim.whenReady();
    expect(sim.url).toBe(url);
    expect(await events(sim)).toHaveLength(1);
  });

  it.each(['html', 'invalid-json', 'http500'] as CamlyticsFault[])('%s answers with an unusable body', async (fault) => {
    const sim = await simulator();
    sim.emit();
    sim.fault = fault;
    for (const p of paths) {
      const t0 = Date.now();
      const res = await fetch(sim.url + p);
      const text = await res.text();
      expect(Date.now() - t0).toBeLessThan(1000); // no long-poll
      expect(res.status).toBe(fault === 'http500' ? 500 : 200);
      expect(res.headers.get('content-type')).toMatch(fault === 'html' ? /^text\/html/ : /^application\/json/);
      if (fault === 'http500') expect(JSON.parse(text)).not.toBeInstanceOf(Array);
      else expect(() => JSON.parse(text)).toThrow();
    }
  });

  it('hang accepts and never answers; drop sends part of the body then closes', async () => {
    const sim = await simulator();
    sim.emit();
    sim.emit();
    sim.fault = 'hang';
    for (const p of paths) expect((await failure(fetch(sim.url + p, { signal: AbortSignal.timeout(300) }))).name).toBe('TimeoutError');
    expect(sim.stats.eventRequests).toBe(1);
    expect(sim.stats.channelRequests).toBe(1);
    sim.fault = 'drop';
    for (const p of paths) await failure(fetch(sim.url + p).then((r) => r.text()));
  });

  it('duplicates answers at once with events already returned, each twice', async () => {
    const sim = await simulator();
    const emitted = [sim.emit(), sim.emit(), sim.emit()];
    const seen = ids(await events(sim, '?limit=10&order=DESC'));
    sim.emit();
    sim.fault = 'duplicates';
    const t0 = Date.now();
    const again = ids(await events(sim, '?limit=10&order=DESC&timeout=5'));
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(again).toEqual([...seen, ...seen]);
    expect(new Set(again)).toEqual(new Set(ids(emitted)));
  });

  it('huge answers with a valid JSON array larger than 20 MB', async () => {
    const sim = await simulator();
    sim.emit();
    sim.fault = 'huge';
    for (const p of paths) {
      const res = await fetch(sim.url + p);
      const text = await res.text();
      expect(Number(res.headers.get('content-length'))).toBeGreaterThan(20 * 1024 * 1024);
      const list = JSON.parse(text) as Array<Record<string, string>>;
      expect(list.length).toBeGreaterThan(1000);
      expect(list[1].event_id ?? list[1].id).toMatch(GUID);
    }
  });
});

describe('GET /v1/json/channels', () => {
  it('lists id, name, stream URI (credentials included) and extra fields; follows setChannels', async () => {
    const sim = await simulator();
    const list = (await (await fetch(`${sim.url}/v1/json/channels`)).json()) as Array<Record<string, unknown>>;
    expect(list.map((c) => [c.id, c.name, c.stream_uri])).toEqual(DEFAULT_CHANNELS.map((c) => [c.id, c.name, c.streamUri]));
    for (const c of list) {
      expect(c.id).toMatch(GUID);
      expect(Object.keys(c).length).toBeGreaterThan(3);
    }
    expect(list.some((c) => /^rtsp:\/\/[^:]+:[^@]+@/.test(String(c.stream_uri)))).toBe(true);
    sim.setChannels([{ id: '0f8fad5b-d9cb-469f-a165-70867728950e', name: 'Lobby', streamUri: 'rtsp://u:p@10.0.0.5/live' }]);
    const after = (await (await fetch(`${sim.url}/v1/json/channels`)).json()) as Array<Record<string, unknown>>;
    expect(after.map((c) => c.name)).toEqual(['Lobby']);
    expect(sim.emit().channel_name).toBe('Lobby');
    expect(sim.stats.channelRequests).toBe(2);
  });
});

interface Received {
  headers: http.IncomingHttpHeaders;
  json: unknown;
  text: string;
}
async function receiver(answer = true) {
  const got: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      got.push({ headers: req.headers, json: JSON.parse(text), text });
      if (answer) res.writeHead(200, { 'content-type': 'application/json' }).end('{"result":"success"}');
    });
  });
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise((r) => server.close(r));
  });
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/hook?token=s3cret`, got };
}

const SEED_IMMEDIATE =
  '{"channel_id":"ddbbe807-8560-4bc7-b04b-4b3b04c69339","channel_name":"Integrated Camera","event_name":"Line crossed","event_origin":"Pedestrian","event_time":"2019-05-20T18:02:51.2984871+03:00","event_type":"TripwireCrossed","object_id":9,"rule_id":"471fa55d-967b-46a7-b77f-5b9ce6af82ee","rule_name":"Line 1"}';
const AGGREGATE_KEYS = ['channel_id', 'channel_name', 'event_type_aggregate', 'rule_id_aggregate', 'since_time', 'until_time'];
const ms = (dotnet: string) => Date.parse(dotnet.replace(/(\.\d{3})\d{4}/, '$1'));

describe('webhooks', () => {
  it('immediate: webhook names, label and numeric object_id; the seed body byte for byte', async () => {
    const sim = await simulator();
    const hook = await receiver();
    const e = sim.emit({ type: 'TripwireCrossed' });
    expect(await sim.sendWebhook(hook.url, 'immediate', { event: e })).toEqual({ status: 200, body: '{"result":"success"}' });
    const body = hook.got[0].json as ImmediateWebhookBody;
    expect(hook.got[0].headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(body)).toEqual(['channel_id', 'channel_name', 'event_name', 'event_origin', 'event_time', 'event_type', 'object_id', 'rule_id', 'rule_name']);
    expect(body).toMatchObject({ event_type: e.type, event_origin: e.origin, event_time: e.time, event_name: 'Line crossed', rule_id: e.rule_id });
    expect(body.object_id).toBe(Number(e.object_id));
    const seedLike: RestEvent = {
      ...e,
      channel_id: 'ddbbe807-8560-4bc7-b04b-4b3b04c69339',
      channel_name: 'Integrated Camera',
      origin: 'Pedestrian',
      time: '2019-05-20T18:02:51.2984871+03:00',
      object_id: '9',
      rule_id: '471fa55d-967b-46a7-b77f-5b9ce6af82ee',
      rule_name: 'Line 1',
    };
    expect(JSON.stringify(buildImmediateWebhook(seedLike))).toBe(SEED_IMMEDIATE);
  });

  it('hourly aggregate: local xx:00 one hour apart, every type and rule counted', async () => {
    const clock = clockAt('2019-05-20T14:30:00Z'); // 17:30 at +03:00
    const sim = await simulator({ now: clock.now });
    const hook = await receiver();
    const seedChannel = DEFAULT_CHANNELS[0].id;
    clock.ms = Date.parse('2019-05-20T13:59:00Z');
    sim.emit({ channel_id: seedChannel }); // before the window
    const inside: RestEvent[] = [];
    for (let i = 0; i < 40; i++) {
      clock.ms = Date.parse('2019-05-20T14:00:05Z') + i * 60_000;
      inside.push(sim.emit({ channel_id: seedChannel }));
    }
    inside.push(sim.emit({ channel_id: seedChannel, type: 'PersonCounted' }));
    clock.ms = Date.parse('2019-05-20T15:10:00Z');
    sim.emit({ channel_id: seedChannel }); // after the window
    await sim.sendWebhook(hook.url, 'hourly', { channelId: seedChannel });
    const body = hook.got[0].json as AggregateWebhookBody;
    expect(Object.keys(body)).toEqual(AGGREGATE_KEYS);
    expect(body.since_time).toMatch(/^2019-05-20T17:00:00\.\d{7}\+03:00$/);
    expect(body.until_time).toMatch(/^2019-05-20T18:00:00\.\d{7}\+03:00$/);
    expect(body.since_time.slice(19)).toBe(body.until_time.slice(19));
    expect(ms(body.until_time) - ms(body.since_time)).toBe(3_600_000);
    expect(body.event_type_aggregate.slice(0, 14).map((t) => [t.event_type, t.event_name])).toEqual(EVENT_TYPES.map((t) => [t.type, t.label]));
    expect(Object.keys(body.event_type_aggregate[0])).toEqual(['event_count', 'event_name', 'event_type']);
    expect(body.event_type_aggregate.at(-1)).toEqual({ event_count: 1, event_name: 'PersonCounted', event_type: 'PersonCounted' });
    for (const t of body.event_type_aggregate) expect(t.event_count).toBe(inside.filter((e) => e.type === t.event_type).length);
    expect(body.rule_id_aggregate.map((r) => r.rule_name)).toEqual(['Motion detection', 'Line 1', 'Line 2', 'Line 3']);
    expect(body.rule_id_aggregate[1].rule_id).toBe('471fa55d-967b-46a7-b77f-5b9ce6af82ee');
    for (const r of body.rule_id_aggregate) expect(r.event_count).toBe(inside.filter((e) => e.rule_id === r.rule_id).length);
    // an explicit window start
    await sim.sendWebhook(hook.url, 'hourly', { since: new Date('2019-05-20T09:00:00Z') });
    expect((hook.got[1].json as AggregateWebhookBody).until_time).toMatch(/^2019-05-20T13:00:00\.000\d{4}\+03:00$/);
  });

  it('daily aggregate: local midnight to midnight, 24 h apart', async () => {
    const sim = await simulator({ now: clockAt('2019-05-20T21:10:00Z').now }); // 00:10 on the 21st at +03:00
    const hook = await receiver();
    await sim.sendWebhook(hook.url, 'daily');
    const body = hook.got[0].json as AggregateWebhookBody;
    expect(Object.keys(body)).toEqual(AGGREGATE_KEYS);
    expect(body.since_time).toMatch(/^2019-05-20T00:00:00\.\d{7}\+03:00$/);
    expect(body.until_time).toMatch(/^2019-05-21T00:00:00\.\d{7}\+03:00$/);
    expect(ms(body.until_time) - ms(body.since_time)).toBe(86_400_000);
    expect(body.event_type_aggregate.every((t) => t.event_count === 0)).toBe(true);
  });

  it('the sender gives up after its timeout (5 s documented)', async () => {
    expect(WEBHOOK_TIMEOUT_MS).toBe(5000);
    const hook = await receiver(false);
    const t0 = Date.now();
    expect((await failure(postWebhook(hook.url, { a: 1 }, { timeoutMs: 200 }))).message).toMatch(/timed out after 200 ms/);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(hook.got).toHaveLength(1);
  });

  it('schedules hourly aggregates at xx:00 and daily ones at 00:00 local time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(new Date('2019-05-20T20:59:59Z')); // 23:59:59 at +03:00
    const sent: string[] = [];
    const sender = {
      channels: DEFAULT_CHANNELS,
      utcOffsetMinutes: 180,
      now: () => Date.now(),
      sendWebhook: async (_url: string, kind: string, o?: { channelId?: string }) => {
        sent.push(`${kind}:${o?.channelId}`);
        return { status: 200, body: '' };
      },
    };
    const stop = scheduleAggregateWebhooks(sender, 'http://127.0.0.1:1/hook');
    vi.advanceTimersByTime(900);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(600);
    expect(sent.filter((s) => s.startsWith('hourly'))).toHaveLength(3);
    expect(sent.filter((s) => s.startsWith('daily'))).toHaveLength(3);
    vi.advanceTimersByTime(3_600_000);
    expect(sent.filter((s) => s.startsWith('hourly'))).toHaveLength(6);
    expect(sent.filter((s) => s.startsWith('daily'))).toHaveLength(3);
    stop();
  });
});
