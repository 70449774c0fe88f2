/** Webhook body → unified event: mapping, dedupe key, snapshot, and refusals naming the field. */
import { describe, expect, it } from 'vitest';
import { toEventInput } from '../src/map.ts';
import { parseWebhookEvent } from '../src/payload.ts';
import { HmacWebhookVendor, SNAPSHOT_JPEG } from '../src/simulator/index.ts';

const vendor = new HmacWebhookVendor('unused-secret-0123456', () => Date.UTC(2024, 5, 14, 12, 0, 0));

describe('payload', () => {
  it('maps a known type to its kind, the vendor id to the dedupe key, the snapshot to media', () => {
    const raw = vendor.nextEvent({ type: 'line.crossed', extra_field: 'kept' });
    const ev = toEventInput(parseWebhookEvent(raw), raw);
    expect(ev).toMatchObject({
      typeName: 'HmacWebhookEvent',
      kind: 'LINE_CROSSED',
      vendorType: 'line.crossed',
      dedupeKey: `evt:${raw.id}`,
      occurredAt: new Date('2024-06-14T12:00:00.000Z'),
      camera: { vendorId: raw.camera.id, name: raw.camera.name },
      analytics: { ruleId: raw.rule?.id, ruleName: raw.rule?.name, objectClass: 'person', objectId: raw.object?.id },
      data: { eventId: raw.id, payload: raw.data },
    });
    expect(ev.media).toEqual([{ role: 'SNAPSHOT', data: SNAPSHOT_JPEG, contentType: 'image/jpeg' }]);
    expect(ev.raw).toMatchObject({ extra_field: 'kept', snapshot: { content_type: 'image/jpeg', omitted: true } });
  });

  it('stores unknown types as CUSTOM under their own name', () => {
    const raw = vendor.nextEvent({ type: 'vendor.new_thing', snapshot: undefined, rule: undefined, object: undefined });
    const ev = toEventInput(parseWebhookEvent(raw), raw);
    expect(ev).toMatchObject({ kind: 'CUSTOM', vendorType: 'vendor.new_thing', analytics: undefined, media: [] });
  });

  it('refuses a body without what it needs, naming the field', () => {
    expect(() => parseWebhookEvent({ ...vendor.nextEvent(), id: '' })).toThrow(/^id: /);
    expect(() => parseWebhookEvent({ ...vendor.nextEvent(), occurred_at: '2024-06-14 12:00' })).toThrow('occurred_at: expected an ISO-8601 time with a zone');
    expect(() => parseWebhookEvent({ ...vendor.nextEvent(), camera: undefined })).toThrow(/^camera: /);
    expect(() => parseWebhookEvent([])).toThrow(/^body: /);
  });
});
