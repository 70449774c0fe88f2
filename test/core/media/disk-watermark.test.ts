/** DiskWatermark (core/media/disk-watermark.ts) on real paths: when it reads statfs again, off at 0, and an unreadable path never refuses media. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DiskWatermark } from '../../../src/core/media/disk-watermark.ts';
import { ManualClock } from '../../../src/core/time/manual-clock.ts';

const dir = mkdtempSync(join(tmpdir(), 'usa-watermark-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('disk watermark', () => {
  it('reads again after refreshMs or after bigWriteBytes written, not before', async () => {
    const clock = new ManualClock();
    const w = new DiskWatermark({ paths: [join(dir, 'media-not-created-yet'), dir], minFreeBytes: 1, clock, refreshMs: 5000, bigWriteBytes: 1000 });
    expect(await w.allowsMedia()).toBe(true);
    const first = w.space().checkedAt;
    expect(w.space().disks.map((d) => d.freeBytes! > 0)).toEqual([true, true]); // a missing directory: its nearest ancestor
    await clock.advance(1000);
    await w.allowsMedia();
    expect(w.space().checkedAt).toBe(first);
    w.noteWritten(1000);
    await w.allowsMedia();
    expect(w.space().checkedAt).toBe(first + 1000);
    await clock.advance(5000);
    await w.allowsMedia();
    expect(w.space().checkedAt).toBe(first + 6000);
  });

  it('refuses below the watermark, is off at 0, and an unreadable path is reported without refusing media', async () => {
    const clock = new ManualClock();
    const changes: boolean[] = [];
    const huge = new DiskWatermark({ paths: [dir], minFreeBytes: Number.MAX_SAFE_INTEGER, clock, onChange: (low) => changes.push(low) });
    expect(await huge.allowsMedia()).toBe(false);
    expect(changes).toEqual([true]);
    expect(huge.describe()).toMatch(/^low: .* free on .*new media are refused, events are still stored$/);
    const off = new DiskWatermark({ paths: [dir], minFreeBytes: 0, clock });
    expect(await off.allowsMedia()).toBe(true);
    expect(off.describe()).toMatch(/off/);
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const broken = new DiskWatermark({ paths: [join(file, 'below-a-file')], minFreeBytes: Number.MAX_SAFE_INTEGER, clock });
    expect(await broken.allowsMedia()).toBe(true);
    expect(broken.space().disks[0]).toMatchObject({ freeBytes: null, error: expect.stringMatching(/ENOTDIR/) });
    expect(broken.describe()).toMatch(/unreadable/);
  });
});
