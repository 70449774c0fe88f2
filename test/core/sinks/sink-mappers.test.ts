/** The pure parts of sinks: the filter parser, the topic template, the payload mapper, the pending delivery records. */
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../src/core/events/model.ts';
import { parseSinkFilter, toEventFilter } from '../../../src/core/sinks/filter.ts';
import { toSinkPayload } from '../../../src/core/sinks/payload.ts';
import { mergePendingRecords } from '../../../src/core/sinks/pending-records.ts';
import type { DeliveryRecord } from '../../../src/core/sinks/repo.ts';
import { DEFAULT_TOPIC, renderTopic, topicLevel, validateTopicTemplate } from '../../../src/core/sinks/topic.ts';
import { encodeGlobalId } from '../../../src/core/util/global-id.ts';

const fieldOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { code: string; details?: { field?: string } }).details?.field ?? (e as { code: string }).code;
  }
  return 'accepted';
};

describe('sink filter', () => {
  it('normalises ids, site keys and plates; null is every event', () => {
    expect(parseSinkFilter(null)).toBeNull();
    const f = parseSinkFilter({ cameraIds: [encodeGlobalId('Camera', 'ff/default/CAM-1'), 'raw/id/1'], siteIds: [encodeGlobalId('Site', 'hq')], plate: 'ab-12*', kinds: ['PLATE_READ'] });
    expect(f).toEqual({ cameraIds: ['ff/default/CAM-1', 'raw/id/1'], siteIds: ['hq'], plate: 'AB12*', kinds: ['PLATE_READ'] });
    expect(toEventFilter(f)).toMatchObject({ cameraIds: ['ff/default/CAM-1', 'raw/id/1'], siteKeys: ['hq'], plate: 'AB12*', kinds: ['PLATE_READ'] });
  });
  it('names the field of bad input', () => {
    expect(fieldOf(() => parseSinkFilter({ colour: 'red' }))).toBe('filter.colour');
    expect(fieldOf(() => parseSinkFilter({ kinds: ['plate read'] }))).toBe('filter.kinds[0]');
    expect(fieldOf(() => parseSinkFilter({ plateFuzzy: { plate: 'A', extra: 1 } }))).toBe('filter.plateFuzzy.extra');
    expect(fieldOf(() => parseSinkFilter({ plate: '--' }))).toBe('filter.plate');
    expect(fieldOf(() => parseSinkFilter({ adapters: Array(101).fill('a') }))).toBe('filter.adapters');
    expect(fieldOf(() => parseSinkFilter({ kinds: 'PLATE_READ' }, 'sinks[0].filter'))).toBe('sinks[0].filter.kinds');
  });
});

describe('topic template', () => {
  it('validates placeholders and wildcards', () => {
    expect(validateTopicTemplate(DEFAULT_TOPIC)).toBe(DEFAULT_TOPIC);
    expect(fieldOf(() => validateTopicTemplate('a/{plate}'))).toBe('topic');
    expect(fieldOf(() => validateTopicTemplate('a/+/b'))).toBe('topic');
    expect(fieldOf(() => validateTopicTemplate('a/{site'))).toBe('topic');
    expect(fieldOf(() => validateTopicTemplate(''))).toBe('topic');
  });
  it('renders sanitised values: no + # / inside a value, empty → none', () => {
    expect(renderTopic(DEFAULT_TOPIC, { site: 'hq', camera: 'Gate/North #1+', kind: 'PLATE_READ', adapter: 'ff' })).toBe('usa/hq/Gate_North _1_/PLATE_READ');
    expect(renderTopic('x/{site}/{adapter}', { site: null, camera: null, kind: 'K', adapter: '' })).toBe('x/none/none');
    expect(topicLevel('a\u0000b')).toBe('a_b');
  });
});

describe('payload', () => {
  it('is the contract shape with global ids and absolute media URLs', () => {
    const e: StoredEvent = {
      seq: 42n,
      typeName: 'FfPlateReadEvent',
      kind: 'PLATE_READ',
      vendorType: 'new',
      occurredAt: new Date('2026-01-02T03:04:05.000Z'),
      receivedAt: new Date('2026-01-02T03:04:06.000Z'),
      adapter: 'ff',
      instance: 'default',
      cameraId: 'ff/default/CAM-1',
      dedupeKey: 'k',
      plate: { plate: 'AB 12', plateNormalized: 'AB12', direction: 'IN', phase: 'NEW', confidence: 0.9 } as StoredEvent['plate'],
      analytics: null,
      data: {},
      raw: {},
      media: [{ id: 'm1', role: 'PLATE_CROP', contentType: 'image/jpeg', byteSize: 10 }],
    };
    const p = toSinkPayload(e, { camera: { id: 'ff/default/CAM-1', name: 'Gate' }, site: { key: 'hq', name: 'HQ' }, mediaUrl: (m) => `https://usa.example/media/${m.id}` });
    expect(p).toEqual({
      type: 'event',
      data: {
        id: encodeGlobalId('FfPlateReadEvent', 42),
        seq: '42',
        kind: 'PLATE_READ',
        vendorType: 'new',
        occurredAt: '2026-01-02T03:04:05.000Z',
        receivedAt: '2026-01-02T03:04:06.000Z',
        adapter: 'ff',
        instance: 'default',
        camera: { id: encodeGlobalId('Camera', 'ff/default/CAM-1'), name: 'Gate' },
        site: { id: encodeGlobalId('Site', 'hq'), key: 'hq', name: 'HQ' },
        plate: e.plate,
        analytics: null,
        listMatches: [],
        media: [{ role: 'PLATE_CROP', url: 'https://usa.example/media/m1', contentType: 'image/jpeg' }],
      },
    });
  });
});

describe('pending delivery records', () => {
  const rec = (seq: number, status: DeliveryRecord['status'] = 'DELIVERED', attempts = 1): DeliveryRecord => ({
    sinkId: 's',
    seq: BigInt(seq),
    messageId: `msg_s_${seq}`,
    status,
    attempts,
    httpStatus: status === 'DELIVERED' ? 200 : 500,
    error: status === 'DELIVERED' ? null : 'the receiver answered 500',
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)),
  });

  it('merges a batch into the waiting ones: one record per seq, the later outcome with the attempts added, in seq order', () => {
    const merged = mergePendingRecords([rec(1), rec(2), rec(3, 'FAILED')], [rec(3), rec(4)], 100);
    expect(merged.map((r) => [Number(r.seq), r.status, r.attempts])).toEqual([
      [1, 'DELIVERED', 1],
      [2, 'DELIVERED', 1],
      [3, 'DELIVERED', 2],
      [4, 'DELIVERED', 1],
    ]);
  });

  it('keeps only the newest `kept` by seq (the store would trim the others in the same write)', () => {
    const batch = Array.from({ length: 250 }, (_, i) => rec(i + 1));
    const merged = mergePendingRecords([], batch, 100);
    expect(merged).toHaveLength(100);
    expect(merged[0]!.seq).toBe(151n);
    expect(merged.at(-1)!.seq).toBe(250n);
    // A replay from an earlier seq: its records are older than the waiting ones, so those newest stay.
    expect(mergePendingRecords(merged, [rec(5)], 100).map((r) => r.seq)).toEqual(merged.map((r) => r.seq));
  });
});
