/**
 * Loading `plugins`: where entries resolve from, what a plugin module must export, and start-up
 * errors that name the plugin and the adapter — all problems at once.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtInAdapters } from '../../src/adapters/index.ts';
import { createApp } from '../../src/app.ts';
import { ConfigError, validateConfig } from '../../src/core/config/load.ts';
import { loadPlugins, withPluginAdapters } from '../../src/core/plugins/load.ts';
import { notAnEsModule, resolvePluginSpec } from '../../src/core/plugins/resolve.ts';
import { unprefixedGraphqlNames } from '../../src/schema/graphql-names.ts';
import { SDK_VERSION } from '../../src/sdk.ts';
import { EXAMPLE_DIR, EXAMPLE_PACKAGE, FIXTURES, userProject } from './helpers.ts';

const problemsOf = async (p: Promise<unknown>): Promise<string[]> => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ConfigError);
  return (e as ConfigError).problems;
};

describe('plugin resolution', () => {
  let dir: string;
  const write = (path: string, text: string) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  beforeAll(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'usa-resolve-')));
    write(
      'project/node_modules/esm-only/package.json',
      JSON.stringify({
        name: 'esm-only',
        type: 'module',
        exports: { '.': { import: './lib/main.js', require: './cjs/main.cjs' }, './extra': { node: { import: './lib/extra.js' } }, './adapters/*': './lib/adapters/*.js' },
      }),
    );
    for (const f of ['lib/main.js', 'lib/extra.js', 'lib/adapters/one.js']) write(`project/node_modules/esm-only/${f}`, 'export default 1;\n');
    write('project/node_modules/@acme/plain/package.json', JSON.stringify({ name: '@acme/plain', main: 'dist/entry.js' }));
    write('project/node_modules/@acme/plain/dist/entry.js', '');
    write('project/node_modules/bare/package.json', '{}');
    write('project/node_modules/bare/index.js', '');
    write('project/app/deep/.keep', '');
    write('config/local/plugin.ts', '');
    write('config/dir-plugin/package.json', JSON.stringify({ type: 'module', exports: './src/index.ts' }));
    write('config/dir-plugin/src/index.ts', '');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('package names: exports with the import condition, subpaths and patterns, main, index.js; from node_modules above the project root', () => {
    const roots = { projectRoot: join(dir, 'project', 'app', 'deep') };
    expect(resolvePluginSpec('esm-only', roots)).toBe(join(dir, 'project/node_modules/esm-only/lib/main.js'));
    expect(resolvePluginSpec('esm-only/extra', roots)).toBe(join(dir, 'project/node_modules/esm-only/lib/extra.js'));
    expect(resolvePluginSpec('esm-only/adapters/one', roots)).toBe(join(dir, 'project/node_modules/esm-only/lib/adapters/one.js'));
    expect(resolvePluginSpec('@acme/plain', roots)).toBe(join(dir, 'project/node_modules/@acme/plain/dist/entry.js'));
    expect(resolvePluginSpec('bare', roots)).toBe(join(dir, 'project/node_modules/bare/index.js'));
  });

  it('local paths from the config directory: files, directories with a package.json, file: URLs', () => {
    const roots = { configDir: join(dir, 'config') };
    expect(resolvePluginSpec('./local/plugin.ts', roots)).toBe(join(dir, 'config/local/plugin.ts'));
    expect(resolvePluginSpec('./dir-plugin', roots)).toBe(join(dir, 'config/dir-plugin/src/index.ts'));
    expect(resolvePluginSpec(`file://${join(dir, 'config/local/plugin.ts')}`, {})).toBe(join(dir, 'config/local/plugin.ts'));
  });

  it('says what is missing', () => {
    const roots = { projectRoot: join(dir, 'project'), configDir: join(dir, 'config') };
    expect(() => resolvePluginSpec('nope-adapter', roots)).toThrow(`package not found in node_modules from ${join(dir, 'project')} (install it: npm install nope-adapter)`);
    expect(() => resolvePluginSpec('esm-only/hidden', roots)).toThrow('package esm-only/hidden does not export "./hidden" for import');
    expect(() => resolvePluginSpec('./local/missing.ts', roots)).toThrow(`file not found: ${join(dir, 'config/local/missing.ts')}`);
    expect(() => resolvePluginSpec('Not A Name', roots)).toThrow('not a package name or a path (local paths start with ./, ../ or /)');
  });

  it('plugins must be ES modules', () => {
    write('lonely/plugin.ts', '');
    expect(notAnEsModule(join(dir, 'config/dir-plugin/src/index.ts'))).toBeNull();
    expect(notAnEsModule(join(dir, 'lonely/plugin.mts'))).toBeNull();
    expect(notAnEsModule(join(dir, 'project/node_modules/bare/index.js'))).toMatch(/bare\/package\.json has no "type": "module"\); plugins are ES modules$/);
    expect(notAnEsModule(join(dir, 'x.cjs'))).toMatch(/is CommonJS; plugins are ES modules/);
  });
});

describe('loading plugins', () => {
  it('an npm-installed package and a module exporting two adapters, beside the built-ins', async () => {
    const project = userProject({ [EXAMPLE_PACKAGE]: EXAMPLE_DIR });
    try {
      const defs = await withPluginAdapters(builtInAdapters, [EXAMPLE_PACKAGE, './two-adapters.ts'], unprefixedGraphqlNames, { projectRoot: project.dir, configDir: FIXTURES });
      expect(defs.map((d) => d.type)).toEqual(['ff', 'camlytics', 'vxg', 'ivms', 'hmac-webhook', 'alpha', 'beta']);
    } finally {
      project.cleanup();
    }
  });

  it('reports every problem of every plugin at once, each naming the plugin and the adapter', async () => {
    const specs = [
      './future-sdk.ts',
      './dup-ff.ts',
      './no-default.ts',
      './not-adapter.ts',
      './throws.ts',
      './unprefixed.ts',
      './no-sdk.ts',
      './missing.ts',
      'not-installed-adapter',
      './two-adapters.ts',
      './dup-alpha.ts',
      `${FIXTURES}/two-adapters.ts`,
    ];
    const problems = await problemsOf(loadPlugins(specs, builtInAdapters, unprefixedGraphqlNames, { configDir: FIXTURES, projectRoot: FIXTURES }));
    expect(problems).toEqual([
      `plugins[0] (./future-sdk.ts): adapter "future" needs SDK ^3.0.0, this server provides ${SDK_VERSION} (and 1.4.0 for 1.x plugins)`,
      'plugins[1] (./dup-ff.ts): adapter "ff": type "ff" is already defined by the built-in adapter "ff"',
      'plugins[2] (./no-default.ts): has no default export: export default defineAdapter({ … }) (or an array of adapters)',
      'plugins[3] (./not-adapter.ts): adapter #1 is not a valid definition: type "undefined" must be lower-case letters, digits or "-"; version "undefined" must be semver; graphqlPrefix "undefined" must be a capitalised GraphQL name prefix; configSchema must be a zod schema; start(ctx) must be a function',
      `plugins[4] (./throws.ts): failed to load ${join(FIXTURES, 'throws.ts')}: boom while loading`,
      'plugins[5] (./unprefixed.ts): adapter "gadget" adds GraphQL names without its prefix "Gadget": type WidgetEvent, Query.widgets',
      'plugins[6] (./no-sdk.ts): adapter "nosdk" does not say which SDK version it was written for (add sdk: "^2.0.0")',
      `plugins[7] (./missing.ts): file not found: ${join(FIXTURES, 'missing.ts')}`,
      `plugins[8] (not-installed-adapter): package not found in node_modules from ${FIXTURES} (install it: npm install not-installed-adapter)`,
      'plugins[10] (./dup-alpha.ts): adapter "alpha": type "alpha" is already defined by adapter "alpha" of plugins[9] (./two-adapters.ts)',
      'plugins[10] (./dup-alpha.ts): adapter "alpha": graphqlPrefix "Alpha" is already used by adapter "alpha" of plugins[9] (./two-adapters.ts)',
      `plugins[11] (${FIXTURES}/two-adapters.ts): the same module as plugins[9] (./two-adapters.ts); list it once`,
    ]);
  });

  it('the server does not start with a bad plugin: the ConfigError names it', async () => {
    const problems = await problemsOf(
      createApp({
        env: { port: 0, host: '127.0.0.1', dataDir: join(tmpdir(), 'never-used'), logLevel: 'silent' },
        config: validateConfig({ plugins: ['./future-sdk.ts'], adapters: [{ type: 'future', id: 'x' }] }),
        pluginRoots: { configDir: FIXTURES },
      }),
    );
    expect(problems).toEqual([`plugins[0] (./future-sdk.ts): adapter "future" needs SDK ^3.0.0, this server provides ${SDK_VERSION} (and 1.4.0 for 1.x plugins)`]);
  });

  it('plugin adapters are configured under adapters: like built-ins (unknown types are named with the plugin ones)', async () => {
    const problems = await problemsOf(
      createApp({
        env: { port: 0, host: '127.0.0.1', dataDir: join(tmpdir(), 'never-used'), logLevel: 'silent' },
        config: validateConfig({
          plugins: ['./two-adapters.ts'],
          adapters: [
            { type: 'alpha', id: 'a', extra: 1 },
            { type: 'gamma', id: 'g' },
          ],
        }),
        pluginRoots: { configDir: FIXTURES },
      }),
    );
    expect(problems).toEqual(['adapters[0]: Unrecognized key: "extra"', 'adapters[1].type: unknown adapter type "gamma" (known: ff, camlytics, vxg, ivms, alpha, beta)']);
  });
});
