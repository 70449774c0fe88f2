/**
 * The writer/spool boundary (src/core/events/spool-record.ts): a write becomes the spool's record
 * (the event as the INSERT's JSON, serialised once) and comes back unchanged on replay.
 */
import { describe, expect, it } from 'vitest';
import { eventRowJson, type InsertableEventRow } from '../../src/core/db/event-insert.ts';
import { fromSpoolRecord, toSpoolRecord } from '../../src/core/events/spool-record.ts';

const T0 = new Date('2024-06-14T10:00:00.123Z');
const row: InsertableEventRow = {
  typeName: 'FfPlateEvent',
  kind: 'PLATE_READ',
  vendorType: 'new',
  occurredAt: T0,
  receivedAt: new Date(T0.getTime() + 5),
  adapter: 'ff',
  instance: 'default',
  cameraId: 'ff:default:CAM-1',
  dedupeKey: 'k-1',
  plateNormalized: 'AB123',
  trackId: 'CAM-1:7',
  plate: { plate: 'AB 123', plateNormalized: 'AB123', direction: 'IN', phase: 'NEW' },
  analytics: null,
  data: { carId: '7' },
  raw: { text: 'ž "q"\n' },
  media: [],
  listMatches: [{ listId: 'l1', listName: 'Gate', kind: 'ALLOW', entryPlate: 'AB-123', entryLabel: 'Visitor', entryValidFrom: '2024-01-01T00:00:00.000Z', entryValidTo: null, distance: 1 }],
};
const mediaRows = [{ id: 'm1', contentType: 'image/jpeg', byteSize: 10 }];
const camera = { id: 'ff:default:CAM-1', adapter: 'ff', instance: 'default', vendorId: 'CAM-1', name: 'CAM-1' };

describe('spool records', () => {
  it('a write round-trips through the record: the same row (Dates back), media rows and camera', () => {
    const record = toSpoolRecord({ row, mediaRows, camera });
    expect(record.event).toBe(eventRowJson(row));
    const back = fromSpoolRecord(JSON.parse(JSON.stringify(record)));
    expect(back).toEqual({ row, rowJson: eventRowJson(row), mediaRows, camera });
  });

  it('reuses the JSON the caller already made, and a write without a camera stores null', () => {
    const record = toSpoolRecord({ row, rowJson: '{"already":"serialised"}', mediaRows: [] });
    expect(record).toEqual({ event: '{"already":"serialised"}', media: [], camera: null });
    expect(fromSpoolRecord({ event: eventRowJson(row), media: [], camera: null }).camera).toBeUndefined();
  });
});
