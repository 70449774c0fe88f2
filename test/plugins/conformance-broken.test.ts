/**
 * The conformance kit fails a deliberately broken adapter, check by check, with messages that say
 * what is wrong and where (file:line for what it leaves running).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SDK_VERSION } from '../../src/sdk.ts';
import { createConformanceSuite, type ConformanceSuite } from '../../src/testkit.ts';
import { brokenAdapter } from './fixtures/broken-adapter.ts';

let notes = 0;
const post = (url: string, note: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ note }) });

describe('conformance kit on a broken adapter', () => {
  let suite: ConformanceSuite;
  const outcome = new Map<string, string | null>();
  beforeAll(async () => {
    suite = createConformanceSuite(brokenAdapter, {
      config: {},
      invalidConfigs: [{ patch: { threshold: -1 }, path: 'threshold' }],
      timeouts: { healthMs: 300, settleMs: 300 },
      simulator: {
        start: () => {},
        stop: () => {},
        produceEvent: async (env) => {
          await post(env.routeUrl('/events'), `note ${++notes}`);
        },
        produceDuplicate: async (env) => {
          await post(env.routeUrl('/events'), `note ${notes}`);
        },
        breakVendor: () => {}, // the adapter never notices
        restoreVendor: () => {},
      },
    });
    for (const check of suite.checks) {
      outcome.set(
        check.name,
        await check.run().then(
          () => null,
          (e: Error) => e.message,
        ),
      );
    }
  }, 60_000);
  afterAll(() => suite?.teardown());

  const failure = (prefix: string) => {
    const [name, message] = [...outcome].find(([n]) => n.startsWith(prefix)) ?? [];
    expect(name, `a check named "${prefix}…"`).toBeDefined();
    expect(message, `"${name}" should fail`).toBeTypeOf('string');
    return message!;
  };

  it('definition: names the SDK range the server cannot serve', () => {
    expect(failure('definition')).toContain(`adapter "broken" needs SDK ^3.0.0, this server provides ${SDK_VERSION} (and 1.4.0 for 1.x plugins)`);
  });

  it('config: an invalid value accepted and unknown keys accepted', () => {
    const m = failure('config');
    expect(m).toContain('{"threshold":-1} should be refused with a problem at "adapters[0].threshold:", got no problem (accepted)');
    expect(m).toContain('an unknown key (conformanceUnknownKey) is not refused: make the config schema .strict()');
  });

  it('graphql: lists the names without the prefix', () => {
    expect(failure('graphql')).toBe('names without the prefix "Broken": type LeakyStats, Query.leakyStats');
  });

  it('events: an event type it never registered', () => {
    const m = failure('events');
    expect(m).toContain('typeName "BrokenGhost" is not a GraphQL type implementing Event: register it with refs.eventType()');
    expect(m).toContain('an event shows as GenericEvent in GraphQL');
  });

  it('duplicates: a re-sent event stored again under another key', () => {
    expect(failure('duplicates')).toMatch(/after a duplicate delivery and one new event, 4 events were stored \(one new event stores 2\): the duplicate got another dedupe key/);
  });

  it('routes: its webhook accepts a request without credentials', () => {
    expect(failure('routes: a request that led to an event is refused')).toMatch(
      /^the route POST \/events accepts a request without credentials: replayed as the vendor sent it: it carried no credentials to remove .*, it answered 200/,
    );
  });

  it('health: a vendor failure never reported', () => {
    expect(failure('health')).toMatch(/timed out after 300 ms waiting for broken\/conformance to report DEGRADED or ERROR after breakVendor\(\) \(status READY\)/);
  });

  it('starts while the vendor is down: READY all along', () => {
    expect(failure('starts while the vendor is down')).toBe(
      'broken/conformance reports READY while the vendor is down (breakVendor() before the start) and not DEGRADED or ERROR within 300 ms: contact the vendor and report the failure (ctx.setStatus(status, detail))',
    );
  });

  it('stop: the second stop() throws', () => {
    expect(failure('stop: stop() may be called twice')).toBe('stop() threw on the second call: already stopped');
  });

  it('stop: the timer, the socket and the listener it left behind, each with where it was made', () => {
    const m = failure('stop: leaves');
    expect(m).toMatch(/setInterval created at test\/plugins\/fixtures\/broken-adapter\.ts:\d+:\d+/);
    expect(m).toMatch(/TCP server created at test\/plugins\/fixtures\/broken-adapter\.ts:\d+:\d+/);
    expect(m).toMatch(/process\.on\('SIGUSR2'\) listener added at test\/plugins\/fixtures\/broken-adapter\.ts:\d+:\d+/);
  });

  it('restart: the stop() of a server shutdown throws too', () => {
    expect(failure('restart')).toBe('stop() threw when the server stopped: already stopped');
  });

  it('what the broken adapter does right still passes', () => {
    expect(outcome.get('starts against its simulator and reports READY')).toBeNull();
  });
});
