/** Webhook body → unified event: every type's kind, the door as device, the dedupe key, local times, refusals naming the field. */
import { describe, expect, it } from 'vitest';
import { DOOR_CAPABILITIES, KIND_OF_TYPE, occurredAt, toEventInput } from '../src/map.ts';
import { parseActionAnswer, parseDoorList, parseWebhookEvent } from '../src/payload.ts';
import { AcmeAccessController, SIM_EVENT_TYPES } from '../src/simulator/index.ts';

const vendor = new AcmeAccessController('api-key-0123456789abcdef', 'acme-webhook-secret-0123', () => Date.UTC(2024, 5, 14, 12, 0, 0));
const map = (raw: Record<string, unknown>, zone?: string) => toEventInput(parseWebhookEvent(raw), raw, zone);

describe('payload', () => {
  it('maps an access.denied to ACCESS_DENIED on an AcmeDoor device with the badge and the reason; the event id is the dedupe key', () => {
    const raw = vendor.nextEvent({
      type: 'access.denied',
      reason: 'badge_expired',
      credential: { badge_id: 'B-004711', holder: 'J. Doe' },
      door: { id: 'D-12', name: 'Lobby north' },
      firmware_field: 1,
    });
    expect(map(raw)).toEqual({
      typeName: 'AcmeAccessEvent',
      kind: 'ACCESS_DENIED',
      vendorType: 'access.denied',
      occurredAt: new Date('2024-06-14T12:00:00.000Z'),
      dedupeKey: raw.id,
      device: { vendorId: 'D-12', type: 'AcmeDoor', name: 'Lobby north', capabilities: ['LOCK', 'UNLOCK', 'ACME_HOLD_OPEN'] },
      data: { eventId: raw.id, badgeId: 'B-004711', holder: 'J. Doe', reason: 'badge_expired', batteryPercent: null },
      raw,
    });
  });

  it('maps every documented type to its kind, battery.low to the declared ACME_BATTERY_LOW, an unknown type to CUSTOM', () => {
    const kinds = SIM_EVENT_TYPES.map((type) => map(vendor.nextEvent({ type })).kind);
    expect(kinds).toEqual(['ACCESS_GRANTED', 'ACCESS_DENIED', 'DOOR_OPENED', 'DOOR_CLOSED', 'DOOR_FORCED_OPEN', 'DOOR_HELD_OPEN', 'ACME_BATTERY_LOW']);
    expect(Object.keys(KIND_OF_TYPE).sort()).toEqual([...SIM_EVENT_TYPES].sort());
    expect(map(vendor.nextEvent({ type: 'battery.low', battery: { percent: 7 } })).data).toMatchObject({ batteryPercent: 7, badgeId: null, reason: null });
    expect(map(vendor.nextEvent({ type: 'door.tamper' }))).toMatchObject({ kind: 'CUSTOM', vendorType: 'door.tamper' });
    expect(DOOR_CAPABILITIES).toEqual(['LOCK', 'UNLOCK', 'ACME_HOLD_OPEN']);
  });

  it('gives a retry of one event the same dedupe key and two events different ones', () => {
    const ev = vendor.nextEvent();
    expect(map(JSON.parse(JSON.stringify(ev))).dedupeKey).toBe(map(ev).dedupeKey);
    expect(map(vendor.nextEvent()).dedupeKey).not.toBe(map(ev).dedupeKey);
  });

  it('reads a time with an offset as it is, one without (firmware < 3.0) in the configured zone, else UTC', () => {
    expect(occurredAt('2024-06-14T14:00:00+02:00', 'America/New_York')).toEqual(new Date('2024-06-14T12:00:00Z'));
    expect(occurredAt('2024-06-14T14:00:00.250', 'Europe/Prague')).toEqual(new Date('2024-06-14T12:00:00.250Z'));
    expect(occurredAt('2024-06-14T14:00', undefined)).toEqual(new Date('2024-06-14T14:00:00Z'));
    expect(map(vendor.nextEvent({ occurred_at: '2024-01-10T08:30:00' }), 'Europe/Prague').occurredAt).toEqual(new Date('2024-01-10T07:30:00Z'));
  });

  it('refuses a body without what it needs, naming the field', () => {
    expect(() => parseWebhookEvent({ ...vendor.nextEvent(), id: '' })).toThrow(/^id: /);
    expect(() => parseWebhookEvent({ ...vendor.nextEvent(), id: 'ev 1' })).toThrow(/^id: expected an id/);
    expect(() => parseWebhookEvent({ ...vendor.nextEvent(), occurred_at: 'yesterday' })).toThrow('occurred_at: expected an ISO-8601 time');
    expect(() => parseWebhookEvent({ ...vendor.nextEvent(), door: undefined })).toThrow(/^door: /);
    expect(() => parseWebhookEvent({ ...vendor.nextEvent(), type: 'access.granted', credential: { holder: 'x' } })).toThrow(/^credential\.badge_id: /);
    expect(() => parseWebhookEvent({ ...vendor.nextEvent(), battery: { percent: 101 } })).toThrow(/^battery\.percent: /);
    expect(() => parseWebhookEvent([])).toThrow(/^body: /);
  });

  it('reads the REST answers, refusing an undocumented one as VENDOR_REJECTED', () => {
    expect(parseDoorList({ doors: [{ id: 'D-1', name: 'Lobby', state: 'locked', online: true, zone: 'z1' }] })).toEqual([{ id: 'D-1', name: 'Lobby', state: 'locked', online: true, zone: 'z1' }]);
    expect(() => parseDoorList({ doors: [{ id: 'D-1', name: 'Lobby', state: 'ajar', online: true }] })).toThrow(
      expect.objectContaining({ code: 'VENDOR_REJECTED', message: expect.stringContaining('doors.0.state') }),
    );
    expect(() => parseDoorList({ doors: Array.from({ length: 501 }, (_, i) => ({ id: `D-${i}`, name: 'd', state: 'locked', online: true })) })).toThrow(/doors: /);
    expect(parseActionAnswer({ actionId: 'act_1', door: 'D-1', state: 'unlocked' })).toEqual({ actionId: 'act_1', replayed: false });
    expect(() => parseActionAnswer({ ok: true })).toThrow(expect.objectContaining({ code: 'VENDOR_REJECTED' }));
  });
});
