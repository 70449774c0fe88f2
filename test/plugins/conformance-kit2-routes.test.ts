/**
 * Conformance kit 2, adapter routes: a route that accepts a request without the vendor's
 * credentials fails, and so does one that answers 200 before publish() resolved; the correct
 * webhook passes both; a poll adapter (no route published anything) is skipped, saying why.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createConformanceSuite } from '../../src/testkit.ts';
import { stripCredentials } from '../../src/testkit/route-auth-check.ts';
import { kitAdapter } from './fixtures/kit2-adapters.ts';
import { KitRun } from './fixtures/kit2-run.ts';
import { patientAdapter, VendorStub } from './fixtures/start-down-adapters.ts';

const AUTH = 'routes: a request that led to an event is refused';
const COMMIT = 'routes: answer 2xx only after publish() resolved';

let kit: KitRun;
afterEach(() => kit?.teardown());

// Each test starts a server (PGlite, migrations) and runs checks with their own deadlines: a hang guard, not a timing.
describe('conformance kit: routes refuse a request without credentials', { timeout: 60_000 }, () => {
  it('fails a webhook that never checks the secret, naming what was removed', async () => {
    kit = new KitRun();
    const [auth] = await kit.run(kitAdapter('no-auth'), [AUTH]);
    expect(auth).toContain('the route POST /events accepts a request without credentials: replayed without header x-kit-secret, it answered 200 and published 1 event(s)');
  });

  it('passes the webhook that answers 401 without the secret', async () => {
    kit = new KitRun();
    expect(await kit.run(kitAdapter(), [AUTH])).toEqual([null]);
  });

  it('removes the authorization header, credential-like headers and query parameters, the named ones and user:password', () => {
    const raw = ['Host', 'x', 'Authorization', 'Basic eDp5', 'X-Api-Key', 'k', 'X-Vendor-Pass', 'p', 'Content-Type', 'application/json', 'X-Request-Id', 'r'];
    const s = stripCredentials({ url: 'http://u:pw@h/adapters/kit/a/events?token=t&sigv=1&cam=3&pin=9', rawHeaders: raw }, 'http://127.0.0.1:1', { headers: ['x-vendor-pass'], query: ['pin'] });
    expect(s.url.toString()).toBe('http://h/adapters/kit/a/events?cam=3');
    expect(s.headers).toEqual([
      ['Content-Type', 'application/json'],
      ['X-Request-Id', 'r'],
    ]);
    expect(s.removed).toEqual(['user:password in the URL', 'query parameter token', 'query parameter sigv', 'query parameter pin', 'header Authorization', 'header X-Api-Key', 'header X-Vendor-Pass']);
  });
});

describe('conformance kit: routes answer 2xx only after the event is committed', () => {
  it('fails a route that answers 200 before awaiting publish()', async () => {
    kit = new KitRun();
    const [commit] = await kit.run(kitAdapter('answer-first'), [COMMIT]);
    expect(commit).toBe(
      'the route POST /events answered 200 before publish() resolved: the vendor will not re-send an event that was never stored. Await ctx.publish() and answer 2xx after it resolved (an error status when it rejects)',
    );
  });

  it('passes a route that awaits publish() and then answers, its event stored', async () => {
    kit = new KitRun();
    expect(await kit.run(kitAdapter(), [COMMIT, 'duplicates'])).toEqual([null, null]);
  });

  it('skips both for a poll adapter, saying why', async () => {
    const vendor = new VendorStub();
    const suite = createConformanceSuite(patientAdapter(vendor), { config: {}, simulator: { start: () => {}, stop: () => {}, produceEvent: () => vendor.add() } });
    try {
      const run = (prefix: string) => suite.checks.find((c) => c.name.startsWith(prefix))!.run();
      await run('starts against');
      expect(await run(AUTH)).toEqual({ skipped: 'no request to its routes led to a publish() while the simulator delivered events (a poll or socket adapter)' });
      expect(await run(COMMIT)).toEqual({ skipped: 'no request to its routes led to a publish() when the simulator produced an event or a duplicate (a poll or socket adapter)' });
    } finally {
      await suite.teardown();
    }
  });
});
