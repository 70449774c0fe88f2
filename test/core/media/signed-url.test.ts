/** Signed media URLs: minted for sink payloads, accepted by /media without an API key until they expire. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaUrlSigner } from '../../../src/core/media/signed-url.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';

const KEY = 'k'.repeat(40);

describe('signed media URLs', () => {
  it('verify: the same id before exp only', () => {
    const s = createMediaUrlSigner(KEY, 60);
    const q = new URLSearchParams(s.sign('m1', 1_000_000));
    expect(s.verify('m1', q, 1_000_000)).toBe(true);
    expect(s.verify('m1', q, 1_000_000 + 60_001)).toBe(false);
    expect(s.verify('m2', q, 1_000_000)).toBe(false);
    expect(createMediaUrlSigner('x'.repeat(40), 60).verify('m1', q, 1_000_000)).toBe(false);
    expect(s.verify('m1', new URLSearchParams('exp=abc&sig=zz'), 0)).toBe(false);
  });

  describe('on /media', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({
        config: { adapters: [], auth: { apiKeys: [{ key: 'admin-key-0123456789', scopes: ['admin'] }] }, outbound: { signedMediaTtlSec: 60, mediaSigningKey: KEY } },
      });
    });
    afterAll(() => app.close());

    it('passes the key check with a valid signature (here: 404, no such media) and not without', async () => {
      const signed = createMediaUrlSigner(KEY, 60).sign('nope', Date.now());
      expect((await fetch(`${app.url}/media/nope?${signed}`)).status).toBe(404);
      expect((await fetch(`${app.url}/media/nope`)).status).toBe(401);
      expect((await fetch(`${app.url}/media/nope?exp=99999999999&sig=AAAA`)).status).toBe(401);
    });
  });
});
