/**
 * The example plugin's own tests (conformance kit, signature, payload), run by the repo's suite
 * exactly as the package's `npm test` runs them: they import the server only as
 * `unified-surveillance-api/testkit` and `…/sdk`. They resolve it through a link npm itself makes
 * and keeps (the example is a workspace naming the server `file:../..` among its devDependencies),
 * shown below with the real npm in a copy of the two package.json files.
 */
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkRangeProblem } from '../../src/core/plugins/sdk-range.ts';
import example from '../../examples/adapter-example/src/index.ts';
import { EXAMPLE_DIR, EXAMPLE_PACKAGE, ROOT } from './helpers.ts';

await import('../../examples/adapter-example/test/signature.test.ts');
await import('../../examples/adapter-example/test/payload.test.ts');
await import('../../examples/adapter-example/test/conformance.test.ts');

interface PackageJson {
  name: string;
  version: string;
  exports: Record<string, string>;
  workspaces: string[];
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  devDependencies: Record<string, string>;
}
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
const host = readJson(join(ROOT, 'package.json'));
const pkg = readJson(join(EXAMPLE_DIR, 'package.json'));

describe('the example package', () => {
  it('lists what its tsconfig and tests need, at the versions the server pins', () => {
    expect(Object.keys(pkg.devDependencies).sort()).toEqual(['@types/node', 'typescript', host.name, 'vitest'].sort());
    for (const name of ['@types/node', 'typescript', 'vitest']) expect(pkg.devDependencies[name], name).toBe(host.devDependencies[name]);
  });

  it('needs the server twice without contradiction: the npm peer range on its package version, `sdk` on the SDK versions it provides', () => {
    // npm checks a peer range against the server package's version (0.1.0, not the SDK's): a range
    // that excludes it makes `npm install <plugin>` fail or drop the link. The loader checks `sdk`.
    expect(semver.satisfies(host.version, pkg.peerDependencies[host.name])).toBe(true);
    expect(pkg.peerDependenciesMeta[host.name]?.optional).toBe(true);
    // The example is a 1.x plugin, kept unchanged: the server still provides SDK 1.4.0 to it.
    expect(example.sdk).toBe('^1.0.0');
    expect(sdkRangeProblem(example.sdk)).toBeNull();
  });
});

describe('npm keeps the example able to resolve the server', () => {
  let dir: string;
  const other = 'usa-adapter-other';

  /** npm in `dir`, offline (nothing here is on a registry), without the npm_* settings of an `npm test` that runs us. */
  const npm = (...args: string[]) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
    const r = spawnSync('npm', [...args, '--offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, env, encoding: 'utf8' });
    expect(r.status, `npm ${args.join(' ')}:\n${r.stderr}`).toBe(0);
  };
  /** Where `unified-surveillance-api/testkit` resolves from the example, as vitest and tsc look it up. */
  const hostFromExample = () => {
    expect(lstatSync(join(dir, 'node_modules', host.name)).isSymbolicLink()).toBe(true);
    return createRequire(join(dir, 'examples', 'adapter-example', 'package.json')).resolve(`${host.name}/testkit`);
  };

  beforeAll(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'usa-npm-')));
    const write = (file: string, text: string) => {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    };
    expect(host.workspaces).toContain('examples/adapter-example');
    write('package.json', JSON.stringify({ name: host.name, version: host.version, private: true, type: 'module', exports: host.exports, workspaces: ['examples/adapter-example'] }));
    for (const target of Object.values(host.exports)) write(target, 'export {};\n');
    // The example as it is, less the registry packages (vitest, typescript: not needed to link).
    const link = Object.fromEntries(Object.entries(pkg.devDependencies).filter(([, spec]) => spec.startsWith('file:')));
    expect(link).toEqual({ [host.name]: 'file:../..' });
    write('examples/adapter-example/package.json', JSON.stringify({ ...pkg, devDependencies: link }));
    // Another plugin, outside the project, declaring the server as the example does.
    write('other/package.json', JSON.stringify({ name: other, version: '1.0.0', type: 'module', peerDependencies: pkg.peerDependencies, peerDependenciesMeta: pkg.peerDependenciesMeta }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('through npm ci, npm install <plugin>, npm install ./examples/adapter-example and npm uninstall', () => {
    const testkit = join(dir, host.exports['./testkit']);
    npm('install');
    expect(readFileSync(join(dir, 'package-lock.json'), 'utf8')).toContain(`"node_modules/${host.name}"`);
    rmSync(join(dir, 'node_modules'), { recursive: true });
    npm('ci');
    expect(hostFromExample()).toBe(testkit);
    npm('install', './other'); // once pruned the link `npm run prepare` had made
    expect(hostFromExample()).toBe(testkit);
    expect(realpathSync(join(dir, 'node_modules', other))).toBe(join(dir, 'other'));
    npm('install', './examples/adapter-example'); // docs/adapters.md §12
    expect(hostFromExample()).toBe(testkit);
    expect(realpathSync(join(dir, 'node_modules', EXAMPLE_PACKAGE))).toBe(join(dir, 'examples', 'adapter-example'));
    npm('uninstall', other);
    expect(hostFromExample()).toBe(testkit);
  }, 120_000);
});
