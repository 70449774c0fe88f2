/**
 * The SDK range check of plugin adapters: an adapter says which SDK versions it was written for
 * (`sdk: '^2.0.0'`, npm's range syntax) and this server provides SUPPORTED_SDK_VERSIONS: SDK_VERSION
 * and the last release of each earlier major it still runs (1.4.0: SDK 2.0 removed nothing, it moved
 * the GraphQL names to `unified-surveillance-api/sdk/graphql` and keeps them deprecated in `/sdk`,
 * so a plugin written for 1.x runs unchanged). A range satisfied by any of them is accepted. npm's
 * rules, by the `semver` package: a prerelease SDK satisfies only ranges that name a prerelease of
 * the same version.
 */
import semver from 'semver';
import { SDK_VERSION } from '../adapter/types.ts';

/**
 * The SDK versions this server provides, newest first: SDK_VERSION, then the last release of each
 * earlier major whose plugins still load. Drop 1.4.0 with SDK 3.0.0 (when the deprecated names go).
 */
export const SUPPORTED_SDK_VERSIONS: readonly string[] = [SDK_VERSION, '1.4.0'];

/** "2.0.0 (and 1.4.0 for 1.x plugins)": the versions `provided` names, for a message. */
export function describeSdkVersions(provided: readonly string[]): string {
  const [current, ...older] = provided;
  return older.length ? `${current} (and ${older.map((v) => `${v} for ${semver.major(v)}.x plugins`).join(', ')})` : current;
}

/**
 * Why `sdk` is satisfied by none of the `provided` SDK versions (newest first; to follow the
 * adapter's name), or null when one of them satisfies it.
 */
export function sdkRangeProblem(sdk: unknown, provided: readonly string[] = SUPPORTED_SDK_VERSIONS): string | null {
  if (!provided.length) throw new Error('sdkRangeProblem: no SDK version provided');
  const major = semver.major(provided[0]);
  if (sdk === undefined) return `does not say which SDK version it was written for (add sdk: "^${major}.0.0")`;
  // An empty range is `*` to npm; here it is an adapter that states nothing.
  if (typeof sdk !== 'string' || sdk.trim() === '' || semver.validRange(sdk) === null) return `has sdk "${String(sdk)}", which is not a semver range (e.g. "^${major}.0.0")`;
  if (!provided.some((v) => semver.satisfies(v, sdk))) return `needs SDK ${sdk}, this server provides ${describeSdkVersions(provided)}`;
  return null;
}
