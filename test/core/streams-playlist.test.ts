/** The pure parts of stream sessions: playlist rewriting, the URL table, request checks. */
import { describe, expect, it } from 'vitest';
import { extensionOf, isPlaylist, rewritePlaylist } from '../../src/core/streams/playlist.ts';
import { UpstreamUrlTable } from '../../src/core/streams/url-table.ts';
import { clampInterval, checkVendorStream, sharingKey, streamRequestOf } from '../../src/core/streams/session.ts';
import type { CameraRecord } from '../../src/core/cameras/repo.ts';

const BASE = 'http://10.0.0.9:8080/hls/s1/master.m3u8';

describe('rewritePlaylist', () => {
  it('rewrites URI lines and URI attributes, relative or absolute, and leaves the rest alone', () => {
    const seen: string[] = [];
    const out = rewritePlaylist(
      [
        '#EXTM3U',
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="en",URI="audio/en.m3u8"',
        '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1,URI="iframes.m3u8"',
        '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://key-id",KEYFORMAT="com.apple.streamingkeydelivery"',
        '#EXT-X-SESSION-DATA:DATA-ID="x",URI="data:application/json,{}"',
        '#EXT-X-STREAM-INF:BANDWIDTH=800000,CODECS="avc1.4d401f"',
        '  low/index.m3u8  ',
        '#EXT-X-STREAM-INF:BANDWIDTH=1600000',
        'https://cdn.example.com/high/index.m3u8?token=abc',
        '/abs/path.m3u8',
        '',
      ].join('\r\n'),
      BASE,
      (u) => (seen.push(u), `L${seen.length}`),
    );
    expect(seen).toEqual([
      'http://10.0.0.9:8080/hls/s1/audio/en.m3u8',
      'http://10.0.0.9:8080/hls/s1/iframes.m3u8',
      'http://10.0.0.9:8080/hls/s1/low/index.m3u8',
      'https://cdn.example.com/high/index.m3u8?token=abc',
      'http://10.0.0.9:8080/abs/path.m3u8',
    ]);
    expect(out.split('\n')).toEqual([
      '#EXTM3U',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="en",URI="L1"',
      '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1,URI="L2"',
      '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://key-id",KEYFORMAT="com.apple.streamingkeydelivery"',
      '#EXT-X-SESSION-DATA:DATA-ID="x",URI="data:application/json,{}"',
      '#EXT-X-STREAM-INF:BANDWIDTH=800000,CODECS="avc1.4d401f"',
      'L3',
      '#EXT-X-STREAM-INF:BANDWIDTH=1600000',
      'L4',
      'L5',
      '',
    ]);
  });

  it('recognises playlists by type, extension or first line', () => {
    expect(isPlaylist('application/x-mpegURL', 'http://h/a', Buffer.from('x'))).toBe(true);
    expect(isPlaylist('application/octet-stream', 'http://h/a.m3u8?x=1', Buffer.from('x'))).toBe(true);
    expect(isPlaylist(undefined, 'http://h/play', Buffer.from('\uFEFF#EXTM3U\n'))).toBe(true);
    expect(isPlaylist('video/mp2t', 'http://h/seg.ts', Buffer.from([0x47, 0x40]))).toBe(false);
    expect(extensionOf('http://h/a/seg1.TS?x=.m3u8')).toBe('.ts');
    expect(extensionOf('http://h/a/segment')).toBe('');
  });
});

describe('UpstreamUrlTable', () => {
  it('gives a URL the same token each time, forgets the least recently listed past its limit', () => {
    const t = new UpstreamUrlTable(3);
    const a = t.tokenFor('http://h/a');
    expect(a).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(t.tokenFor('http://h/a')).toBe(a);
    const b = t.tokenFor('http://h/b');
    t.tokenFor('http://h/c');
    t.tokenFor('http://h/a'); // a listed again: b is now the oldest
    t.tokenFor('http://h/d');
    expect(t.size).toBe(3);
    expect(t.urlOf(b)).toBeUndefined();
    expect(t.urlOf(a)).toBe('http://h/a');
    t.clear();
    expect(t.urlOf(a)).toBeUndefined();
  });
});

describe('stream requests', () => {
  const cam = { id: 'x/y/c1', vendorId: 'c1' } as CameraRecord;
  it('normalizes parameters into one sharing key per camera, mode and parameters', () => {
    const a = streamRequestOf(cam, { mode: 'LIVE', width: 640 });
    expect(a).toEqual({ cameraVendorId: 'c1', mode: 'LIVE', from: null, width: 640, height: null, audio: null });
    expect(sharingKey(cam.id, a)).toBe(sharingKey(cam.id, streamRequestOf(cam, { mode: 'LIVE', width: 640, height: null })));
    expect(sharingKey(cam.id, a)).not.toBe(sharingKey(cam.id, streamRequestOf(cam, { mode: 'LIVE', width: 640, audio: false })));
    const from = new Date('2024-06-14T10:00:00Z');
    expect(sharingKey(cam.id, streamRequestOf(cam, { mode: 'ARCHIVE', from }))).not.toBe(sharingKey(cam.id, streamRequestOf(cam, { mode: 'ARCHIVE', from: new Date(from.getTime() + 1) })));
    expect(() => streamRequestOf(cam, { mode: 'LIVE', height: 1.5 })).toThrow(/height/);
    expect(() => streamRequestOf(cam, { mode: 'ARCHIVE' })).toThrow(/from/);
  });

  it('checks what an adapter returned and clamps its keepalive interval', () => {
    expect(checkVendorStream({ vendorSessionId: 's', playlistUrl: 'http://h/p.m3u8', keepaliveIntervalMs: 1 })).toBeNull();
    expect(checkVendorStream({ vendorSessionId: '', playlistUrl: 'http://h/p.m3u8', keepaliveIntervalMs: 1 })).toMatch(/vendorSessionId/);
    expect(checkVendorStream({ vendorSessionId: 's', playlistUrl: 'file:///etc/passwd', keepaliveIntervalMs: 1 })).toMatch(/scheme/);
    expect(clampInterval(0)).toBe(30_000);
    expect(clampInterval(Number.NaN)).toBe(30_000);
    expect(clampInterval(1)).toBe(10);
    expect(clampInterval(1e12)).toBe(3_600_000);
  });
});
