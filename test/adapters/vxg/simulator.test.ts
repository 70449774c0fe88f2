/**
 * VXG API simulator, exercised with plain fetch (no adapter): tokens, auth, event types, paging,
 * triggers, stored events, media and faults. Expected shapes come from /work/shared/protocols/vxg.md.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { VxgSimulator, type VxgSimulatorOptions } from '@unified-surveillance/simulators/vxg';
import { waitFor } from '../../helpers/wait-for.ts';

const CAM_A = 248527;
const CAM_B = 237863;
const sims: VxgSimulator[] = [];
afterEach(async () => {
  for (const s of sims.splice(0)) await s.stop();
});

async function startSim(opts: VxgSimulatorOptions = {}): Promise<VxgSimulator> {
  const sim = new VxgSimulator({ seed: 'test', ...opts });
  sims.push(sim);
  await sim.start();
  return sim;
}

interface Res {
  status: number;
  json: any;
  headers: Headers;
  text: string;
}

async function api(sim: VxgSimulator, path: string, init: { method?: string; token?: string | null; body?: unknown; raw?: string } = {}): Promise<Res> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = init.token === undefined ? sim.tokenFor(CAM_A) : init.token;
  if (token !== null) headers.authorization = `Acc ${token}`;
  if (init.body !== undefined || init.raw !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(new URL(path, sim.url), {
    method: init.method ?? 'GET',
    headers,
    body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, headers: res.headers, text };
}

const typesPath = (camid = CAM_A): string => `/api/v2/cameras/${camid}/event_processing/events/`;
const decode = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
const NO_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

describe('channel access tokens', () => {
  it('are base64 JSON with the documented fields, pointing at the simulator', async () => {
    const sim = await startSim();
    const token = sim.tokenFor(CAM_A);
    const p = decode(token);
    expect(Object.keys(p).sort()).toEqual(['access', 'api', 'api_p', 'cam', 'camid', 'cmngrid', 'token']);
    expect(p).toMatchObject({ camid: CAM_A, access: 'all', api: '127.0.0.1', api_p: Number(new URL(sim.url).port) });
    expect(p.token).toMatch(/^share\.eyJ/);
    expect(sim.tokenFor(CAM_A)).toBe(token);
    expect(decode(sim.tokenFor(CAM_A, { access: 'watch' })).access).toBe('watch');
    expect(() => sim.tokenFor(1)).toThrow(/no camera/);
    const res = await fetch(`http://${p.api}:${p.api_p}${typesPath(p.camid as number)}`, { headers: { authorization: `Acc ${token}` } });
    expect(res.status).toBe(200);
  });
});

describe('authorization', () => {
  it('401 with a JSON body for missing, malformed, foreign or tampered tokens', async () => {
    const sim = await startSim();
    const other = await startSim({ seed: 'other' });
    const tampered = Buffer.from(JSON.stringify({ ...decode(sim.tokenFor(CAM_A)), camid: CAM_B })).toString('base64');
    const bad: Array<string | null> = [null, 'not-base64!', Buffer.from('[1]').toString('base64'), other.tokenFor(CAM_A), tampered];
    for (const token of bad) {
      const r = await api(sim, typesPath(), { token });
      expect(r.status, String(token)).toBe(401);
      expect(r.json).toMatchObject({ errorType: 'unauthorized', status: 401 });
      expect(typeof r.json.errorDetail).toBe('string');
    }
    const bearer = await fetch(new URL(typesPath(), sim.url), { headers: { authorization: `Bearer ${sim.tokenFor(CAM_A)}` } });
    expect(bearer.status).toBe(401);
    expect(sim.stats.unauthorized).toBe(bad.length + 1);
  });

  it('403 for another camera or a watch token on writes; 404 for an unknown camera', async () => {
    const sim = await startSim();
    expect((await api(sim, typesPath(CAM_B))).status).toBe(403);
    expect(await api(sim, typesPath(999))).toMatchObject({ status: 404, json: { errorType: 'not_found' } });
    const watch = sim.tokenFor(CAM_A, { access: 'watch' });
    expect((await api(sim, typesPath(), { token: watch })).status).toBe(200);
    expect((await api(sim, typesPath(), { token: watch, method: 'POST', body: { name: 'x' } })).status).toBe(403);
    expect((await api(sim, `${typesPath()}motion/`, { token: watch, method: 'PUT', body: { notify: false } })).status).toBe(403);
    expect((await api(sim, `${typesPath()}door_bell/trigger/`, { token: watch, method: 'POST', body: { time: '2024-01-01T00:00:00' } })).status).toBe(403);
    const create = { camid: CAM_A, name: 'motion', time: '2024-01-01T00:00:00' };
    expect((await api(sim, '/api/v2/storage/events/', { token: watch, method: 'POST', body: create })).status).toBe(403);
    expect((await api(sim, '/api/v2/storage/events/', { method: 'POST', body: { ...create, camid: CAM_B } })).status).toBe(403);
    expect((await api(sim, '/api/v2/storage/events/', { method: 'POST', body: { ...create, camid: 999 } })).status).toBe(404);
    expect(sim.stats.triggered + sim.stats.created).toBe(0);
  });
});

describe('event types', () => {
  it('lists 25 types over two pages, following meta.next; shapes as in the vendor example', async () => {
    const sim = await startSim();
    const first = await api(sim, typesPath());
    expect(first.status).toBe(200);
    expect(first.json.meta).toEqual({ limit: 20, next: `${typesPath()}?limit=20&offset=20`, offset: 0, previous: null, total_count: 25 });
    expect(first.json.objects).toHaveLength(20);
    expect(first.json.objects.slice(0, 3)).toEqual([
      {
        caps: { can_be_triggered: false, can_record: true, can_snapshot: true, is_periodic: false },
        generate_images: false,
        name: 'motion',
        notify: true,
        receive: true,
        record: true,
        snapshot: true,
      },
      { caps: { can_be_triggered: false, can_record: false, can_snapshot: false, is_periodic: false }, generate_images: false, name: 'net', notify: true, receive: true },
      {
        caps: { can_be_triggered: false, can_record: false, can_snapshot: true, is_periodic: true },
        generate_images: false,
        name: 'snapshot',
        notify: true,
        period: 0,
        receive: false,
        snapshot: true,
      },
    ]);
    const second = await api(sim, first.json.meta.next);
    expect(second.json.meta).toMatchObject({ offset: 20, next: null, previous: `${typesPath()}?limit=20&offset=0`, total_count: 25 });
    expect(second.json.objects).toHaveLength(5);
    const doorBell = second.json.objects.find((t: any) => t.name === 'door_bell');
    expect(doorBell.caps.can_be_triggered).toBe(true);
    const names = [...first.json.objects, ...second.json.objects].map((t: any) => t.name);
    expect(new Set(names).size).toBe(25);
    expect((await api(sim, `${typesPath()}?limit=0`)).json.objects).toHaveLength(25);
    expect((await api(sim, `${typesPath()}?limit=-1`)).status).toBe(400);
    expect((await api(sim, typesPath().slice(0, -1))).status).toBe(404);
  });

  it('gives absolute page links when asked', async () => {
    const sim = await startSim({ pageLinks: 'absolute' });
    expect((await api(sim, `${typesPath()}?limit=10`)).json.meta.next).toBe(`${sim.url}${typesPath()}?limit=10&offset=10`);
  });

  it('adds a custom type (caps all false, custom true); duplicates and bad bodies are 400', async () => {
    const sim = await startSim();
    const r = await api(sim, typesPath(), { method: 'POST', body: { name: 'custom_event', notify: true } });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({ caps: { can_be_triggered: false, can_record: false, can_snapshot: false, is_periodic: false }, custom: true, name: 'custom_event', notify: true, receive: false });
    const list = await api(sim, `${typesPath()}?offset=20`);
    expect(list.json.meta.total_count).toBe(26);
    expect(list.json.objects.at(-1).name).toBe('custom_event');
    expect((await api(sim, typesPath(), { method: 'POST', body: { name: 'custom_event' } })).status).toBe(400);
    expect((await api(sim, typesPath(), { method: 'POST', body: { name: 'motion' } })).status).toBe(400);
    expect((await api(sim, typesPath(), { method: 'POST', body: { name: 'bad name' } })).status).toBe(400);
    expect((await api(sim, typesPath(), { method: 'POST', raw: '{"name":' })).json).toMatchObject({ errorType: 'invalid_param', status: 400 });
    expect((await api(sim, typesPath(CAM_B), { token: sim.tokenFor(CAM_B) })).json.meta.total_count).toBe(25);
  });

  it('PUT updates settings; unknown type 404; unsupported or non-boolean settings 400', async () => {
    const sim = await startSim();
    const r = await api(sim, `${typesPath()}motion/`, { method: 'PUT', body: { name: 'motion', receive: true, record: false, snapshot: false, notify: false } });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ name: 'motion', record: false, snapshot: false, notify: false, receive: true });
    expect((await api(sim, typesPath())).json.objects[0]).toMatchObject({ name: 'motion', record: false, notify: false });
    expect((await api(sim, `${typesPath()}nope/`, { method: 'PUT', body: { notify: true } })).status).toBe(404);
    expect((await api(sim, `${typesPath()}net/`, { method: 'PUT', body: { record: true } })).status).toBe(400);
    expect((await api(sim, `${typesPath()}net/`, { method: 'PUT', body: { record: false, notify: false } })).status).toBe(200);
    expect((await api(sim, `${typesPath()}net/`, { method: 'PUT', body: { notify: 'yes' } })).status).toBe(400);
  });

  it('triggers only types with can_be_triggered; the camera then stores the event', async () => {
    const sim = await startSim();
    const ok = await api(sim, `${typesPath()}door_bell/trigger/`, { method: 'POST', body: { time: '2021-09-23T19:15:00', meta: { tag1: 'value1' } } });
    expect(ok.status).toBe(204);
    expect(sim.stats.triggered).toBe(1);
    const [stored] = sim.storedEvents(CAM_A);
    expect(stored).toMatchObject({ camid: CAM_A, name: 'door_bell', time: '2021-09-23T19:15:00', meta: { tag1: 'value1' } });
    expect(stored.thumb?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    await api(sim, typesPath(), { method: 'POST', body: { name: 'custom_event' } });
    for (const name of ['motion', 'custom_event']) {
      const refused = await api(sim, `${typesPath()}${name}/trigger/`, { method: 'POST', body: { time: '2021-09-23T19:15:00' } });
      expect(refused.status).toBe(400);
      expect(refused.json.errorDetail).toMatch(/cannot be triggered/);
    }
    expect(sim.stats.triggerRefused).toBe(2);
    expect((await api(sim, `${typesPath()}nope/trigger/`, { method: 'POST', body: {} })).status).toBe(404);
    expect((await api(sim, `${typesPath()}door_bell/trigger/`, { method: 'POST', body: { time: '2021-09-23T19:15:00Z' } })).status).toBe(400);
    expect(sim.storedEvents()).toHaveLength(1);
  });
});

describe('stored events', () => {
  it('creates an event as in the vendor example; rejects unsupported types and zoned or fractional times', async () => {
    const sim = await startSim();
    await api(sim, typesPath(), { method: 'POST', body: { name: 'custom_event', notify: true } });
    const r = await api(sim, '/api/v2/storage/events/', { method: 'POST', body: { camid: CAM_A, name: 'custom_event', time: '2021-09-23T16:30:00', meta: { tag1: 'value1' } } });
    expect(r.status).toBe(201);
    expect(Object.keys(r.json)).toEqual(['camid', 'id', 'meta', 'name', 'time']);
    expect(r.json).toMatchObject({ camid: CAM_A, meta: { tag1: 'value1' }, name: 'custom_event', time: '2021-09-23T16:30:00' });
    expect(Number.isInteger(r.json.id)).toBe(true);
    expect(sim.stats.created).toBe(1);
    const post = (body: Record<string, unknown>) => api(sim, '/api/v2/storage/events/', { method: 'POST', body: { camid: CAM_A, name: 'motion', time: '2021-09-23T16:30:00', ...body } });
    expect((await post({ name: 'unknown_type' })).status).toBe(400);
    for (const time of ['2021-09-23T16:30:00Z', '2021-09-23T16:30:00.500', '2021-09-23T16:30:00+02:00', '2021-09-23 16:30:00', '2021-02-30T00:00:00', 1632414600, undefined]) {
      expect((await post({ time })).status, String(time)).toBe(400);
    }
    expect((await post({ camid: undefined })).status).toBe(400);
    expect((await post({ meta: [1] })).status).toBe(400);
    expect(sim.stats.created).toBe(1);
  });

  it('lists by camera, time range, type filter and order, paging with next; meta only with include_meta', async () => {
    const sim = await startSim();
    const at = (s: string) => new Date(`${s}Z`);
    sim.cameraEvent(CAM_A, 'motion', { time: at('2024-05-01T10:00:03'), meta: { n: 3 } });
    sim.cameraEvent(CAM_A, 'net', { time: at('2024-05-01T10:00:01') });
    sim.cameraEvent(CAM_A, 'motion', { time: new Date(Date.parse('2024-05-01T10:00:02.750Z')) });
    sim.cameraEvent(CAM_A, 'door_bell', { time: at('2024-05-01T10:00:04') });
    sim.cameraEvent(CAM_B, 'motion', { time: at('2024-05-01T10:00:02') });
    const list = (q: string) => api(sim, `/api/v2/storage/events/?${q}`);
    const asc = await list(`camid=${CAM_A}&order_by=time&include_meta=true`);
    expect(asc.json.objects.map((e: any) => e.time)).toEqual(['2024-05-01T10:00:01', '2024-05-01T10:00:02', '2024-05-01T10:00:03', '2024-05-01T10:00:04']);
    expect(asc.json.objects.every((e: any) => NO_ZONE.test(e.time) && e.camid === CAM_A && 'meta' in e)).toBe(true);
    expect(asc.json.objects[2].meta).toEqual({ n: 3 });
    const desc = await list('order_by=-time');
    expect(desc.json.objects.map((e: any) => e.name)).toEqual(['door_bell', 'motion', 'motion', 'net']);
    expect(desc.json.objects.some((e: any) => 'meta' in e)).toBe(false);
    const filtered = await list('events=motion,door_bell&start=2024-05-01T10:00:02&end=2024-05-01T10:00:03&order_by=time');
    expect(filtered.json.objects.map((e: any) => e.time)).toEqual(['2024-05-01T10:00:02', '2024-05-01T10:00:03']);
    const page1 = await list(`camid=${CAM_A}&events=motion,net,door_bell&order_by=time&limit=3`);
    expect(page1.json.meta).toMatchObject({ limit: 3, offset: 0, total_count: 4 });
    expect(page1.json.meta.next).toBe(`/api/v2/storage/events/?camid=${CAM_A}&events=motion%2Cnet%2Cdoor_bell&order_by=time&limit=3&offset=3`);
    const page2 = await api(sim, page1.json.meta.next);
    expect(page2.json.objects.map((e: any) => e.name)).toEqual(['door_bell']);
    expect(page2.json.meta.next).toBeNull();
    const one = await api(sim, `/api/v2/storage/events/${asc.json.objects[2].id}/?include_meta=true`);
    expect(one.json).toMatchObject({ id: asc.json.objects[2].id, meta: { n: 3 }, time: '2024-05-01T10:00:03' });
    const bId = sim.storedEvents(CAM_B)[0].id;
    expect((await api(sim, `/api/v2/storage/events/${bId}/`)).status).toBe(404);
    expect((await api(sim, `/api/v2/storage/events/${bId}/`, { token: sim.tokenFor(CAM_B) })).status).toBe(200);
    expect((await list(`camid=${CAM_B}`)).status).toBe(403);
    expect((await list('order_by=name')).status).toBe(400);
    expect((await list('start=2024-05-01T10:00:00Z')).status).toBe(400);
  });

  it('ids grow (with gaps) in creation order, not time order', async () => {
    const sim = await startSim();
    const later = sim.cameraEvent(CAM_A, 'motion', { time: new Date('2024-05-01T12:00:00Z') });
    const earlier = sim.cameraEvent(CAM_A, 'motion', { time: new Date('2024-05-01T11:00:00Z') });
    expect(earlier.id).toBeGreaterThan(later.id);
    expect(() => sim.cameraEvent(CAM_A, 'no_such_type')).toThrow(/does not support/);
  });

  it('serves thumbnails (JPEG) and clip downloads without auth', async () => {
    const sim = await startSim();
    const withThumb = sim.cameraEvent(CAM_A, 'motion', { withThumb: true });
    const without = sim.cameraEvent(CAM_A, 'net');
    expect(without.thumb).toBeUndefined();
    expect(without.filemeta).toBeUndefined();
    const listed = (await api(sim, '/api/v2/storage/events/?events=motion')).json.objects[0];
    expect(listed.thumb.url).toBe(withThumb.thumb!.url);
    const img = await fetch(listed.thumb.url);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/jpeg');
    const bytes = Buffer.from(await img.arrayBuffer());
    expect([bytes[0], bytes[1], bytes.at(-2), bytes.at(-1)]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
    const clip = await fetch(listed.filemeta.download.url);
    expect(clip.status).toBe(200);
    expect((await clip.arrayBuffer()).byteLength).toBeGreaterThan(0);
    expect((await fetch(`${sim.url}/sim/media/thumbs/${without.id}.jpg`)).status).toBe(404);
  });
});

describe('faults and lifecycle', () => {
  it('http500, invalid-json, down and hang apply to every endpoint and can be cleared', async () => {
    const sim = await startSim();
    const thumbUrl = sim.cameraEvent(CAM_A, 'motion', { withThumb: true }).thumb!.url;
    sim.fault = 'http500';
    expect(await api(sim, typesPath())).toMatchObject({ status: 500, json: { errorType: 'internal_error' } });
    expect((await fetch(thumbUrl)).status).toBe(500);
    sim.fault = 'invalid-json';
    const bad = await api(sim, '/api/v2/storage/events/');
    expect(bad.status).toBe(200);
    expect(() => JSON.parse(bad.text)).toThrow();
    sim.fault = 'down';
    await expect(api(sim, typesPath())).rejects.toThrow();
    sim.fault = 'hang';
    await expect(fetch(new URL(typesPath(), sim.url), { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    sim.fault = 'none';
    expect((await api(sim, typesPath())).status).toBe(200);
  });

  it('stop() ends hanging requests and leaves no listening socket', async () => {
    const servers = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
    const before = servers();
    const sim = new VxgSimulator();
    await sim.start();
    expect(servers()).toBe(before + 1);
    sim.fault = 'hang';
    const pending = fetch(new URL(typesPath(), sim.url)).then(
      () => 'answered',
      () => 'failed',
    );
    await waitFor(() => sim.stats.requests === 1); // the request reached the server
    const t0 = Date.now();
    await sim.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await pending).toBe('failed');
    expect(servers()).toBe(before);
    await sim.stop();
  });
});
