/**
 * The SDK range check of plugin adapters: an adapter says which SDK versions it was written for
 * (`sdk: '^1.0.0'`, npm's range syntax) and this server provides SDK_VERSION. npm's rules, by the
 * `semver` package: a prerelease SDK satisfies only ranges that name a prerelease of the same version.
 */
import semver from 'semver';

/** Why `sdk` does not accept the `provided` SDK version (to follow the adapter's name), or null when it does. */
export function sdkRangeProblem(sdk: unknown, provided: string): string | null {
  if (sdk === undefined) return `does not say which SDK version it was written for (add sdk: "^${semver.major(provided)}.0.0")`;
  // An empty range is `*` to npm; here it is an adapter that states nothing.
  if (typeof sdk !== 'string' || sdk.trim() === '' || semver.validRange(sdk) === null) return `has sdk "${String(sdk)}", which is not a semver range (e.g. "^1.0.0")`;
  if (!semver.satisfies(provided, sdk)) return `needs SDK ${sdk}, this server provides ${provided}`;
  return null;
}
