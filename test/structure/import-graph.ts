/**
 * The import graph of src/, read the way the existing boundary test reads imports (the `typescript`
 * package's preProcessFile): static imports, `import type`, re-exports, `import()` calls and
 * `import('…')` types alike. Relative specifiers and the server's own package name
 * (`unified-surveillance-api/sdk`, `…/sdk/graphql`: package.json `exports`) resolve to files;
 * other packages stay as they are written.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SRC = join(ROOT, 'src');
const HOST_PACKAGE = 'unified-surveillance-api';
/** package.json `exports` of the server's own package: subpath (`sdk`, `sdk/graphql`) → file. */
const HOST_EXPORTS: Record<string, string> = Object.fromEntries(
  Object.entries((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string> }).exports).map(([sub, target]) => [sub.replace(/^\.\//, ''), join(ROOT, target)]),
);

export const isBuiltin = (s: string) => s.startsWith('node:') || builtinModules.includes(s.split('/')[0]);
export const inside = (file: string, path: string) => file === path || file.startsWith(path + sep);
export const rel = (file: string) => relative(ROOT, file).split(sep).join('/');

export function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(p);
    return /\.(ts|mts|js|mjs)$/.test(name) ? [p] : [];
  });
}

/** What one import names: a file (absolute path) or a package specifier. */
export interface Import {
  spec: string;
  /** The file it resolves to (relative specifiers, the host package); undefined for packages. */
  file?: string;
}

/** The imports of one file's text (type-only ones included). */
export function importsOf(file: string, text: string): Import[] {
  return ts.preProcessFile(text, true, true).importedFiles.map(({ fileName: spec }) => {
    if (spec.startsWith('.') || spec.startsWith('/')) return { spec, file: resolveFile(resolve(dirname(file), spec)) };
    if (spec.startsWith(`${HOST_PACKAGE}/`)) return { spec, file: HOST_EXPORTS[spec.slice(HOST_PACKAGE.length + 1)] };
    return { spec };
  });
}

/** A path as written (`./x.ts`), or without extension (`./x`, `./dir`): the file it names. */
function resolveFile(path: string): string {
  for (const candidate of [path, `${path}.ts`, join(path, 'index.ts')]) if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  return path; // missing: tsc reports it; kept so a rule on its path still applies
}
