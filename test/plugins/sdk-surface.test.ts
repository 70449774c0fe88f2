/**
 * The semver promise of the public entries (`unified-surveillance-api/sdk` and `/testkit`):
 * nothing exported may disappear within a major SDK version, and every export is recorded here
 * with the SDK version that added it — so adding one means a minor bump of SDK_VERSION, and
 * removing or renaming one fails until SDK_VERSION's major is bumped. What each export is (its
 * signature, its fields) is locked by the API reports in etc/ (api-report.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { SDK_VERSION } from '../../src/sdk.ts';
import { ROOT } from './helpers.ts';

/** Export → the SDK version that added it. */
const SDK_EXPORTS: Record<string, string> = Object.fromEntries([
  ...[
    'defineAdapter SDK_VERSION AdapterContext AdapterDefinition AdapterStatus BaseInstanceConfig CameraInfo CameraRegistry RecordQuery RecordStore StoredRecord',
    'CameraUpsert CapabilityHandlers Clock InstanceState MediaStore RouteHandler RouteRequest RunningAdapter StreamHandlers StreamRequest VendorStream TcpListener',
    'TcpListenOptions TriggerInput CAPABILITIES EVENT_KINDS MEDIA_ROLES normalizePlate Analytics CameraStatus Capability Direction EventInput EventKind MediaInput',
    'MediaRef MediaRole PlatePhase PlateRead PublishResult StoredEvent AppError ERROR_CODES badInput isAppError notFound tooLarge unsupportedCapability',
    'unsupportedMedia vendorRejected vendorUnavailable ErrorCode Builder CoreRefs EventTypeOptions SchemaTypes GraphQLContext SafeFetch SafeFetchOptions SafeResponse',
    'readBody readJsonBody sendError sendJson discardBody parseMultipart safeFilename MultipartLimits MultipartPart mapAsyncIterator z',
  ].flatMap((line) => line.split(' ').map((name) => [name, '1.0.0'])),
  ['requireScope', '1.2.0'],
  ['Scope', '1.2.0'],
  ...'zonedTimeToDate isTimeZone WallTime combineHealth PartHealth'.split(' ').map((name) => [name, '1.3.0']),
  ...'Timer backoffDelay BackoffOptions Jitter sleep'.split(' ').map((name) => [name, '1.3.0']),
  ...'decodeGlobalId encodeGlobalId secretsEqual CameraRecord'.split(' ').map((name) => [name, '1.4.0']),
]);
const TESTKIT_EXPORTS: Record<string, string> = Object.fromEntries([
  ...'runAdapterConformance createConformanceSuite ConformanceCheck ConformanceSuite ConformanceEnv ConformanceOptions ConformanceSimulator ConformanceTimeouts InvalidConfigCase'
    .split(' ')
    .map((name) => [name, '1.0.0']),
  ['ManualClock', '1.3.0'],
]);

/** Names an entry file exports (it only re-exports: `export { a, type B, c as d } from …`). */
function exportedNames(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)].flatMap((m) =>
    m[1]
      .split(',')
      .map(
        (part) =>
          part
            .trim()
            .replace(/^type\s+/, '')
            .split(/\s+as\s+/)
            .at(-1)!,
      )
      .filter(Boolean),
  );
}

describe.each([
  ['src/sdk.ts', SDK_EXPORTS],
  ['src/testkit.ts', TESTKIT_EXPORTS],
])('public surface of %s', (file, recorded) => {
  const current = exportedNames(file);

  it('still exports everything it exported in this major version', () => {
    const major = `^${semver.major(SDK_VERSION)}.0.0`;
    const removed = Object.entries(recorded)
      .filter(([name, since]) => semver.satisfies(since, major) && !current.includes(name))
      .map(([n]) => n);
    expect(removed, `removing or renaming an export breaks plugins: bump the major of SDK_VERSION (${SDK_VERSION}) and update this list`).toEqual([]);
  });

  it('records every export with the SDK version that added it, none newer than SDK_VERSION', () => {
    const unrecorded = current.filter((n) => !(n in recorded));
    expect(unrecorded, 'a new export is a minor SDK release: bump SDK_VERSION and record it here with that version').toEqual([]);
    const ahead = Object.entries(recorded).filter(([, since]) => semver.gt(since, SDK_VERSION));
    expect(ahead).toEqual([]);
  });
});
