import { describe, expect, it } from 'vitest';
import { apiBaseUrlOf, decodeVxgToken, secretsOf } from '../../../src/adapters/vxg/token.ts';

const b64 = (o: unknown) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64');
/** The example token of the vendor document. */
const DOC = { camid: 248527, cmngrid: 248964, access: 'all', token: 'share.eyJzaGFyZSI6MX0.sig12345', api: 'web.skyvr.videoexpertsgroup.com', cam: 'cam.skyvr.videoexpertsgroup.com' };

describe('decodeVxgToken', () => {
  it('reads camera id, access and API host of the documented token', () => {
    expect(decodeVxgToken(b64(DOC))).toEqual({
      camid: 248527,
      cmngrid: 248964,
      access: 'all',
      api: 'web.skyvr.videoexpertsgroup.com',
      apiPort: null,
      apiSecurePort: null,
      path: '',
      name: null,
    });
  });

  it('accepts url-safe base64 without padding, string ids and ports, and a path', () => {
    const text = Buffer.from(JSON.stringify({ ...DOC, camid: '42', api_p: '8080', api_sp: 8443, path: '/vxg/' })).toString('base64url');
    expect(decodeVxgToken(text)).toMatchObject({ camid: 42, apiPort: 8080, apiSecurePort: 8443, path: '/vxg' });
  });

  const bad: Array<[string, string, RegExp]> = [
    ['empty', '  ', /empty/],
    ['not base64', 'not a token!', /not base64/],
    ['not JSON', b64('{camid: 1'), /does not decode to JSON/],
    ['JSON array', b64([1, 2]), /not an object/],
    ['no camid', b64({ ...DOC, camid: undefined }), /camid/],
    ['negative camid', b64({ ...DOC, camid: -3 }), /camid/],
    ['no api host', b64({ ...DOC, api: undefined }), /"api"/],
    ['api host with a path', b64({ ...DOC, api: 'evil.com/x' }), /"api"/],
    ['port out of range', b64({ ...DOC, api_p: 70000 }), /api_p/],
    ['bad path', b64({ ...DOC, path: 'no-slash' }), /path/],
  ];
  for (const [what, token, msg] of bad) {
    it(`refuses ${what} with a message that does not echo the token`, () => {
      let message = '';
      try {
        decodeVxgToken(token);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(msg);
      if (token.trim()) expect(message).not.toContain(token);
      expect(message).not.toContain(DOC.token);
    });
  }
});

describe('apiBaseUrlOf', () => {
  const info = decodeVxgToken(b64(DOC));
  it('prefers https on api_sp, then http on api_p, else https on 443', () => {
    expect(apiBaseUrlOf({ ...info, apiPort: 80, apiSecurePort: 443 })).toBe('https://web.skyvr.videoexpertsgroup.com');
    expect(apiBaseUrlOf({ ...info, apiPort: 80, apiSecurePort: 8443 })).toBe('https://web.skyvr.videoexpertsgroup.com:8443');
    expect(apiBaseUrlOf({ ...info, api: '127.0.0.1', apiPort: 4100 })).toBe('http://127.0.0.1:4100');
    expect(apiBaseUrlOf({ ...info, apiPort: 80 })).toBe('http://web.skyvr.videoexpertsgroup.com');
    expect(apiBaseUrlOf(info)).toBe('https://web.skyvr.videoexpertsgroup.com');
    expect(apiBaseUrlOf({ ...info, path: '/vxg' })).toBe('https://web.skyvr.videoexpertsgroup.com/vxg');
  });
  it('a configured baseUrl overrides the token (trailing slash dropped)', () => {
    expect(apiBaseUrlOf(info, 'https://vms.example.com/')).toBe('https://vms.example.com');
  });
});

it('secretsOf names the whole token and its inner share token', () => {
  const t = b64(DOC);
  expect(secretsOf(t)).toEqual([t, DOC.token]);
  expect(secretsOf(b64({ ...DOC, token: undefined }))).toHaveLength(1);
});
