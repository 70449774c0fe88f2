/**
 * Print the schema (core + built-in adapters + the adapters of the config's `plugins`) as SDL:
 * `npm run schema:print` (config from `--config <file>`, CONFIG_FILE or ./config.yaml).
 * `--write` updates the committed schema.graphql with the built-in adapters only (a test fails
 * when it drifts). A process entry beside main.ts (it wires adapters, plugins and the schema), so
 * src/schema itself never imports the adapters.
 */
import { writeFileSync } from 'node:fs';
import { builtInAdapters } from './adapters/index.ts';
import { ConfigError, loadPluginList } from './core/config/load.ts';
import { withPluginAdapters } from './core/plugins/load.ts';
import { buildSchema, printSchemaSDL } from './schema/build.ts';
import { unprefixedGraphqlNames } from './schema/graphql-names.ts';

if (process.argv.includes('--write')) {
  writeFileSync(new URL('../schema.graphql', import.meta.url), printSchemaSDL(buildSchema(builtInAdapters)));
  process.stderr.write('schema.graphql written\n');
} else {
  try {
    const { plugins, dir } = loadPluginList();
    process.stdout.write(printSchemaSDL(buildSchema(await withPluginAdapters(builtInAdapters, plugins, unprefixedGraphqlNames, { configDir: dir }))));
  } catch (e) {
    process.stderr.write(`${e instanceof ConfigError ? e.message : `schema:print failed: ${(e as Error).message}`}\n`);
    process.exitCode = 1;
  }
}
