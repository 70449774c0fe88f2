/**
 * Load the adapters of the config's `plugins` (npm package names and local files): resolve each
 * entry, import it (plugins import the SDK as `unified-surveillance-api/sdk`, answered with this
 * server's files), check what it exports, and return the adapters beside the given ones. Every
 * problem of every plugin is reported at once as a ConfigError naming the plugin.
 */
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../config/load.ts';
import type { AdapterDefinition } from '../adapter/types.ts';
import { registerHostResolution } from './host-package.ts';
import { ensureTypeScriptHooks, isTypeScriptFile } from './typescript-hooks.ts';
import { notAnEsModule, resolvePluginSpec, type PluginRoots } from './resolve.ts';
import { exportedAdapters, pluginAdapterProblems, takenBy, type GraphqlNameCheck } from './validate.ts';

export type { PluginRoots } from './resolve.ts';

export interface LoadedPlugin {
  spec: string;
  file: string;
  adapters: AdapterDefinition[];
}

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

/** Import the plugins; throws ConfigError listing every problem. */
export async function loadPlugins(specs: readonly string[], known: readonly AdapterDefinition[], graphqlNames: GraphqlNameCheck, roots: PluginRoots = {}): Promise<LoadedPlugin[]> {
  if (!specs.length) return [];
  const taken = takenBy(known, 'the built-in adapter');
  // [plugin index, line]: reported in the order of the plugins, whichever pass found them.
  const problems: Array<[number, string]> = [];
  const found: Array<{ i: number; spec: string; label: string; file: string }> = [];
  const seen = new Map<string, number>();
  for (const [i, spec] of specs.entries()) {
    const label = `plugins[${i}] (${spec})`;
    const problem = (line: string) => problems.push([i, line]);
    let file: string;
    try {
      file = resolvePluginSpec(spec, roots);
    } catch (e) {
      problem(`${label}: ${firstLine(e)}`);
      continue;
    }
    const earlier = seen.get(file);
    if (earlier !== undefined) {
      problem(`${label}: the same module as plugins[${earlier}] (${specs[earlier]}); list it once`);
      continue;
    }
    seen.set(file, i);
    const cjs = notAnEsModule(file);
    if (cjs) {
      problem(`${label}: ${cjs}`);
      continue;
    }
    found.push({ i, spec, label, file });
  }
  // tsx's hooks (only for TypeScript plugins of a compiled server) before the host's, so the host's
  // resolve runs first: the SDK's name maps to this server's file whoever resolves it next.
  if (found.some((p) => isTypeScriptFile(p.file))) await ensureTypeScriptHooks();
  if (found.length) registerHostResolution();
  const loaded: LoadedPlugin[] = [];
  for (const { i, spec, label, file } of found) {
    const problem = (line: string) => problems.push([i, line]);
    let mod: unknown;
    try {
      mod = await import(pathToFileURL(file).href);
    } catch (e) {
      problem(`${label}: failed to load ${file}: ${firstLine(e)}`);
      continue;
    }
    const candidates = exportedAdapters(mod);
    if (typeof candidates === 'string') {
      problem(`${label}: ${candidates}`);
      continue;
    }
    const r = pluginAdapterProblems(candidates, label, taken, graphqlNames);
    for (const line of r.problems) problem(line);
    loaded.push({ spec, file, adapters: r.adapters });
  }
  if (problems.length) throw new ConfigError(problems.sort((x, y) => x[0] - y[0]).map(([, line]) => line));
  return loaded;
}

/**
 * The given adapters plus those of the plugins (the composition root's list of definitions).
 * `graphqlNames`: schema/graphql-names.ts's unprefixedGraphqlNames (validate.ts says why it is passed).
 */
export async function withPluginAdapters(known: readonly AdapterDefinition[], specs: readonly string[], graphqlNames: GraphqlNameCheck, roots: PluginRoots = {}): Promise<AdapterDefinition[]> {
  const plugins = await loadPlugins(specs, known, graphqlNames, roots);
  return [...known, ...plugins.flatMap((p) => p.adapters)];
}
