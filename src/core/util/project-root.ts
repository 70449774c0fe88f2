/**
 * The project directory (where this server's package.json is), for files that ship beside the code:
 * migrations/, console/dist/, the plugin resolve hook. Found by walking up from this module, so it is
 * the same whether the code runs from src/ (tsx) or from the compiled build in dist/
 * (scripts/server-build.mjs bundles modules into chunks, so a module's own import.meta.url does not
 * say where its source file was).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const PROJECT_ROOT = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

/** True when this code runs from the compiled build (dist/*.js) rather than the TypeScript sources. */
export const RUNS_COMPILED = !import.meta.url.endsWith('.ts');
