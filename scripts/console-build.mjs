#!/usr/bin/env node
/**
 * Build the web console (console/ → console/dist) with Vite. Run by `npm install`/`npm ci`
 * (postinstall) and, with --if-missing, before `npm start` and `npm run demo` (prestart, predemo), so
 * the README's two commands are enough. Plain JavaScript: it runs before anything else is set up.
 * Without Vite (an install that omitted devDependencies) it says so and exits 0: the server then
 * answers /console/ with 503 and this command.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = new URL('../console/dist/index.html', import.meta.url);
if (process.argv.includes('--if-missing') && existsSync(dist)) process.exit(0);

let vite;
try {
  vite = await import(createRequire(`${root}/package.json`).resolve('vite'));
} catch {
  console.warn('console: vite is not installed (devDependencies omitted?): the web console is not built; run `npm install` then `npm run console:build`');
  process.exit(0);
}
process.stdout.write('console: building the web console (console/dist)…\n');
await vite.build({ configFile: fileURLToPath(new URL('../console/vite.config.ts', import.meta.url)), logLevel: 'warn' });
process.stdout.write('console: built\n');
