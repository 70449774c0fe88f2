/**
 * How plugins find the server's SDK: the package's public subpaths the run-time resolve hook maps,
 * the config's `plugins` list, and reading only that list for schema:print. (The node_modules link
 * for tools is npm's: test/plugins/example-package.test.ts.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigError, loadPluginList, validateConfig } from '../../src/core/config/load.ts';
import { hostPackage } from '../../src/core/plugins/host-package.ts';
import { ROOT } from './helpers.ts';

describe('host package', () => {
  it('maps the server package’s public subpaths to its files', () => {
    const { name, exports } = hostPackage(ROOT);
    expect(name).toBe('unified-surveillance-api');
    expect(exports['./sdk']).toMatch(/^file:\/\/.*\/src\/sdk\.ts$/);
    expect(exports['./testkit']).toMatch(/^file:\/\/.*\/src\/testkit\.ts$/);
  });

  it('maps them to the compiled build when the server runs from dist/ (the files scripts/server-build.mjs writes)', () => {
    const { exports } = hostPackage(ROOT, true);
    expect(exports['./sdk']).toMatch(/^file:\/\/.*\/dist\/sdk\.js$/);
    expect(exports['./sdk/graphql']).toMatch(/^file:\/\/.*\/dist\/sdk\/graphql\.js$/);
    expect(exports['./testkit']).toMatch(/^file:\/\/.*\/dist\/testkit\.js$/);
  });
});

describe('plugins in the config', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'usa-plugin-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a plugin listed twice is a problem', () => {
    const e = (() => {
      try {
        validateConfig({ plugins: ['a-plugin', './b.ts', 'a-plugin'] });
      } catch (err) {
        return err as ConfigError;
      }
    })();
    expect(e?.problems).toEqual(['plugins[2]: "a-plugin" is already listed as plugins[0]']);
  });

  it('schema:print reads only the plugin list: the secrets of adapter entries need not be set', () => {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'plugins: ["./plugins/x.ts", "${PLUGIN_PKG}"]\nadapters:\n  - { type: vxg, id: cloud, accessToken: "${VXG_TOKEN_NOT_SET}" }\n');
    expect(loadPluginList({ CONFIG_FILE: file, PLUGIN_PKG: '@acme/adapter' }, [])).toEqual({ plugins: ['./plugins/x.ts', '@acme/adapter'], dir });
    expect(loadPluginList({ PLUGIN_PKG: 'x-adapter' }, ['--config', file]).plugins).toEqual(['./plugins/x.ts', 'x-adapter']);
    expect(() => loadPluginList({}, ['--config', file])).toThrow('plugins[1]: environment variable PLUGIN_PKG is not set');
  });
});
