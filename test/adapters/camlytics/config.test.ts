/** Camlytics instance config: defaults, and problems named by path at boot. */
import { describe, expect, it } from 'vitest';
import { camlyticsConfigSchema } from '../../../src/adapters/camlytics/config.ts';
import { validateAdapterEntries } from '../../../src/core/adapter/registry.ts';
import { camlyticsAdapter } from '../../../src/adapters/camlytics/index.ts';

describe('Camlytics config', () => {
  it('has working defaults (localhost:48462, 5 s long-poll, documented paths)', () => {
    expect(camlyticsConfigSchema.parse({ type: 'camlytics', id: 'office' })).toMatchObject({
      baseUrl: 'http://localhost:48462',
      eventsPath: '/v1/json/events',
      channelsPath: '/v1/json/channels',
      pollTimeoutSec: 5,
      pollLimit: 100,
      requestGraceSec: 10,
      maxResponseBytes: 5 * 1024 * 1024,
      backoffMaxSec: 30,
      restApi: true,
    });
  });

  it("leaves timezone unset unless given (resolved per event: the site of the channel's camera, else UTC)", () => {
    expect(camlyticsConfigSchema.parse({ type: 'camlytics', id: 'office' }).timezone).toBeUndefined();
    expect(camlyticsConfigSchema.parse({ type: 'camlytics', id: 'office', timezone: 'UTC' }).timezone).toBe('UTC');
  });

  it('names every problem by path', () => {
    const defs = new Map([['camlytics', camlyticsAdapter]]);
    const { problems } = validateAdapterEntries(
      [{ type: 'camlytics', id: 'a', baseUrl: 'ftp://10.0.0.5', webhookToken: 'short', pollTimeoutSec: 1.5, timezone: 'Mars/Olympus', channelsPath: 'v1/json/channels', bogus: 1 }],
      defs,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'adapters[0].baseUrl: must be an http(s) URL, e.g. http://10.0.0.5:48462',
        'adapters[0].webhookToken: use at least 16 characters',
        expect.stringMatching(/^adapters\[0\]\.pollTimeoutSec: /),
        'adapters[0].timezone: not an IANA time zone (e.g. Europe/Prague)',
        'adapters[0].channelsPath: must be a path starting with "/"',
        expect.stringMatching(/^adapters\[0\]: .*bogus/),
      ]),
    );
    expect(problems).toHaveLength(6);
  });
});
