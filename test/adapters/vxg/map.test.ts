import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  capabilitiesOf,
  downloadLooksLikeImage,
  isImageBytes,
  kindOfVxgEvent,
  mapVxgEvent,
  parseVxgEventType,
  parseVxgPage,
  parseVxgStoredEvent,
  scrubSecrets,
  vxgSettingsBody,
} from '../../../src/adapters/vxg/map.ts';
import { formatVxgTime, parseVxgTime } from '../../../src/adapters/vxg/time.ts';
import { vxgHttpError, vxgMessageOf } from '../../../src/adapters/vxg/errors.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/vxg/${name}`, import.meta.url), 'utf8'));

describe('VXG times', () => {
  it('format: UTC, whole seconds (truncated), no zone', () => {
    expect(formatVxgTime(new Date('2021-09-23T16:30:00.999Z'))).toBe('2021-09-23T16:30:00');
    expect(formatVxgTime(new Date('2021-09-23T18:30:00+02:00'))).toBe('2021-09-23T16:30:00');
    expect(() => formatVxgTime(new Date('x'))).toThrow();
  });
  it('parse: zone-less is UTC; zones and fractions are understood; junk is null', () => {
    expect(parseVxgTime('2021-09-23T16:30:00')?.toISOString()).toBe('2021-09-23T16:30:00.000Z');
    expect(parseVxgTime('2021-09-23 16:30:00.250')?.toISOString()).toBe('2021-09-23T16:30:00.250Z');
    expect(parseVxgTime('2021-09-23T16:30:00+0200')?.toISOString()).toBe('2021-09-23T14:30:00.000Z');
    for (const bad of ['2021-09-23', '16:30:00', '2021-13-40T99:00:00', 42, null]) expect(parseVxgTime(bad)).toBeNull();
  });
});

describe('event types', () => {
  it('the documented list: caps and settings, absent settings as null', () => {
    const page = parseVxgPage(fixture('event-types-page.json'), 'event types');
    expect(page.total).toBe(3);
    const types = page.objects.map(parseVxgEventType);
    expect(types.map((t) => t.name)).toEqual(['motion', 'net', 'snapshot']);
    expect(types[0]).toEqual({
      name: 'motion',
      caps: { canBeTriggered: false, canRecord: true, canSnapshot: true, isPeriodic: false },
      notify: true,
      receive: true,
      record: true,
      snapshot: true,
      period: null,
      custom: false,
      generateImages: false,
    });
    expect(types[1]).toMatchObject({ record: null, snapshot: null });
    expect(types[2]).toMatchObject({ period: 0, caps: { isPeriodic: true }, receive: false });
  });
  it('a custom type answer', () => {
    expect(parseVxgEventType(fixture('custom-type.json'))).toMatchObject({ name: 'custom_event', custom: true, notify: true, receive: false, record: null });
  });
  it('capabilities: CREATE_EVENT always, TRIGGER_EVENT when a type can be triggered', () => {
    const types = parseVxgPage(fixture('event-types-page.json'), 't').objects.map(parseVxgEventType);
    expect(capabilitiesOf(types)).toEqual(['CREATE_EVENT']);
    expect(capabilitiesOf(null)).toEqual(['CREATE_EVENT']);
    expect(capabilitiesOf([...types, { ...types[0], name: 'door_bell', caps: { ...types[0].caps, canBeTriggered: true } }])).toEqual(['CREATE_EVENT', 'TRIGGER_EVENT']);
  });
  it('settings body: only the fields given', () => {
    expect(vxgSettingsBody({ record: true, snapshot: false, notify: undefined, period: null })).toEqual({ record: true, snapshot: false });
  });
  it('refuses envelopes and types of the wrong shape', () => {
    expect(() => parseVxgPage({ objects: 'x' }, 'event types')).toThrow(/event types/);
    expect(() => parseVxgEventType({ caps: {} })).toThrow(/name/);
  });
});

describe('stored events', () => {
  const page = parseVxgPage(fixture('stored-events-page.json'), 'stored events');
  const [motion, net] = page.objects.map(parseVxgStoredEvent);
  it('parses id, time (UTC), meta and links', () => {
    expect(page).toMatchObject({ total: 3, next: expect.stringContaining('offset=2') });
    expect(motion).toMatchObject({ id: '33794129', camid: 237863, name: 'motion', meta: { zone: 'porch' } });
    expect(motion.time.toISOString()).toBe('2021-09-23T16:31:05.000Z');
    expect(motion.thumbUrl).toBe('https://storage.example.com/thumbs/33794129.jpg?sig=abc');
    expect(motion.downloadUrl).toMatch(/\.mp4\?sig=abc$/);
    expect(net).toMatchObject({ meta: null, thumbUrl: null, downloadUrl: null });
  });
  it('the create answer parses too', () => {
    expect(parseVxgStoredEvent(fixture('created-event.json'))).toMatchObject({ id: '33794128', name: 'custom_event', meta: { tag1: 'value1' } });
  });
  it('refuses objects without id, camid, name or a valid time', () => {
    const ok = fixture('created-event.json');
    for (const broken of [{ ...ok, id: undefined }, { ...ok, camid: 'x' }, { ...ok, name: '' }, { ...ok, time: 'yesterday' }, 'x']) {
      expect(() => parseVxgStoredEvent(broken)).toThrow();
    }
  });
  it('maps to an EventInput: kind by table, vendorType = name, dedupe on the VXG id, raw kept', () => {
    const cam = { vendorId: '237863', name: 'Porch', capabilities: ['CREATE_EVENT' as const] };
    const ev = mapVxgEvent(motion, cam, []);
    expect(ev).toMatchObject({
      typeName: 'VxgEvent',
      kind: 'MOTION_STARTED',
      vendorType: 'motion',
      dedupeKey: 'vxg:33794129',
      camera: cam,
      data: { vxgId: '33794129', camid: 237863, name: 'motion', time: '2021-09-23T16:31:05', meta: { zone: 'porch' } },
    });
    expect(mapVxgEvent(net, cam, []).kind).toBe('CUSTOM');
    expect((mapVxgEvent(net, cam, []).raw as Record<string, unknown>).x_extra).toEqual({ kept: true });
    expect(kindOfVxgEvent('door_bell')).toBe('CUSTOM');
  });
  it('secrets are scrubbed from links, meta and raw', () => {
    const secret = 'share.SECRET-inner-token';
    const leaky = parseVxgStoredEvent({ ...fixture('created-event.json'), meta: { note: `x${secret}y` }, thumb: { url: `https://s.example.com/t.jpg?token=${secret}` } });
    const ev = mapVxgEvent(leaky, { vendorId: '1', name: 'c', capabilities: [] }, [secret]);
    expect(JSON.stringify(ev)).not.toContain(secret);
    expect(ev.data?.thumbnailUrl).toBe('https://s.example.com/t.jpg?token=[redacted]');
    expect(scrubSecrets({ [secret]: [secret] }, [secret])).toEqual({ '[redacted]': ['[redacted]'] });
  });
  it('downloads are fetched only when they look like images', () => {
    expect(downloadLooksLikeImage(motion)).toBe(false);
    expect(downloadLooksLikeImage({ downloadUrl: 'https://x/a.JPG?s=1', downloadType: null })).toBe(true);
    expect(downloadLooksLikeImage({ downloadUrl: 'https://x/a.bin', downloadType: 'image/png' })).toBe(true);
    expect(downloadLooksLikeImage({ downloadUrl: null, downloadType: 'image/png' })).toBe(false);
  });
  it('isImageBytes: JPEG, PNG, GIF, WebP by magic bytes', () => {
    expect(isImageBytes(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe(true);
    expect(isImageBytes(Buffer.from('89504e470d0a1a0a00', 'hex'))).toBe(true);
    expect(isImageBytes(Buffer.from('GIF89a'))).toBe(true);
    expect(isImageBytes(Buffer.from('RIFF0000WEBPVP8 '))).toBe(true);
    expect(isImageBytes(Buffer.from('000000186674797069736f6d', 'hex'))).toBe(false);
    expect(isImageBytes(Buffer.from('<html>'))).toBe(false);
  });
});

describe('VXG errors → typed errors', () => {
  const c = { what: 'creating a motion event on camera 1', secrets: ['share.SECRET-inner-token'] };
  it("VXG's message from its body (JSON or text)", () => {
    expect(vxgMessageOf('{"errorType":"unauthorized","errorDetail":"token expired","status":401}')).toBe('token expired');
    expect(vxgMessageOf('{"detail":"Not found."}')).toBe('Not found.');
    expect(vxgMessageOf('<html><body>Bad Gateway</body></html>')).toBe('Bad Gateway');
    expect(vxgMessageOf('')).toBe('no message');
  });
  it('statuses map to codes', () => {
    const body = '{"errorDetail":"nope share.SECRET-inner-token"}';
    expect(vxgHttpError(401, body, c).code).toBe('VENDOR_REJECTED');
    expect(vxgHttpError(403, body, c).code).toBe('VENDOR_REJECTED');
    expect(vxgHttpError(400, body, c).code).toBe('VENDOR_REJECTED');
    expect(vxgHttpError(404, body, c).code).toBe('VENDOR_REJECTED');
    expect(vxgHttpError(404, body, { ...c, notFoundMeans: 'camera 1 has no event type x' }).code).toBe('NOT_FOUND');
    for (const s of [408, 429, 500, 502, 503]) expect(vxgHttpError(s, body, c).code).toBe('VENDOR_UNAVAILABLE');
    const e = vxgHttpError(401, body, c);
    expect(e.message).toContain('nope');
    expect(e.message).toContain('HTTP 401');
    expect(e.message).not.toContain('SECRET');
  });
});
