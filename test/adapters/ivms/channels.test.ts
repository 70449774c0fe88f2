import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { channelStatusOf, channelToCamera, countMismatch, parseChannelStatuses, parseChannels } from '../../../src/adapters/ivms/channels.ts';
import { readEnvelope } from '../../../src/adapters/ivms/envelope.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/ivms/${name}`, import.meta.url), 'utf8');
const op = { what: 'test' };

describe('IVMS channels → cameras', () => {
  const list = readEnvelope(200, fixture('channel-list.json'), op);

  it('maps name, model, ip and location; capabilities LIVE_STREAM and ARCHIVE_STREAM', () => {
    const { cameras, invalid, duplicates } = parseChannels(list);
    expect({ invalid, duplicates }).toEqual({ invalid: 0, duplicates: 0 });
    expect(cameras[0]).toEqual({
      vendorId: '1',
      name: 'Entry_View',
      capabilities: ['LIVE_STREAM', 'ARCHIVE_STREAM'],
      details: {
        model: 'Axis',
        ip: '192.168.1.10',
        number: 1,
        channelType: 1,
        recordingId: 1,
        recordingStream: 1,
        oldestClipTime: 0,
        location: { latitude: 22.5726, longitude: 88.3639, locationId: 3, junctionId: 7, groupId: 2, posX: 12, posY: 40 },
      },
    });
    // 0,0 means "not set" in the samples: no coordinates rather than a point in the Gulf of Guinea.
    expect(cameras[1].details?.location).toEqual({ locationId: 1, junctionId: 1, groupId: 1, posX: 0, posY: 0 });
  });

  it('never carries usernames, passwords or RTSP URLs', () => {
    const text = JSON.stringify(parseChannels(list).cameras);
    for (const secret of ['s3cret-pw', 'hvs', 'root', 'rtsp', 'password', 'username', 'Url']) expect(text).not.toContain(secret);
  });

  it('an ip with userinfo or a scheme is dropped; a name falls back to the ip, then the id', () => {
    expect(channelToCamera({ id: 4, ip: 'admin:pw@10.0.0.4', name: '' })).toMatchObject({ vendorId: '4', name: 'Channel 4', details: {} });
    expect(channelToCamera({ id: '5', ip: '10.0.0.5' })).toMatchObject({ vendorId: '5', name: '10.0.0.5', details: { ip: '10.0.0.5' } });
    expect(channelToCamera({ id: 6, name: 'Gate\u0000 6\n' })?.name).toBe('Gate 6');
  });

  it('skips entries without a usable id and counts duplicates', () => {
    const r = parseChannels([{ id: 1, name: 'a' }, { name: 'no id' }, { id: -1 }, { id: 1.5 }, 'x', null, { id: 1, name: 'again' }, { id: 2 }]);
    expect(r.cameras.map((c) => [c.vendorId, c.name])).toEqual([
      ['1', 'a'],
      ['2', 'Channel 2'],
    ]);
    expect(r).toMatchObject({ invalid: 5, duplicates: 1 });
  });

  it('status 0 → ONLINE, 1 → OFFLINE, anything else UNKNOWN', () => {
    const statuses = parseChannelStatuses(readEnvelope(200, fixture('channel-status.json'), op));
    expect(statuses.get('8')).toBe('ONLINE');
    expect(statuses.get('10')).toBe('OFFLINE');
    expect(statuses.size).toBe(8);
    expect([channelStatusOf(2), channelStatusOf(null), channelStatusOf('0')]).toEqual(['UNKNOWN', 'UNKNOWN', 'ONLINE']);
    expect(parseChannelStatuses([{ channelStatus: 0 }, 7, { channelId: 'x', channelStatus: 0 }]).size).toBe(0);
  });

  it('names a count that disagrees with the list', () => {
    expect(countMismatch(501, 2)).toBe('IVMS reports 501 channels but lists 2');
    expect(countMismatch(2, 2)).toBeNull();
    expect(countMismatch(null, 2)).toBeNull();
  });
});
