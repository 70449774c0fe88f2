/**
 * The semver promise of the public entries (`unified-surveillance-api/sdk`, `/sdk/graphql` and
 * `/testkit`): nothing exported may disappear while a major that had it is still served (the majors
 * of SUPPORTED_SDK_VERSIONS: 1.x plugins still load on SDK 2, so 1.x names stay until 3.0.0), and
 * every export is recorded here with the SDK version that added it — so adding one means a minor
 * bump of SDK_VERSION, and removing or renaming one fails until the major that had it is no longer
 * served. Names moved to another entry stay in the old one, marked @deprecated. What each export is
 * (its signature, its fields) is locked by the API reports in etc/ (api-report.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { SUPPORTED_SDK_VERSIONS } from '../../src/core/plugins/sdk-range.ts';
import { SDK_VERSION } from '../../src/sdk.ts';
import { ROOT } from './helpers.ts';

const since = (version: string, names: string) => names.split(' ').map((name) => [name, version] as const);

/** The GraphQL names of SDK 1.x, in `unified-surveillance-api/sdk/graphql` since 2.0.0 and deprecated in `/sdk`. */
const MOVED_TO_GRAPHQL = 'Builder CoreRefs EventTypeOptions SchemaTypes GraphQLContext requireScope Scope CameraRecord mapAsyncIterator'.split(' ');
/** Moved names that stay in `/sdk` undeprecated: Scope (capabilityScopes in the definition names scopes). */
const KEPT_IN_SDK = new Set(['Scope']);

/** Export → the SDK version that added it. */
const SDK_EXPORTS: Record<string, string> = Object.fromEntries([
  ...[
    'defineAdapter SDK_VERSION AdapterContext AdapterDefinition AdapterStatus BaseInstanceConfig CameraInfo CameraRegistry RecordQuery RecordStore StoredRecord',
    'CameraUpsert CapabilityHandlers Clock InstanceState MediaStore RouteHandler RouteRequest RunningAdapter StreamHandlers StreamRequest VendorStream TcpListener',
    'TcpListenOptions TriggerInput CAPABILITIES EVENT_KINDS MEDIA_ROLES normalizePlate Analytics CameraStatus Capability Direction EventInput EventKind MediaInput',
    'MediaRef MediaRole PlatePhase PlateRead PublishResult StoredEvent AppError ERROR_CODES badInput isAppError notFound tooLarge unsupportedCapability',
    'unsupportedMedia vendorRejected vendorUnavailable ErrorCode Builder CoreRefs EventTypeOptions SchemaTypes GraphQLContext SafeFetch SafeFetchOptions SafeResponse',
    'readBody readJsonBody sendError sendJson discardBody parseMultipart safeFilename MultipartLimits MultipartPart mapAsyncIterator z',
  ].flatMap((line) => since('1.0.0', line)),
  ...since('1.2.0', 'requireScope Scope'),
  ...since('1.3.0', 'zonedTimeToDate isTimeZone WallTime combineHealth PartHealth'),
  ...since('1.3.0', 'Timer backoffDelay BackoffOptions Jitter sleep'),
  ...since('1.4.0', 'decodeGlobalId encodeGlobalId secretsEqual CameraRecord'),
  ...since('2.0.0', 'DeviceRegistry DeviceUpsert DeviceInfo DeviceActionInput DeviceActionOutcome CAMERA_DEVICE_TYPE EventKindName CapabilityName DeviceRef'),
  ...since('2.0.0', 'capabilityScope DEFAULT_CAPABILITY_SCOPES pluginNamePrefix'),
]);
const SDK_GRAPHQL_EXPORTS: Record<string, string> = Object.fromEntries([...since('2.0.0', MOVED_TO_GRAPHQL.join(' ')), ...since('2.0.0', 'DeviceTypeOptions DeviceRecord StoredEvent')]);
const TESTKIT_EXPORTS: Record<string, string> = Object.fromEntries([
  ...since('1.0.0', 'runAdapterConformance createConformanceSuite ConformanceCheck ConformanceSuite ConformanceEnv ConformanceOptions ConformanceSimulator ConformanceTimeouts InvalidConfigCase'),
  ...since('1.3.0', 'ManualClock'),
  ...since('2.0.0', 'CheckSkipped ConformanceCapabilityCalls ConformanceDeviceIds ConformanceOperation'),
]);

interface Exported {
  name: string;
  /** The text of its own `@deprecated` tag (on the export specifier), if it has one. */
  deprecated?: string;
}

/** Names an entry file exports (it only re-exports: `export { a, type B, c as d } from …`), with their deprecation. */
function exportsOf(file: string): Exported[] {
  const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
  return source.statements.flatMap((st) =>
    ts.isExportDeclaration(st) && st.exportClause && ts.isNamedExports(st.exportClause)
      ? st.exportClause.elements.map((el) => {
          const tag = ts.getJSDocDeprecatedTag(el);
          return { name: el.name.text, deprecated: tag ? (ts.getTextOfJSDocComment(tag.comment) ?? '') : undefined };
        })
      : [],
  );
}

/** The majors whose plugins this server still loads: their exports must stay. */
const servedMajors = SUPPORTED_SDK_VERSIONS.map((v) => `^${semver.major(v)}.0.0`).join(' || ');

describe.each([
  ['src/sdk.ts', SDK_EXPORTS],
  ['src/sdk/graphql.ts', SDK_GRAPHQL_EXPORTS],
  ['src/testkit.ts', TESTKIT_EXPORTS],
])('public surface of %s', (file, recorded) => {
  const current = exportsOf(file).map((e) => e.name);

  it('still exports everything it exported in a major whose plugins this server loads', () => {
    const removed = Object.entries(recorded)
      .filter(([name, added]) => semver.satisfies(added, servedMajors) && !current.includes(name))
      .map(([n]) => n);
    expect(removed, `removing or renaming an export breaks plugins of ${servedMajors}: drop that major from SUPPORTED_SDK_VERSIONS first (a major SDK release), then update this list`).toEqual([]);
  });

  it('records every export with the SDK version that added it, none newer than SDK_VERSION', () => {
    const unrecorded = current.filter((n) => !(n in recorded));
    expect(unrecorded, 'a new export is a minor SDK release: bump SDK_VERSION and record it here with that version').toEqual([]);
    const ahead = Object.entries(recorded).filter(([, added]) => semver.gt(added, SDK_VERSION));
    expect(ahead).toEqual([]);
  });
});

describe('the GraphQL names of SDK 1.x, moved to unified-surveillance-api/sdk/graphql in 2.0.0', () => {
  const sdk = exportsOf('src/sdk.ts');
  const graphql = exportsOf('src/sdk/graphql.ts');

  it('are exported by the new entry, not deprecated there', () => {
    expect(graphql.filter((e) => MOVED_TO_GRAPHQL.includes(e.name))).toEqual(MOVED_TO_GRAPHQL.map((name) => ({ name, deprecated: undefined })));
  });

  it('stay in /sdk for 1.x plugins, each deprecated with where it moved and when it goes; nothing else there is deprecated', () => {
    const tag = "since 2.0.0: import from 'unified-surveillance-api/sdk/graphql'; removed in 3.0.0";
    const deprecated = MOVED_TO_GRAPHQL.filter((name) => !KEPT_IN_SDK.has(name));
    expect(sdk.filter((e) => e.deprecated !== undefined)).toEqual(deprecated.map((name) => ({ name, deprecated: tag })));
    for (const name of KEPT_IN_SDK) expect(sdk.filter((e) => e.name === name)).toEqual([{ name, deprecated: undefined }]);
  });

  it('the check reads a tag on a name, not one on the whole statement', () => {
    const text = "/** @deprecated all */\nexport { a } from './a.ts';\nexport {\n  /** @deprecated one */\n  b,\n  c,\n} from './b.ts';\n";
    const source = ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, true);
    const tags = source.statements.flatMap((st) =>
      ts.isExportDeclaration(st) && st.exportClause && ts.isNamedExports(st.exportClause) ? st.exportClause.elements.map((el) => [el.name.text, ts.getJSDocDeprecatedTag(el) !== undefined]) : [],
    );
    expect(tags).toEqual([
      ['a', false],
      ['b', true],
      ['c', false],
    ]);
  });
});
