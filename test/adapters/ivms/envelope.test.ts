import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/sdk.ts';
import { parseChannelCount, parseLenientJson, parseStartResult, readEnvelope } from '../../../src/adapters/ivms/envelope.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/ivms/${name}`, import.meta.url), 'utf8');
const op = { what: 'startlive of channel 110', channel: '110' };

function failure(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected a failure');
}

describe('IVMS envelope', () => {
  it('returns the result of a success envelope (2000 and 2007)', () => {
    expect(readEnvelope(200, fixture('channel-status.json'), op)).toHaveLength(8);
    expect(readEnvelope(200, fixture('keepalive.json'), op)).toEqual([]);
  });

  it('1504 is VENDOR_UNAVAILABLE "site VMS server down", even with HTTP 200', () => {
    for (const http of [200, 500]) {
      const e = failure(() => readEnvelope(http, fixture('site-down.json'), { what: 'channel list' }));
      expect(e.code).toBe('VENDOR_UNAVAILABLE');
      expect(e.message).toContain('site VMS server down');
      expect(e.details).toMatchObject({ vendorStatus: 1504, vendorCode: 500 });
    }
  });

  it("salvages the document's broken 1504 sample (unterminated string) as site down", () => {
    expect(parseLenientJson(fixture('site-down.doc.txt'))).toBeNull();
    const e = failure(() => readEnvelope(200, fixture('site-down.doc.txt'), { what: 'channel count' }));
    expect(e.code).toBe('VENDOR_UNAVAILABLE');
    expect(e.message).toMatch(/site VMS server down.*not valid JSON/);
  });

  it('3110 is NOT_FOUND naming the channel; 3002 is VENDOR_REJECTED', () => {
    const bad = failure(() => readEnvelope(200, fixture('bad-channel.json'), op));
    expect(bad.code).toBe('NOT_FOUND');
    expect(bad.message).toContain('channel 110');
    const params = failure(() => readEnvelope(422, fixture('bad-parameters.json'), op));
    expect(params.code).toBe('VENDOR_REJECTED');
    expect(params.message).toContain('refused the request parameters');
  });

  it('an unknown failure status is VENDOR_REJECTED with the vendor message', () => {
    const e = failure(() => readEnvelope(200, '{"status":4001,"code":400,"message":"Nope","result":[]}', op));
    expect(e.code).toBe('VENDOR_REJECTED');
    expect(e.message).toContain('4001/400: Nope');
  });

  it('code 200 with a non-2xxx status is a failure', () => {
    expect(failure(() => readEnvelope(200, '{"status":3002,"code":200,"result":[]}', op)).code).toBe('VENDOR_REJECTED');
  });

  it('invalid JSON: VENDOR_REJECTED with a clear message, or VENDOR_UNAVAILABLE on HTTP 5xx', () => {
    const e = failure(() => readEnvelope(200, '<html>oops</html>', op));
    expect(e.code).toBe('VENDOR_REJECTED');
    expect(e.message).toMatch(/not valid JSON \(HTTP 200, 17 bytes: <html>oops<\/html>\)/);
    expect(failure(() => readEnvelope(502, 'Bad Gateway', op)).code).toBe('VENDOR_UNAVAILABLE');
    expect(failure(() => readEnvelope(200, '', op)).message).toContain('empty');
  });

  it('JSON that is no envelope is VENDOR_REJECTED', () => {
    for (const body of ['[1,2]', '{"result":[]}', '"ok"', 'null']) {
      expect(failure(() => readEnvelope(200, body, op)).code).toBe('VENDOR_REJECTED');
    }
  });

  it('a success envelope on an HTTP error status is not success', () => {
    expect(failure(() => readEnvelope(503, fixture('keepalive.json'), op)).code).toBe('VENDOR_UNAVAILABLE');
  });

  it("reads the document's channel count sample [{ 501 }] and other count shapes", () => {
    expect(parseChannelCount(readEnvelope(200, fixture('channel-count.doc.txt'), op))).toBe(501);
    expect(parseChannelCount([12])).toBe(12);
    expect(parseChannelCount(['12'])).toBe(12);
    expect(parseChannelCount([{ vmsIp: '10.0.0.9', channelCount: 7 }])).toBe(7);
    expect(parseChannelCount([{ total: 3 }])).toBe(3);
    expect(parseChannelCount([])).toBeNull();
    expect(parseChannelCount([{ a: 1, b: 2 }])).toBeNull();
  });

  it('parses a start result: sesssionId (three s) or sessionId, and hlsURL', () => {
    const r = parseStartResult(readEnvelope(200, fixture('startlive.json'), op), op);
    expect(r).toEqual({ sessionId: '1497337939320', hlsUrl: expect.stringMatching(/index\.m3u8$/) });
    expect(parseStartResult([{ sessionId: 'abc-1', hlsURL: '/x.m3u8' }], op).sessionId).toBe('abc-1');
  });

  it('keeps every digit of session ids beyond 2^53', () => {
    const text = '{"status":2007,"code":200,"result":[{"sesssionId":9223372036854775807,"hlsURL":"http://h/i.m3u8"}]}';
    expect(parseStartResult(readEnvelope(200, text, op), op).sessionId).toBe('9223372036854775807');
  });

  it('a start result without session or playlist is VENDOR_REJECTED', () => {
    expect(failure(() => parseStartResult([], op)).code).toBe('VENDOR_REJECTED');
    expect(failure(() => parseStartResult([{ hlsURL: 'http://h/i.m3u8' }], op)).message).toContain('sesssionId');
    expect(failure(() => parseStartResult([{ sesssionId: 1 }], op)).message).toContain('hlsURL');
    expect(failure(() => parseStartResult([{ sesssionId: 'a/../b', hlsURL: 'x' }], op)).code).toBe('VENDOR_REJECTED');
  });
});
