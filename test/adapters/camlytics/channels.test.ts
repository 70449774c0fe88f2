/** Channel lists of unknown shape → channels; stream URIs never keep credentials. */
import { describe, expect, it } from 'vitest';
import { parseChannelList, sanitizeStreamUri } from '../../../src/adapters/camlytics/channels.ts';

describe('parseChannelList', () => {
  it('reads an array with id, name, stream_uri and strips credentials', () => {
    const { channels, skipped } = parseChannelList([
      { id: 'ddbbe807-8560-4bc7-b04b-4b3b04c69339', name: 'Integrated Camera', stream_uri: 'video=Integrated Camera', status: 'Connected' },
      { id: '5b0e7c2a', name: 'Entrance', stream_uri: 'rtsp://admin:secret@192.168.1.20:554/stream1' },
    ]);
    expect(skipped).toBe(0);
    expect(channels).toEqual([
      { id: 'ddbbe807-8560-4bc7-b04b-4b3b04c69339', name: 'Integrated Camera', streamUri: 'video=Integrated Camera', streamUriHadCredentials: false },
      { id: '5b0e7c2a', name: 'Entrance', streamUri: 'rtsp://192.168.1.20:554/stream1', streamUriHadCredentials: true },
    ]);
  });

  it('tolerates wrapped lists and other spellings; skips entries without id and repeats', () => {
    const { channels, skipped } = parseChannelList({
      Channels: [
        { ChannelId: 'a', ChannelName: 'A', StreamingUri: 'rtsp://h/a' },
        { channel_id: 'b', title: 'B', streamUrl: 'http://h/b.mjpg' },
        { name: 'no id' },
        { channel_id: 'a', name: 'again' },
        42,
      ],
    });
    expect(channels.map((c) => [c.id, c.name, c.streamUri])).toEqual([
      ['a', 'A', 'rtsp://h/a'],
      ['b', 'B', 'http://h/b.mjpg'],
    ]);
    expect(skipped).toBe(3);
  });

  it('is VENDOR_REJECTED when there is no list', () => {
    expect(() => parseChannelList({ Message: 'x' })).toThrow(expect.objectContaining({ code: 'VENDOR_REJECTED', message: 'channels: expected a JSON array of channels, got an object with Message' }));
    expect(() => parseChannelList('<html>')).toThrow(expect.objectContaining({ code: 'VENDOR_REJECTED' }));
  });
});

describe('sanitizeStreamUri', () => {
  it.each([
    ['rtsp://viewer:p%40ss%3Aw0rd@192.168.1.21:554/Streaming/Channels/101', 'rtsp://192.168.1.21:554/Streaming/Channels/101', true],
    ['rtsp://10.0.0.5/live?user=admin&password=123&channel=1', 'rtsp://10.0.0.5/live?channel=1', true],
    ['http://cam.local/mjpg?token=abc', 'http://cam.local/mjpg', true],
    ['rtsp://10.0.0.5:554/live', 'rtsp://10.0.0.5:554/live', false],
    ['video=Integrated Camera', 'video=Integrated Camera', false],
    ['C:\\videos\\lobby.mp4', 'C:\\videos\\lobby.mp4', false],
    ['rtsp://bad host:pw@[x/', 'rtsp://[x/', true],
  ])('%s', (input, uri, hadCredentials) => {
    const r = sanitizeStreamUri(input);
    expect(r).toEqual({ uri, hadCredentials });
    expect(r.uri).not.toMatch(/secret|p%40ss|admin|123|abc/);
  });
});
