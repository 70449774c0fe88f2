import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeDataUrl, parseNotification, type IvmsAlert } from '../../../src/adapters/ivms/alert.ts';
import { alertDedupeKey, alertToEvent, sha256 } from '../../../src/adapters/ivms/map.ts';
import { parseEventTime } from '../../../src/adapters/ivms/time.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/ivms/${name}`, import.meta.url), 'utf8');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 2, 3, 0xff, 0xd9]);
const dataUrl = (b: Buffer, type = 'image/jpeg') => `data:${type};base64,${b.toString('base64')}`;

function alertOf(text: string, zone = 'UTC'): { alert: IvmsAlert; raw: Record<string, unknown> } {
  const [n] = parseNotification(text, zone);
  if (n.kind !== 'alert') throw new Error(`not an alert: ${JSON.stringify(n)}`);
  return n;
}

describe('IVMS notification messages', () => {
  it('open and close handshakes are status messages, not alerts', () => {
    expect(parseNotification(fixture('ws-open.json'), 'UTC')).toEqual([{ kind: 'status', code: 101, message: 'Connection Successful!', closing: false }]);
    expect(parseNotification(fixture('ws-close.json'), 'UTC')[0]).toMatchObject({ kind: 'status', closing: true });
  });

  it("parses the document's alert (image elided as '..' → no image)", () => {
    const { alert } = alertOf(fixture('ws-alert.doc.json'));
    expect(alert).toEqual({
      cameraId: '2',
      cameraName: '192.168.1.47',
      eventTime: '2017-07-07 11:56:47',
      timeZone: 'UTC',
      occurredAt: new Date('2017-07-07T11:56:47Z'),
      alertType: 209,
      alertMessage: 'Activity Detection',
      eventDetails1: 'NA',
      imageUrl: null,
    });
  });

  it('reads eventTime in the configured zone', () => {
    const { alert } = alertOf(fixture('ws-alert.doc.json'), 'Asia/Kolkata');
    expect([alert.occurredAt.toISOString(), alert.timeZone]).toEqual(['2017-07-07T06:26:47.000Z', 'Asia/Kolkata']);
  });

  it('accepts string ids and an array of alerts', () => {
    const two = parseNotification(
      JSON.stringify([
        { cameraId: '3', eventTime: '2024-01-01 00:00:00', alertType: '5' },
        { cameraId: 4, eventTime: '2024-01-01 00:00:01' },
      ]),
      'UTC',
    );
    expect(two.map((n) => n.kind === 'alert' && [n.alert.cameraId, n.alert.alertType])).toEqual([
      ['3', 5],
      ['4', null],
    ]);
  });

  it('refuses what is not an alert, naming the field', () => {
    const cases: Array<[string, RegExp]> = [
      ['not json', /not JSON/],
      ['42', /not a JSON object/],
      ['[]', /empty array/],
      ['{"eventTime":"2017-07-07 11:56:47"}', /cameraId/],
      ['{"cameraId":"cam","eventTime":"2017-07-07 11:56:47"}', /cameraId/],
      ['{"cameraId":2}', /eventTime/],
      ['{"cameraId":2,"eventTime":"07/07/2017 11:56"}', /eventTime/],
      ['{"cameraId":2,"eventTime":"2017-02-30 11:56:47"}', /eventTime/],
      ['{"cameraId":2,"eventTime":"2017-07-07 24:00:00"}', /eventTime/],
      ['{"cameraId":2,"eventTime":"2017-07-07 11:56:47","alertType":"high"}', /alertType/],
    ];
    for (const [text, reason] of cases) {
      const [n] = parseNotification(text, 'UTC');
      expect(n.kind, text).toBe('invalid');
      expect(n.kind === 'invalid' && n.reason, text).toMatch(reason);
    }
  });
});

describe('IVMS eventTime', () => {
  it('handles DST: a gap uses the pre-transition offset, an overlap the earlier instant', () => {
    expect(parseEventTime('2024-03-31 02:30:00', 'Europe/Prague')?.toISOString()).toBe('2024-03-31T01:30:00.000Z');
    expect(parseEventTime('2024-10-27 02:30:00', 'Europe/Prague')?.toISOString()).toBe('2024-10-27T00:30:00.000Z');
    expect(parseEventTime('2024-07-01 12:00:00.25', 'UTC')?.toISOString()).toBe('2024-07-01T12:00:00.250Z');
    expect(parseEventTime(20240701, 'UTC')).toBeNull();
  });

  it('reads a half-hour zone (Asia/Kolkata, +05:30)', () => {
    expect(parseEventTime('2017-07-07 17:26:47', 'Asia/Kolkata')?.toISOString()).toBe('2017-07-07T11:56:47.000Z');
  });
});

describe('IVMS inline images', () => {
  it('decodes a data URL and bare base64', () => {
    expect(decodeDataUrl(dataUrl(JPEG), 1024)).toEqual({ ok: true, bytes: JPEG, declaredType: 'image/jpeg' });
    const bare = decodeDataUrl(JPEG.toString('base64').replace(/(.{8})/g, '$1\n'), 1024);
    expect(bare.ok && bare.bytes.equals(JPEG)).toBe(true);
  });

  it('refuses junk and oversize before decoding', () => {
    expect(decodeDataUrl('data:image/jpeg;base64,@@@@', 1024)).toMatchObject({ ok: false, reason: expect.stringMatching(/base64/) });
    expect(decodeDataUrl('data:image/jpeg,rawtext', 1024)).toMatchObject({ ok: false, reason: expect.stringMatching(/not base64/) });
    expect(decodeDataUrl('data:image/jpeg;base64', 1024)).toMatchObject({ ok: false });
    expect(decodeDataUrl('data:image/jpeg;base64,', 1024)).toMatchObject({ ok: false, reason: 'empty image data' });
    expect(decodeDataUrl(dataUrl(Buffer.alloc(4096, 1)), 1024)).toMatchObject({ ok: false, reason: 'image exceeds 1024 bytes' });
  });
});

describe('IVMS alert → event', () => {
  const text = JSON.stringify({ ...JSON.parse(fixture('ws-alert.doc.json')), base64imageUrl: dataUrl(JPEG) });

  it('maps to IvmsAlertEvent: ANALYTICS_ALERT, vendorType = alertType, label = ruleName, snapshot media', () => {
    const { alert, raw } = alertOf(text);
    const ev = alertToEvent(alert, raw, { timeZone: 'UTC', image: { bytes: JPEG, declaredType: 'image/jpeg' }, imageDigest: sha256(JPEG), cameraName: alert.cameraName });
    expect(ev).toMatchObject({
      typeName: 'IvmsAlertEvent',
      kind: 'ANALYTICS_ALERT',
      vendorType: '209',
      occurredAt: new Date('2017-07-07T11:56:47Z'),
      camera: { vendorId: '2', name: '192.168.1.47', capabilities: ['LIVE_STREAM', 'ARCHIVE_STREAM'] },
      analytics: { ruleId: '209', ruleName: 'Activity Detection' },
      data: { alertType: 209, alertMessage: 'Activity Detection', eventDetails1: 'NA', eventTime: '2017-07-07 11:56:47', timeZone: 'UTC' },
      media: [{ role: 'SNAPSHOT', data: JPEG, contentType: 'image/jpeg' }],
    });
    expect(JSON.stringify(ev.raw)).not.toContain(JPEG.toString('base64'));
    expect((ev.raw as Record<string, unknown>).base64imageUrl).toMatch(/^<removed: \d+ characters>$/);
  });

  it('a known channel is not renamed by the alert', () => {
    const { alert, raw } = alertOf(text);
    expect(alertToEvent(alert, raw, { timeZone: 'UTC', image: null, imageDigest: null, cameraName: null }).camera).toEqual({ vendorId: '2', capabilities: ['LIVE_STREAM', 'ARCHIVE_STREAM'] });
  });

  it('dedupe key: same camera, time, type and image → same key; any of them different → different', () => {
    const a = { cameraId: '2', eventTime: '2017-07-07 11:56:47', alertType: 209 };
    const k = alertDedupeKey(a, 'img1');
    expect(alertDedupeKey({ ...a }, 'img1')).toBe(k);
    for (const other of [
      { ...a, cameraId: '3' },
      { ...a, eventTime: '2017-07-07 11:56:48' },
      { ...a, alertType: 210 },
    ])
      expect(alertDedupeKey(other, 'img1')).not.toBe(k);
    expect(alertDedupeKey(a, 'img2')).not.toBe(k);
    expect(alertDedupeKey(a, null)).not.toBe(k);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
  });
});
