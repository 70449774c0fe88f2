/** The SDK range check: which `sdk` ranges SDK_VERSION satisfies. */
import { describe, expect, it } from 'vitest';
import { compareVersions, isValidRange, parseVersion, satisfies } from '../../src/core/plugins/semver.ts';

describe('semver', () => {
  it.each([
    ['1.0.0', '^1.0.0', true], ['1.4.2', '^1.0.0', true], ['2.0.0', '^1.0.0', false], ['0.9.9', '^1.0.0', false],
    ['0.2.5', '^0.2.1', true], ['0.3.0', '^0.2.1', false], ['0.0.3', '^0.0.3', true], ['0.0.4', '^0.0.3', false],
    ['1.2.9', '~1.2.3', true], ['1.3.0', '~1.2.3', false], ['1.9.0', '~1', true], ['2.0.0', '~1', false],
    ['1.0.0', '>=1.0.0', true], ['0.9.0', '>=1.0.0', false], ['1.0.0', '>1.0.0', false], ['1.0.1', '>1.0.0', true],
    ['1.9.9', '<2', true], ['2.0.0', '<2', false], ['1.2.0', '<=1.2', true], ['1.3.0', '<=1.2', false],
    ['1.0.0', '1.0.0', true], ['1.0.1', '=1.0.0', false], ['1.5.0', '1.x', true], ['2.0.0', '1.x', false],
    ['1.2.7', '1.2.*', true], ['5.0.0', '*', true], ['1.1.0', '>=1.0.0 <1.1.0', false], ['1.0.5', '>=1.0.0 <1.1.0', true],
    ['2.1.0', '^1.0.0 || ^2.0.0', true], ['3.0.0', '^1.0.0 || ^2.0.0', false], ['1.0.0', '>= 1.0.0', true],
    ['1.0.0-beta.1', '^1.0.0', false], ['1.0.0-beta.2', '^1.0.0-beta.1', true], ['1.0.1-beta.1', '^1.0.0-beta.1', false],
  ])('%s satisfies %s: %s', (version, range, expected) => {
    expect(satisfies(version, range)).toBe(expected);
  });

  it('orders versions, prereleases before their release', () => {
    const sorted = ['1.0.0', '1.0.0-beta.11', '1.0.0-alpha', '1.0.0-beta.2', '0.9.0', '1.0.0-alpha.1'].sort((a, b) => compareVersions(parseVersion(a)!, parseVersion(b)!));
    expect(sorted).toEqual(['0.9.0', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0']);
  });

  it('tells ranges from junk', () => {
    for (const r of ['^1.0.0', '~1.2', '>=1 <2', '1.x || 2.x', '*']) expect(isValidRange(r), r).toBe(true);
    for (const r of ['', 'banana', '^1.x.3', '1.0.0.0', '>=', '^^1']) expect(isValidRange(r), r).toBe(false);
    expect(satisfies('not-a-version', '*')).toBe(false);
  });
});
