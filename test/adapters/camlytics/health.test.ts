/** Status from several sources of trouble. */
import { describe, expect, it } from 'vitest';
import { CamlyticsHealth } from '../../../src/adapters/camlytics/health.ts';

describe('CamlyticsHealth', () => {
  it('is READY without problems, else the worst status with every problem named (stable order)', () => {
    const calls: Array<[string, string | undefined]> = [];
    const h = new CamlyticsHealth((s, d) => void calls.push([s, d]));
    h.ok('events poll');
    h.problem('events poll', 'DEGRADED', 'answered HTTP 500');
    h.problem('channels', 'DEGRADED', 'answered HTTP 404');
    h.problem('events poll', 'ERROR', 'ECONNREFUSED');
    h.ok('events poll');
    h.ok('channels');
    expect(calls).toEqual([
      ['READY', undefined],
      ['DEGRADED', 'events poll: answered HTTP 500'],
      ['DEGRADED', 'channels: answered HTTP 404; events poll: answered HTTP 500'],
      ['ERROR', 'channels: answered HTTP 404; events poll: ECONNREFUSED'],
      ['DEGRADED', 'channels: answered HTTP 404'],
      ['READY', undefined],
    ]);
  });

  it('repeats its view on every report, so a status set by someone else is corrected', () => {
    const calls: string[] = [];
    const h = new CamlyticsHealth((s) => void calls.push(s));
    h.problem('channels', 'DEGRADED', 'x');
    h.problem('channels', 'DEGRADED', 'x');
    expect(calls).toEqual(['DEGRADED', 'DEGRADED']);
  });
});
