/**
 * The public entry points an API report covers: every subpath of package.json `exports` whose
 * target is a TypeScript file (`"./sdk": "./src/sdk.ts"` → unified-surveillance-api/sdk, reported
 * in etc/sdk.api.md), so an entry added to the map is covered without touching this tool.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ApiEntry {
  /** The import specifier a plugin writes: `unified-surveillance-api/sdk`. */
  specifier: string;
  /** The entry's source, relative to the project: `src/sdk.ts`. */
  source: string;
  /** The report's file name without `.api.md`: `sdk` (`./sdk/graphql` → `sdk-graphql`). */
  reportName: string;
}

/** The folder of the committed reports, relative to the project (API Extractor's convention). */
export const REPORT_DIR = 'etc';

/** An export target: a path, or a conditions object (`{ "types": …, "import": … }`) whose TypeScript file is taken. */
function targetOf(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (target && typeof target === 'object') {
    const candidates = ['types', 'import', 'node', 'default'].map((c) => targetOf((target as Record<string, unknown>)[c]));
    return candidates.find((t) => t !== undefined && /\.(d\.)?ts$/.test(t)) ?? candidates.find((t) => t !== undefined);
  }
  return undefined;
}

export function publicEntries(projectDir: string): ApiEntry[] {
  const pkg = JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8')) as { name: string; exports?: Record<string, unknown> };
  return Object.entries(pkg.exports ?? {})
    .map(([subpath, target]) => ({ subpath, source: targetOf(target) }))
    .filter((e): e is { subpath: string; source: string } => e.source !== undefined && /\.tsx?$/.test(e.source) && !e.source.endsWith('.d.ts'))
    .map(({ subpath, source }) => ({
      specifier: subpath === '.' ? pkg.name : `${pkg.name}/${subpath.replace(/^\.\//, '')}`,
      source: source.replace(/^\.\//, ''),
      reportName: subpath === '.' ? 'index' : subpath.replace(/^\.\//, '').replaceAll('/', '-'),
    }))
    .sort((a, b) => a.reportName.localeCompare(b.reportName));
}
