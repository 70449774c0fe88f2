#!/usr/bin/env node
/**
 * Compile the server (src/ → dist/) for `npm start`: one minified esbuild bundle of our modules and
 * the npm packages they use (but EXTERNAL below), so the running server holds neither the tsx loader
 * nor a transform and source map per module in memory, nor the source text and unused definitions
 * of whole packages (README "Memory of the embedded database": idle RSS). Entries: src/main.ts
 * and every `./src/X.ts` of package.json "exports" as dist/X.js, sharing chunks, so a plugin's
 * `unified-surveillance-api/sdk` is the running server's module (host-package.ts maps it there).
 * Source maps are written beside the files (dist/*.map); NODE_OPTIONS=--enable-source-maps uses them.
 * Run by `npm install` (postinstall) and, with --if-stale, before `npm start` (prestart): it builds
 * when dist/ is missing or older than a file under src/, package.json or this script.
 * esbuild comes with tsx (a dependency). Plain JavaScript: it runs before anything else is set up.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const stamp = join(dist, '.built');

function newestMtime(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

if (process.argv.includes('--if-stale') && existsSync(stamp)) {
  const built = statSync(stamp).mtimeMs;
  const sources = Math.max(newestMtime(join(root, 'src')), newestMtime(join(root, 'package.json')), newestMtime(fileURLToPath(import.meta.url)));
  if (sources <= built) process.exit(0);
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const entryPoints = { main: join(root, 'src/main.ts') };
for (const target of Object.values(pkg.exports ?? {})) {
  const m = typeof target === 'string' && /^\.\/src\/(.*)\.ts$/.exec(target);
  if (m) entryPoints[m[1]] = join(root, target);
}

/**
 * Packages left as imports from node_modules: PGlite loads its WebAssembly and data files from its
 * own directory; tsx is registered by path for TypeScript plugins (typescript-hooks.ts); graphql is
 * one instance shared with a plugin that imports it (its classes are checked with instanceof).
 */
const EXTERNAL = ['@electric-sql/pglite', 'tsx', 'graphql'];

const requireFromTsx = createRequire(createRequire(join(root, 'package.json')).resolve('tsx/package.json'));
const esbuild = await import(pathToFileURL(requireFromTsx.resolve('esbuild')).href);
process.stdout.write('server: compiling src/ → dist/…\n');
// Built beside dist/ and swapped in whole, so a server starting meanwhile never sees half a build.
const next = `${dist}.next-${process.pid}`;
await esbuild.build({
  absWorkingDir: root,
  entryPoints,
  outdir: next,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // npm packages are bundled too (tree-shaken, minified: less source text and fewer unused
  // definitions held by every process), except those that must stay files of their own (EXTERNAL).
  external: EXTERNAL,
  minify: true,
  keepNames: true,
  // Bundled CommonJS packages call require() for Node's built-ins; an ES module has none of its own.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  logLevel: 'warning',
});
writeFileSync(join(next, '.built'), `${new Date().toISOString()}\n`);
rmSync(dist, { recursive: true, force: true });
renameSync(next, dist);
process.stdout.write('server: compiled\n');
