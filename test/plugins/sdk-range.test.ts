/**
 * The SDK range check of plugin adapters: which `sdk` ranges accept the SDK versions this server
 * provides (SDK_VERSION, and 1.4.0 for plugins written for 1.x), and the check as the loader and the
 * conformance kit run it (pluginAdapterProblems).
 */
import { describe, expect, it } from 'vitest';
import { SUPPORTED_SDK_VERSIONS, describeSdkVersions, sdkRangeProblem } from '../../src/core/plugins/sdk-range.ts';
import { pluginAdapterProblems, takenBy } from '../../src/core/plugins/validate.ts';
import { defineAdapter, SDK_VERSION, z } from '../../src/sdk.ts';

describe('sdk range check against one SDK version', () => {
  it.each(['^1.0.0', '^1.2.0', '~1.2.0', '1.x', '1', '*', '>=1.0.0 <2', '>= 1.0.0', '^0.9.0 || ^1.1.0', '1.2.0'])('SDK 1.2.0 satisfies %s', (range) => {
    expect(sdkRangeProblem(range, ['1.2.0'])).toBeNull();
  });

  it.each(['^2.0.0', '^1.3.0', '~1.1.0', '<1.2.0', '0.x', '^0.9.0 || ^2.0.0'])('SDK 1.2.0 does not satisfy %s', (range) => {
    expect(sdkRangeProblem(range, ['1.2.0'])).toBe(`needs SDK ${range}, this server provides 1.2.0`);
  });

  it('accepts a prerelease SDK only for ranges that name a prerelease of that version', () => {
    expect(sdkRangeProblem('^2.0.0-beta.1', ['2.0.0-beta.2'])).toBeNull();
    expect(sdkRangeProblem('^2.0.0', ['2.0.0-beta.2'])).toBe('needs SDK ^2.0.0, this server provides 2.0.0-beta.2');
    expect(sdkRangeProblem('^1.0.0-beta.1', ['2.0.0-beta.2'])).not.toBeNull();
  });

  it('asks for a range in the major the server provides when there is none', () => {
    expect(sdkRangeProblem(undefined, ['1.2.0'])).toBe('does not say which SDK version it was written for (add sdk: "^1.0.0")');
    expect(sdkRangeProblem(undefined, ['3.1.4', '2.9.0'])).toContain('(add sdk: "^3.0.0")');
  });

  it.each(['', '  ', 'banana', '>=', '^^1', '1.0.0.0', 42, null])('refuses %j as a range', (range) => {
    expect(sdkRangeProblem(range, ['1.2.0'])).toBe(`has sdk "${String(range)}", which is not a semver range (e.g. "^1.0.0")`);
  });
});

describe('the SDK versions this server provides: SDK_VERSION and the last 1.x', () => {
  it('are 2.3.0 and 1.4.0, newest first, and are what the check uses by default', () => {
    expect(SDK_VERSION).toBe('2.3.0');
    expect(SUPPORTED_SDK_VERSIONS).toEqual([SDK_VERSION, '1.4.0']);
    expect(describeSdkVersions(SUPPORTED_SDK_VERSIONS)).toBe('2.3.0 (and 1.4.0 for 1.x plugins)');
  });

  it.each(['^1.0.0', '^1.4.0', '~1.4.0', '1.x', '^2.0.0', '^2.1.0', '~2.3.0', '^2.2.0', '^2.3.0', '^2.0.0 || ^1.2.0', '>=1.0.0', '2.3.0'])('accepts %s', (range) => {
    expect(sdkRangeProblem(range)).toBeNull();
  });

  it.each(['^3.0.0', '^1.5.0', '^2.4.0', '~2.2.0', '~1.3.0', '<1.0.0', '^2.0.0-beta.1 <2.0.0'])('refuses %s, naming both versions', (range) => {
    expect(sdkRangeProblem(range)).toBe(`needs SDK ${range}, this server provides 2.3.0 (and 1.4.0 for 1.x plugins)`);
  });

  it('asks an adapter that states no range for the current major', () => {
    expect(sdkRangeProblem(undefined)).toBe('does not say which SDK version it was written for (add sdk: "^2.0.0")');
  });
});

describe('plugin adapters by their sdk range, as the loader and the conformance kit check them', () => {
  const plugin = (type: string, sdk: string) =>
    defineAdapter({
      type,
      version: '1.0.0',
      sdk,
      configSchema: z.object({ type: z.literal(type), id: z.string() }).strict(),
      capabilities: [],
      graphqlPrefix: type[0].toUpperCase() + type.slice(1),
      start: () => ({ stop: () => {} }),
    });
  const check = (...defs: ReturnType<typeof plugin>[]) => pluginAdapterProblems(defs, 'plugins[0] (./p.ts)', takenBy([], 'the built-in adapter'), () => []);

  it('loads a plugin written for 1.x and one written for 2.x side by side', () => {
    const r = check(plugin('older', '^1.0.0'), plugin('newer', '^2.0.0'));
    expect(r.problems).toEqual([]);
    expect(r.adapters.map((a) => a.type)).toEqual(['older', 'newer']);
  });

  it('refuses a plugin written for SDK 3, naming the versions the server provides', () => {
    const r = check(plugin('future', '^3.0.0'), plugin('newer', '^2.0.0'));
    expect(r.problems).toEqual(['plugins[0] (./p.ts): adapter "future" needs SDK ^3.0.0, this server provides 2.3.0 (and 1.4.0 for 1.x plugins)']);
    expect(r.adapters.map((a) => a.type)).toEqual(['newer']);
  });
});
