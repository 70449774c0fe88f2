/**
 * Just enough semver to check an adapter's `sdk` range against SDK_VERSION, without a dependency:
 * versions `1.2.3` (a `-prerelease` is compared as lower than its release, and only matches a
 * comparator with the same major.minor.patch, as in npm), ranges of comparators joined by spaces
 * (and) and `||` (or). Comparators: `^1.2.3`, `~1.2.3`, `>=`, `>`, `<=`, `<`, `=`, exact `1.2.3`,
 * partial or wildcard versions (`1`, `1.2`, `1.x`, `1.2.*`, `*`, `x`).
 */

export interface Version {
  major: number;
  minor: number;
  patch: number;
  pre: string[];
}

const VERSION = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;
const PARTIAL = /^v?(\*|x|X|0|[1-9]\d*)(?:\.(\*|x|X|0|[1-9]\d*))?(?:\.(\*|x|X|0|[1-9]\d*))?(?:-([0-9A-Za-z.-]+))?$/;
const COMPARATOR = /^(\^|~|>=|<=|>|<|=)?\s*(\S+)$/;

export function parseVersion(text: string): Version | null {
  const m = VERSION.exec(text.trim());
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] ? m[4].split('.') : [] };
}

export function compareVersions(a: Version, b: Version): number {
  for (const k of ['major', 'minor', 'patch'] as const) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  if (!a.pre.length || !b.pre.length) return b.pre.length - a.pre.length; // a release is above its prereleases
  for (let i = 0; i < Math.max(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    if (x === y) continue;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) return Number(x) < Number(y) ? -1 : 1;
    if (nx !== ny) return nx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

type Test = (v: Version) => boolean;
interface Comparator {
  test: Test;
  /** major.minor.patch of the comparator's own prerelease, if it names one. */
  preTuple: string | null;
}

const isWild = (s: string | undefined) => s === undefined || s === '*' || s === 'x' || s === 'X';
const v = (major: number, minor: number, patch: number, pre: string[] = []): Version => ({ major, minor, patch, pre });
const ge = (b: Version): Test => (x) => compareVersions(x, b) >= 0;
const lt = (b: Version): Test => (x) => compareVersions(x, b) < 0;
const both = (a: Test, b: Test): Test => (x) => a(x) && b(x);

function parseComparator(text: string): Comparator | null {
  const m = COMPARATOR.exec(text);
  if (!m) return null;
  const op = m[1] ?? '';
  const p = PARTIAL.exec(m[2]);
  if (!p) return null;
  const [maj, min, pat] = [p[1], p[2], p[3]];
  // A wildcard must not be followed by a number (1.x.3).
  if ((isWild(maj) && !isWild(min)) || (isWild(min) && !isWild(pat))) return null;
  const pre = p[4] ? p[4].split('.') : [];
  const M = isWild(maj) ? 0 : Number(maj);
  const N = isWild(min) ? 0 : Number(min);
  const P = isWild(pat) ? 0 : Number(pat);
  const base = v(M, N, P, pre);
  const preTuple = pre.length && !isWild(pat) ? `${M}.${N}.${P}` : null;
  const any: Test = () => true;
  let test: Test;
  if (isWild(maj)) test = op === '<' || op === '>' ? () => false : any;
  else if (op === '^') {
    const upper = M > 0 || isWild(min) ? v(M + 1, 0, 0) : N > 0 || isWild(pat) ? v(0, N + 1, 0) : v(0, 0, P + 1);
    test = both(ge(base), lt(upper));
  } else if (op === '~') test = both(ge(base), lt(isWild(min) ? v(M + 1, 0, 0) : v(M, N + 1, 0)));
  else if (op === '>=') test = ge(base);
  else if (op === '<') test = lt(base);
  else if (op === '>') test = isWild(min) ? ge(v(M + 1, 0, 0)) : isWild(pat) ? ge(v(M, N + 1, 0)) : (x) => compareVersions(x, base) > 0;
  else if (op === '<=') test = isWild(min) ? lt(v(M + 1, 0, 0)) : isWild(pat) ? lt(v(M, N + 1, 0)) : (x) => compareVersions(x, base) <= 0;
  else if (isWild(min)) test = both(ge(base), lt(v(M + 1, 0, 0)));
  else if (isWild(pat)) test = both(ge(base), lt(v(M, N + 1, 0)));
  else test = (x) => compareVersions(x, base) === 0;
  return { test, preTuple };
}

/** The range's alternatives, each a list of comparators; null when the text is not a range. */
function parseRange(range: string): Comparator[][] | null {
  const sets = range.trim().split('||');
  const out: Comparator[][] = [];
  for (const set of sets) {
    const parts = set.trim().replace(/(\^|~|>=|<=|>|<|=)\s+/g, '$1').split(/\s+/).filter(Boolean);
    const comps = (parts.length ? parts : ['*']).map(parseComparator);
    if (comps.some((c) => c === null)) return null;
    out.push(comps as Comparator[]);
  }
  return out;
}

export function isValidRange(range: string): boolean {
  return typeof range === 'string' && range.trim() !== '' && parseRange(range) !== null;
}

/** Does `version` satisfy `range`? False for an invalid version or range. */
export function satisfies(version: string, range: string): boolean {
  const ver = parseVersion(version);
  const sets = typeof range === 'string' ? parseRange(range) : null;
  if (!ver || !sets) return false;
  const tuple = `${ver.major}.${ver.minor}.${ver.patch}`;
  return sets.some((set) => set.every((c) => c.test(ver)) && (!ver.pre.length || set.some((c) => c.preTuple === tuple)));
}
