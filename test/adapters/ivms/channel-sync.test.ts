/**
 * ChannelSync with a scripted IVMS client and an in-memory camera registry: upserts, status,
 * cameras gone → OFFLINE, count mismatch and unreadable status → DEGRADED warnings, list failure →
 * down with a retry, unchanged channels not rewritten.
 */
import { describe, expect, it } from 'vitest';
import { AppError, type CameraInfo, type CameraRegistry, type CameraUpsert } from '../../../src/sdk.ts';
import { ChannelSync } from '../../../src/adapters/ivms/channel-sync.ts';
import type { IvmsClient } from '../../../src/adapters/ivms/client.ts';
import { Health } from '../../../src/adapters/ivms/health.ts';
import { ManualClock } from '../../../src/core/time/manual-clock.ts';

type Reply = unknown[] | AppError;

function harness(replies: Record<string, Reply>) {
  const clock = new ManualClock();
  const rows = new Map<string, CameraInfo & { details?: unknown }>();
  let upserts = 0;
  const cameras: CameraRegistry = {
    idOf: (v) => `ivms/t/${v}`,
    timeZoneOf: () => null,
    upsert: async (c: CameraUpsert) => {
      upserts++;
      const prev = rows.get(c.vendorId);
      rows.set(c.vendorId, {
        id: `ivms/t/${c.vendorId}`,
        vendorId: c.vendorId,
        name: c.name ?? c.vendorId,
        status: c.status ?? prev?.status ?? 'UNKNOWN',
        capabilities: c.capabilities ?? [],
        details: c.details,
      });
      return `ivms/t/${c.vendorId}`;
    },
    setStatus: async (v, s) => {
      const r = rows.get(v);
      if (r) r.status = s;
    },
    list: async () => [...rows.values()],
  };
  const client = {
    call: async (segments: Array<string | number>) => {
      const r = replies[segments.join('/')];
      if (r instanceof AppError) throw r;
      return r ?? [];
    },
  } as unknown as IvmsClient;
  const status: Array<[string, string | undefined]> = [];
  const health = new Health(['channels'], (s, d) => void status.push([s, d]));
  const counters: Record<string, number> = {};
  const sync = new ChannelSync({
    client,
    cameras,
    health,
    refreshMs: 60_000,
    count: (c, by = 1) => void (counters[c] = (counters[c] ?? 0) + by),
    log: { warn: () => {}, info: () => {} },
    clock,
  });
  return { sync, rows, status, counters, upserts: () => upserts, replies, clock };
}

const list = (...ids: number[]) => ids.map((id) => ({ id, name: `Cam ${id}`, password: 'pw', username: 'u' }));

describe('IVMS channel sync', () => {
  it('upserts channels with their status; READY when count agrees', async () => {
    const h = harness({
      channel: list(1, 2, 3),
      'channel/status': [
        { channelId: 1, channelStatus: 0 },
        { channelId: 2, channelStatus: 1 },
      ],
      'channel/count': [3],
    });
    await h.sync.refreshNow();
    await h.sync.stop();
    expect([...h.rows.values()].map((r) => [r.vendorId, r.name, r.status])).toEqual([
      ['1', 'Cam 1', 'ONLINE'],
      ['2', 'Cam 2', 'OFFLINE'],
      ['3', 'Cam 3', 'UNKNOWN'],
    ]);
    expect(JSON.stringify([...h.rows.values()])).not.toContain('pw');
    expect(h.status.at(-1)).toEqual(['READY', undefined]);
    expect([...h.sync.known]).toEqual(['1', '2', '3']);
  });

  it('a count that disagrees with the list is DEGRADED naming both numbers', async () => {
    const h = harness({ channel: list(1, 2), 'channel/count': [501] });
    await h.sync.refreshNow();
    await h.sync.stop();
    expect(h.status.at(-1)).toEqual(['DEGRADED', 'IVMS reports 501 channels but lists 2']);
    expect(h.rows.size).toBe(2);
  });

  it('channels gone from the list become OFFLINE; unchanged ones are not rewritten', async () => {
    const h = harness({
      channel: list(1, 2, 3),
      'channel/status': [
        { channelId: 1, channelStatus: 0 },
        { channelId: 2, channelStatus: 0 },
        { channelId: 3, channelStatus: 0 },
      ],
      'channel/count': [3],
    });
    await h.sync.refreshNow();
    expect(h.upserts()).toBe(3);
    h.replies.channel = list(1, 3);
    h.replies['channel/count'] = [2];
    await h.sync.refreshNow();
    await h.sync.stop();
    expect(h.upserts()).toBe(3);
    expect(h.rows.get('2')?.status).toBe('OFFLINE');
    expect(h.rows.get('1')?.status).toBe('ONLINE');
    expect(h.counters['channels.gone']).toBe(1);
  });

  it('channel status unreadable: cameras still listed, DEGRADED with the reason', async () => {
    const h = harness({ channel: list(4), 'channel/status': new AppError('VENDOR_REJECTED', 'IVMS channel status: reply is not valid JSON'), 'channel/count': [1] });
    await h.sync.refreshNow();
    await h.sync.stop();
    expect(h.rows.get('4')?.name).toBe('Cam 4');
    expect(h.status.at(-1)?.[0]).toBe('DEGRADED');
    expect(h.status.at(-1)?.[1]).toContain('channel status unavailable: IVMS channel status: reply is not valid JSON');
  });

  it('list unreachable: ERROR (the only part is down) with a retry, cameras untouched; recovers', async () => {
    const h = harness({ channel: new AppError('VENDOR_UNAVAILABLE', 'IVMS channel list: site VMS server down (1504/500)') });
    await h.sync.refreshNow();
    expect(h.status.at(-1)?.[0]).toBe('ERROR');
    expect(h.status.at(-1)?.[1]).toMatch(/site VMS server down .*\(retry in \d+ s\)/);
    expect(h.counters['channels.refresh_failed']).toBe(1);
    h.replies.channel = list(1);
    const due = h.clock.nextAt()! - h.clock.nowMs(); // the retry: 1 s base with equal jitter
    expect(due).toBeGreaterThanOrEqual(500);
    expect(due).toBeLessThanOrEqual(1000);
    await h.clock.advance(due - 1);
    expect(h.status.at(-1)?.[0]).toBe('ERROR');
    await h.clock.advance(1);
    expect(h.status.at(-1)).toEqual(['READY', undefined]);
    await h.sync.stop();
    expect(h.counters['channels.refresh_failed']).toBe(1);
    expect(h.status.at(-1)).toEqual(['READY', undefined]);
    expect(h.rows.size).toBe(1);
  });
});
