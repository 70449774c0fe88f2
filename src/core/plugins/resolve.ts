/**
 * Where a `plugins` entry lives on disk. Local paths (`./x.ts`, `../y`, `/abs`, `file:` URLs) are
 * relative to the config file's directory; package names (`pkg`, `@scope/pkg`, `pkg/sub`) are
 * looked up in node_modules from the project root upwards, as Node would for an import from there,
 * honouring the package's `exports` (conditions import, node, default) or `main`. A directory (a
 * local package) resolves through its package.json the same way.
 *
 * Node's own resolver cannot do this here: import.meta.resolve() takes no parent without a flag,
 * and createRequire() only knows the `require` condition.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PluginRoots {
  /** Local paths resolve from here (the config file's directory; default cwd). */
  configDir?: string;
  /** Package names resolve from node_modules here and above (default cwd). */
  projectRoot?: string;
}

export class PluginResolveError extends Error {}

const CONDITIONS = ['import', 'node', 'default'];
const PACKAGE_NAME = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i;

export function isLocalSpec(spec: string): boolean {
  return spec.startsWith('./') || spec.startsWith('../') || spec === '.' || spec === '..' || spec.startsWith('file:') || isAbsolute(spec);
}

/**
 * The absolute file to import for a `plugins` entry, symlinks resolved as Node does (a package
 * that `npm install ./dir` linked then finds its own imports from where it really is); throws
 * PluginResolveError saying what is missing.
 */
export function resolvePluginSpec(spec: string, roots: PluginRoots = {}): string {
  return realpathSync(resolveSpec(spec, roots));
}

function resolveSpec(spec: string, roots: PluginRoots): string {
  if (isLocalSpec(spec)) {
    const path = spec.startsWith('file:') ? fileURLToPath(spec) : resolve(roots.configDir ?? process.cwd(), spec);
    if (!existsSync(path)) throw new PluginResolveError(`file not found: ${path}`);
    return statSync(path).isDirectory() ? packageEntry(path, '.', spec) : path;
  }
  const { name, subpath } = splitSpec(spec);
  if (!PACKAGE_NAME.test(name)) throw new PluginResolveError('not a package name or a path (local paths start with ./, ../ or /)');
  const from = resolve(roots.projectRoot ?? process.cwd());
  for (let dir = from; ; dir = dirname(dir)) {
    const pkgDir = join(dir, 'node_modules', name);
    if (existsSync(join(pkgDir, 'package.json'))) return packageEntry(pkgDir, subpath, spec);
    if (dirname(dir) === dir) break;
  }
  throw new PluginResolveError(`package not found in node_modules from ${from} (install it: npm install ${name})`);
}

function splitSpec(spec: string): { name: string; subpath: string } {
  const parts = spec.split('/');
  const n = spec.startsWith('@') ? 2 : 1;
  const rest = parts.slice(n).join('/');
  return { name: parts.slice(0, n).join('/'), subpath: rest ? `./${rest}` : '.' };
}

function packageEntry(pkgDir: string, subpath: string, spec: string): string {
  const pkgFile = join(pkgDir, 'package.json');
  let pkg: { exports?: unknown; main?: unknown } = {};
  if (existsSync(pkgFile)) {
    try {
      pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as typeof pkg;
    } catch (e) {
      throw new PluginResolveError(`${pkgFile} is not valid JSON: ${(e as Error).message}`);
    }
  }
  let target: string | null;
  if (pkg.exports !== undefined && pkg.exports !== null) {
    target = exportTarget(pkg.exports, subpath);
    if (target === null) throw new PluginResolveError(`package ${spec} does not export "${subpath}" for import (see "exports" in ${pkgFile})`);
  } else if (subpath === '.') {
    target = typeof pkg.main === 'string' ? pkg.main : 'index.js';
  } else {
    target = subpath;
  }
  const file = resolve(pkgDir, target);
  if (!existsSync(file) || statSync(file).isDirectory()) throw new PluginResolveError(`${file} (the entry of ${spec}) does not exist`);
  return file;
}

/** The `exports` target of a subpath: exact keys, then `*` patterns; conditions import/node/default. */
function exportTarget(exp: unknown, subpath: string): string | null {
  const isSubpathMap = typeof exp === 'object' && !Array.isArray(exp) && Object.keys(exp as object).some((k) => k.startsWith('.'));
  const map = (isSubpathMap ? exp : { '.': exp }) as Record<string, unknown>;
  if (subpath in map) return conditionTarget(map[subpath]);
  for (const [key, value] of Object.entries(map)) {
    const star = key.indexOf('*');
    if (star < 0) continue;
    const [pre, post] = [key.slice(0, star), key.slice(star + 1)];
    if (subpath.startsWith(pre) && subpath.endsWith(post) && subpath.length >= key.length - 1) {
      const t = conditionTarget(value);
      return t?.replaceAll('*', subpath.slice(pre.length, subpath.length - post.length)) ?? null;
    }
  }
  return null;
}

function conditionTarget(t: unknown): string | null {
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) {
    for (const x of t) {
      const r = conditionTarget(x);
      if (r) return r;
    }
    return null;
  }
  if (t && typeof t === 'object') {
    for (const [cond, value] of Object.entries(t)) {
      if (!CONDITIONS.includes(cond)) continue;
      const r = conditionTarget(value);
      if (r) return r;
    }
  }
  return null;
}

/**
 * Why `file` would not load as an ES module, or null. Plugins must be ES modules: under tsx a
 * `.ts`/`.js` file without `"type": "module"` in its package.json is CommonJS, and CommonJS
 * cannot share the server's SDK module (its require() would load a second copy of the core).
 */
export function notAnEsModule(file: string): string | null {
  const ext = extname(file);
  if (ext === '.mjs' || ext === '.mts') return null;
  if (ext === '.cjs' || ext === '.cts') return `${file} is CommonJS; plugins are ES modules (use .mjs/.mts, or .js/.ts with "type": "module")`;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      let type: unknown;
      try {
        type = (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: unknown }).type;
      } catch {
        return `${pkg} is not valid JSON`;
      }
      return type === 'module' ? null : `${file} would load as CommonJS (${pkg} has no "type": "module"); plugins are ES modules`;
    }
    if (dirname(dir) === dir)
      return `${file} would load as CommonJS (no package.json with "type": "module" above it); name it ${file.slice(0, -ext.length)}.m${ext.slice(1)} or add a package.json with "type": "module"`;
  }
}
