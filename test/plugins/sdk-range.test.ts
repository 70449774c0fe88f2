/** The SDK range check of plugin adapters: which `sdk` ranges accept the SDK this server provides. */
import { describe, expect, it } from 'vitest';
import { sdkRangeProblem } from '../../src/core/plugins/sdk-range.ts';

describe('sdk range check', () => {
  it.each(['^1.0.0', '^1.2.0', '~1.2.0', '1.x', '1', '*', '>=1.0.0 <2', '>= 1.0.0', '^0.9.0 || ^1.1.0', '1.2.0'])('SDK 1.2.0 satisfies %s', (range) => {
    expect(sdkRangeProblem(range, '1.2.0')).toBeNull();
  });

  it.each(['^2.0.0', '^1.3.0', '~1.1.0', '<1.2.0', '0.x', '^0.9.0 || ^2.0.0'])('SDK 1.2.0 does not satisfy %s', (range) => {
    expect(sdkRangeProblem(range, '1.2.0')).toBe(`needs SDK ${range}, this server provides 1.2.0`);
  });

  it('accepts a prerelease SDK only for ranges that name a prerelease of that version', () => {
    expect(sdkRangeProblem('^2.0.0-beta.1', '2.0.0-beta.2')).toBeNull();
    expect(sdkRangeProblem('^2.0.0', '2.0.0-beta.2')).toBe('needs SDK ^2.0.0, this server provides 2.0.0-beta.2');
    expect(sdkRangeProblem('^1.0.0-beta.1', '2.0.0-beta.2')).not.toBeNull();
  });

  it('asks for a range in the major the server provides when there is none', () => {
    expect(sdkRangeProblem(undefined, '1.2.0')).toBe('does not say which SDK version it was written for (add sdk: "^1.0.0")');
    expect(sdkRangeProblem(undefined, '3.1.4')).toContain('(add sdk: "^3.0.0")');
  });

  it.each(['', '  ', 'banana', '>=', '^^1', '1.0.0.0', 42, null])('refuses %j as a range', (range) => {
    expect(sdkRangeProblem(range, '1.2.0')).toBe(`has sdk "${String(range)}", which is not a semver range (e.g. "^1.0.0")`);
  });
});
