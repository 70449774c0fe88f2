/**
 * The poll loop against a scripted client (no sockets): order, dedupe across polls, store failures
 * retried, unreadable items counted once, status transitions, backoff, cursor, clean stop.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError, vendorRejected, vendorUnavailable, type EventInput, type PublishResult } from '../../../src/sdk.ts';
import { camlyticsConfigSchema } from '../../../src/adapters/camlytics/config.ts';
import { CamlyticsHealth } from '../../../src/adapters/camlytics/health.ts';
import { CamlyticsPoller, CURSOR_STATE_KEY, retryDelay } from '../../../src/adapters/camlytics/poller.ts';
import { SeenEvents } from '../../../src/adapters/camlytics/seen.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const rest: Array<Record<string, unknown>> = JSON.parse(readFileSync(new URL('../../fixtures/camlytics/rest-events.json', import.meta.url), 'utf8'));
const config = camlyticsConfigSchema.parse({ type: 'camlytics', id: 't', backoffInitialMs: 10, backoffMaxSec: 0.04, minPollIntervalMs: 0, pollTimeoutSec: 1 });
type Answer = unknown | (() => unknown);
const silentLog = { warn() {}, info() {}, debug() {} };

function rig(answers: Answer[], opts: { publish?: (i: EventInput) => Promise<PublishResult>; saved?: unknown } = {}) {
  const published: EventInput[] = [];
  const statuses: string[] = [];
  const counters: Record<string, number> = {};
  const state = new Map<string, unknown>();
  let inFlight = 0;
  let maxInFlight = 0;
  let requests = 0;
  const seen = new SeenEvents(2000, config.lateEventToleranceSec * 1000, 200);
  seen.restore(opts.saved);
  let seq = 0n;
  const keys = new Set<string>();
  const poller = new CamlyticsPoller({
    config,
    seen,
    health: new CamlyticsHealth((s, d) => {
      const line = d ? `${s}: ${d}` : s;
      if (statuses.at(-1) !== line) statuses.push(line); // like the core: a repeat is no change
    }),
    state: { get: async (k) => state.get(k) as never, set: async (k, v) => void state.set(k, v) },
    count: (n, by = 1) => void (counters[n] = (counters[n] ?? 0) + by),
    reportRejected: () => {},
    log: silentLog,
    random: () => 0.5,
    publish:
      opts.publish ??
      (async (input) => {
        const duplicate = keys.has(input.dedupeKey);
        keys.add(input.dedupeKey);
        if (!duplicate) published.push(input);
        return { seq: ++seq, duplicate };
      }),
    client: {
      events: async ({ signal }) => {
        requests++;
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        try {
          const next = answers.shift();
          if (next === undefined) {
            // script exhausted: hang like a long-poll until stopped
            await new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
          }
          const value = typeof next === 'function' ? (next as () => unknown)() : next;
          return value;
        } finally {
          inFlight--;
        }
      },
    },
  });
  return {
    poller,
    published,
    statuses,
    counters,
    state,
    seen,
    get requests() {
      return requests;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    get remaining() {
      return answers.length;
    },
  };
}

describe('retryDelay', () => {
  it('doubles from the initial delay (failure 1) with jitter in [base/2, base], capped at backoffMaxSec', () => {
    const c = { backoffInitialMs: 500, backoffMaxSec: 30 };
    expect(retryDelay(1, c, () => 0)).toBe(250);
    expect(retryDelay(1, c, () => 1)).toBe(500);
    expect(retryDelay(4, c, () => 1)).toBe(4000);
    expect(retryDelay(40, c, () => 1)).toBe(30_000);
    expect(retryDelay(40, c, () => 0)).toBe(15_000);
  });
});

describe('CamlyticsPoller', () => {
  it('publishes new events oldest first, skips overlapping ones, keeps one request in flight', async () => {
    const r = rig([
      [rest[0], rest[1]],
      [rest[0], rest[1]],
      [rest[2], rest[0], rest[1]],
    ]);
    r.poller.start();
    await waitFor(() => r.remaining === 0 && r.requests >= 4);
    await r.poller.stop();
    expect(r.published.map((e) => e.data!.eventId)).toEqual([rest[1].event_id, rest[0].event_id, rest[2].event_id]);
    expect(r.counters['poll.stored']).toBe(3);
    expect(r.counters['poll.skipped']).toBe(4);
    expect(r.counters['poll.duplicates']).toBeUndefined();
    expect(r.maxInFlight).toBe(1);
    expect(r.statuses).toEqual(['READY']);
  });

  it('collapses duplicates inside one answer', async () => {
    const r = rig([[rest[1], rest[1], rest[1]]]);
    r.poller.start();
    await waitFor(() => r.requests >= 2);
    await r.poller.stop();
    expect(r.published).toHaveLength(1);
    expect(r.counters['poll.skipped']).toBe(2);
  });

  it('retries events the store could not take, and stays DEGRADED until it can', async () => {
    let storeDown = true;
    const stored: string[] = [];
    const r = rig([[rest[1]], [rest[1]], [rest[1]]], {
      publish: async (input) => {
        if (storeDown) {
          storeDown = false;
          throw new AppError('SERVICE_UNAVAILABLE', 'event store unavailable');
        }
        stored.push(input.dedupeKey);
        return { seq: 1n, duplicate: false };
      },
    });
    r.poller.start();
    await waitFor(() => r.remaining === 0);
    await r.poller.stop();
    expect(stored).toHaveLength(1);
    expect(r.statuses[0]).toMatch(/^DEGRADED: events poll: events could not be stored: event store unavailable \(1 in a row, next try in 0\.0 s\)$/);
    expect(r.statuses.at(-1)).toBe('READY');
  });

  it('counts unreadable items once, not on every poll', async () => {
    const bad = { ...rest[0], time: 'garbage' };
    const r = rig([
      [bad, rest[1]],
      [bad, rest[1]],
    ]);
    r.poller.start();
    await waitFor(() => r.remaining === 0 && r.requests >= 3);
    await r.poller.stop();
    expect(r.counters['poll.rejected']).toBe(1);
    expect(r.published).toHaveLength(1);
  });

  it('goes DEGRADED on garbage, ERROR after 3 unreachable in a row, READY on recovery; keeps polling', async () => {
    const down = () => {
      throw vendorUnavailable('GET 127.0.0.1:9: ECONNREFUSED');
    };
    const html = () => {
      throw vendorRejected('GET 127.0.0.1:9/v1/json/events: answered HTML instead of JSON (content-type text/html)');
    };
    const r = rig([html, down, down, down, [rest[1]]]);
    r.poller.start();
    await waitFor(() => r.published.length === 1);
    await r.poller.stop();
    expect(r.statuses.map((s) => s.split(':')[0])).toEqual(['DEGRADED', 'DEGRADED', 'DEGRADED', 'ERROR', 'READY']);
    expect(r.statuses[0]).toContain('answered HTML instead of JSON');
    expect(r.statuses[3]).toMatch(/ERROR: events poll: GET 127\.0\.0\.1:9: ECONNREFUSED \(connection refused: is Camlytics running with its REST API enabled\?\) \(4 in a row, next try in /);
    expect(r.counters['poll.failures']).toBe(4);
  });

  it('saves a cursor; a poller restored from it publishes nothing old and skips stale history', async () => {
    const first = rig([[rest[0], rest[1]]]);
    first.poller.start();
    await waitFor(() => first.requests >= 2);
    await first.poller.stop();
    const saved = first.state.get(CURSOR_STATE_KEY) as { newestMs: number; recent: string[] };
    expect(saved.recent).toHaveLength(2);
    expect(saved.newestMs).toBe(Date.parse('2019-05-20T15:02:53.100Z'));

    const older = { ...rest[2], event_id: 'old', time: '2019-05-20T10:00:00.0000000+03:00' };
    const again = rig([[rest[0], rest[1], older]], { saved });
    again.poller.start();
    await waitFor(() => again.requests >= 2);
    await again.poller.stop();
    expect(again.published).toEqual([]);
    expect(again.counters['poll.skipped']).toBe(2);
    expect(again.counters['poll.stale']).toBe(1);
  });

  it('stop() aborts the request in flight and leaves no timer behind', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((x) => x === 'Timeout').length;
    const before = timers();
    const r = rig([]);
    r.poller.start();
    await waitFor(() => r.requests === 1);
    const t0 = Date.now();
    await r.poller.stop();
    expect(Date.now() - t0).toBeLessThan(500);
    expect(timers()).toBe(before);
  });
});
