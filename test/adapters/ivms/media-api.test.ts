/**
 * The instance API behind ivmsEventSnapshot/ivmsEventClip with a scripted client and the real
 * file media store: role and type checks (the core accepts MP4/MPEG-TS only as CLIP), identical
 * requests in flight shared, concurrency bounded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileMediaStore } from '../../../src/core/media/store.ts';
import type { IvmsClient } from '../../../src/adapters/ivms/client.ts';
import { asIvmsApi, eventMediaApi } from '../../../src/adapters/ivms/media.ts';
import { AppError } from '../../../src/sdk.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const dir = mkdtempSync(join(tmpdir(), 'ivms-media-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const store = new FileMediaStore(dir, null as never); // put() writes files only

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 1)]);
const TS = Buffer.from(Array.from({ length: 188 * 3 }, (_, i) => (i % 188 === 0 ? 0x47 : 0)));
const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(16)]);

/** A scripted client; with `vendorAnswers`, every download hangs until that promise resolves (a slow vendor the test lets go). */
function api(bodies: Record<string, Buffer>, o: { maxConcurrent?: number; vendorAnswers?: Promise<void> } = {}) {
  const calls: string[] = [];
  let active = 0;
  let peak = 0;
  const client = {
    binary: async (segments: Array<string | number>) => {
      const key = segments.join('/');
      calls.push(key);
      peak = Math.max(peak, ++active);
      await o.vendorAnswers;
      active--;
      return { bytes: bodies[key] ?? JPEG, contentType: 'application/octet-stream' };
    },
  } as unknown as IvmsClient;
  const limits = { maxBytes: 1 << 20, timeoutMs: 1000 };
  return { calls, active: () => active, peak: () => peak, api: eventMediaApi({ client, media: store, snap: limits, clip: limits, maxConcurrent: o.maxConcurrent }) };
}

async function failure(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

describe('IVMS event media API', () => {
  it('stores snaps as images and clips as MPEG-TS or MP4 video', async () => {
    const a = api({ 'event/1/clip': TS, 'event/2/clip': MP4 });
    expect(await a.api.eventMedia('1', 'snap')).toMatchObject({ role: 'SNAPSHOT', contentType: 'image/jpeg' });
    expect(await a.api.eventMedia('1', 'clip')).toMatchObject({ role: 'CLIP', contentType: 'video/mp2t', byteSize: TS.length });
    expect(await a.api.eventMedia('2', 'clip')).toMatchObject({ role: 'CLIP', contentType: 'video/mp4' });
  });

  it('video as a snap, or an image or junk as a clip, is VENDOR_REJECTED naming what was expected', async () => {
    const a = api({ 'event/3/snap': TS, 'event/3/clip': JPEG, 'event/4/clip': Buffer.from('<html>error</html>') });
    expect((await failure(a.api.eventMedia('3', 'snap'))).message).toMatch(/event 3 snap: the 564 bytes received are not a JPEG, PNG/);
    expect((await failure(a.api.eventMedia('3', 'clip'))).message).toMatch(/not an MP4 or MPEG-TS video/);
    expect((await failure(a.api.eventMedia('4', 'clip'))).code).toBe('VENDOR_REJECTED');
  });

  it('the same request in flight is fetched once; downloads are bounded', async () => {
    let answer = () => {};
    const a = api({}, { maxConcurrent: 2, vendorAnswers: new Promise<void>((r) => (answer = r)) });
    const all = Promise.all([a.api.eventMedia('9', 'snap'), a.api.eventMedia('9', 'snap'), a.api.eventMedia('10', 'snap'), a.api.eventMedia('11', 'snap'), a.api.eventMedia('12', 'snap')]);
    await waitFor(() => a.active() === 2, 5000, 'two downloads under way');
    expect(a.calls).toHaveLength(2); // the other two wait for a slot
    answer();
    const refs = await all;
    expect(refs[0]).toEqual(refs[1]);
    expect(a.calls.filter((c) => c === 'event/9/snap')).toHaveLength(1);
    expect(a.calls).toHaveLength(4);
    expect(a.peak()).toBe(2);
  });

  it('refuses an id that is not an IVMS event id, and a missing instance api', async () => {
    const a = api({});
    expect((await failure(a.api.eventMedia('a/b', 'snap'))).code).toBe('BAD_USER_INPUT');
    expect(a.calls).toHaveLength(0);
    expect(() => asIvmsApi(null, 'hq')).toThrow(/no running IVMS instance "hq"/);
    expect(() => asIvmsApi({ other: 1 }, 'hq')).toThrow(AppError);
  });
});
