/**
 * How a plugin's `import … from 'unified-surveillance-api/sdk'` finds this server, two ways:
 * - at run time, a Node resolve hook (host-hooks.mjs, registered once when plugins are loaded)
 *   maps the package name to this server's own files, wherever the plugin lives;
 * - for tools (tsc, vitest, editors) in this repo, npm itself links
 *   `node_modules/unified-surveillance-api` to the project: examples/adapter-example is a workspace
 *   whose devDependencies name the server as `file:../..`, so the link is in package-lock.json and
 *   survives every `npm install <pkg>` (a link made outside npm was pruned by the next install).
 */
import { readFileSync } from 'node:fs';
import { register } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT, RUNS_COMPILED } from '../util/project-root.ts';

/** The project directory of this server (where its package.json is). */
export const HOST_ROOT = PROJECT_ROOT;

export interface HostPackage {
  name: string;
  /** Subpath ('./sdk') → file URL of this server's file. */
  exports: Record<string, string>;
}

/**
 * Where an export's file is when the server runs compiled: scripts/server-build.mjs builds each
 * `./src/X.ts` export to `dist/X.js`, sharing chunks with dist/main.js, so a plugin gets the running
 * server's module instances (one AppError class), not a second copy from the sources.
 */
export function compiledTarget(target: string): string {
  return target.replace(/^\.\/src\/(.*)\.ts$/, './dist/$1.js');
}

export function hostPackage(root = HOST_ROOT, compiled = RUNS_COMPILED): HostPackage {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; exports?: Record<string, string> };
  const exports: Record<string, string> = {};
  for (const [sub, target] of Object.entries(pkg.exports ?? {})) if (typeof target === 'string') exports[sub] = pathToFileURL(resolve(root, compiled ? compiledTarget(target) : target)).href;
  return { name: pkg.name, exports };
}

let registered = false;

/** Register the resolve hook once per process (idempotent). */
export function registerHostResolution(): void {
  if (registered) return;
  registered = true;
  register(pathToFileURL(join(HOST_ROOT, 'src/core/plugins/host-hooks.mjs')), { data: hostPackage() });
}
