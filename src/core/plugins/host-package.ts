/**
 * How a plugin's `import … from 'unified-surveillance-api/sdk'` finds this server, two ways:
 * - at run time, a Node resolve hook (host-hooks.mjs, registered once when plugins are loaded)
 *   maps the package name to this server's own files, wherever the plugin lives;
 * - for tools (tsc, vitest, editors), `node_modules/unified-surveillance-api` is a symlink to the
 *   project itself, made by the `prepare` script on `npm install` / `npm ci`
 *   (`node --import tsx src/core/plugins/host-package.ts --link`).
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync } from 'node:fs';
import { register } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The project directory of this server (where its package.json is). */
export const HOST_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface HostPackage {
  name: string;
  /** Subpath ('./sdk') → file URL of this server's file. */
  exports: Record<string, string>;
}

export function hostPackage(root = HOST_ROOT): HostPackage {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; exports?: Record<string, string> };
  const exports: Record<string, string> = {};
  for (const [sub, target] of Object.entries(pkg.exports ?? {})) if (typeof target === 'string') exports[sub] = pathToFileURL(resolve(root, target)).href;
  return { name: pkg.name, exports };
}

let registered = false;

/** Register the resolve hook once per process (idempotent). */
export function registerHostResolution(): void {
  if (registered) return;
  registered = true;
  register(new URL('./host-hooks.mjs', import.meta.url), { data: hostPackage() });
}

/**
 * Make `node_modules/<name>` a link to the project (a junction on Windows). Leaves an existing
 * link to the same place alone; never replaces a real directory. Returns what it did.
 */
export function linkHostPackage(root = HOST_ROOT): 'linked' | 'present' | 'skipped' {
  const { name } = hostPackage(root);
  const link = join(root, 'node_modules', ...name.split('/'));
  if (existsSync(link) || isSymlink(link)) {
    if (!isSymlink(link)) return 'skipped';
    if (resolve(join(link, '..'), readlinkSync(link)) === resolve(root)) return 'present';
    return 'skipped';
  }
  mkdirSync(join(link, '..'), { recursive: true });
  const target = process.platform === 'win32' ? resolve(root) : relative(join(link, '..'), root) || '.';
  symlinkSync(target, link, 'junction');
  return 'linked';
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url) && process.argv.includes('--link')) {
  const what = linkHostPackage();
  const { name } = hostPackage();
  if (what === 'linked') process.stdout.write(`linked node_modules/${name} → . (plugins import ${name}/sdk)\n`);
  else if (what === 'skipped') process.stdout.write(`node_modules/${name} exists and is not a link to this project: left alone\n`);
}
