/**
 * The SDK is the only door into the core: every file of a built-in adapter imports only the SDK's
 * entries (src/sdk.ts, src/sdk/graphql.ts), its own adapter directory, Node built-ins and npm
 * packages (the vendor simulators are a package of their own, checked in
 * test/simulators/boundary.test.ts). The example plugin imports only `unified-surveillance-api/sdk`
 * (and `/sdk/graphql`) and its own files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { inside, isBuiltin, sourceFiles } from '../structure/import-graph.ts';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');
/** The SDK's public entries (package.json `exports` ./sdk and ./sdk/graphql), as files and as package specifiers. */
const SDK_ENTRIES = [join(SRC, 'sdk.ts'), join(SRC, 'sdk', 'graphql.ts')];
const HOST_PACKAGE = 'unified-surveillance-api';
const SDK_SPECIFIERS = ['unified-surveillance-api/sdk', 'unified-surveillance-api/sdk/graphql'];
const CORE = ['core', 'schema', 'app.ts', 'main.ts', 'testkit', 'testkit.ts', 'sdk'].map((p) => join(SRC, p));

/** What one file imports that it may not. `own`: the directory its relative imports must stay in. */
function importViolations(file: string, text: string, rule: 'adapter' | 'simulator' | 'plugin', own: string): string[] {
  const out: string[] = [];
  for (const { fileName: spec } of ts.preProcessFile(text, true, true).importedFiles) {
    if (isBuiltin(spec)) continue;
    if (!spec.startsWith('.') && !spec.startsWith('/')) {
      if (spec === HOST_PACKAGE || spec.startsWith(`${HOST_PACKAGE}/`)) {
        if (!SDK_SPECIFIERS.includes(spec) && !(rule !== 'adapter' && spec === `${HOST_PACKAGE}/testkit`)) out.push(`${spec}: only ${HOST_PACKAGE}/sdk and /sdk/graphql are public`);
      } else if (rule === 'plugin') out.push(`${spec}: the example plugin needs nothing but the SDK`);
      continue;
    }
    const target = resolve(dirname(file), spec);
    if (rule === 'plugin') {
      if (!inside(target, own)) out.push(`${spec}: outside the plugin package`);
    } else if (SDK_ENTRIES.includes(target)) continue;
    else if (CORE.some((c) => inside(target, c))) out.push(`${spec}: the core (use src/sdk.ts, src/sdk/graphql.ts)`);
    else if (rule === 'adapter' && !inside(target, own)) out.push(`${spec}: outside the adapter's own directory`);
  }
  return out.map((v) => `${relative(ROOT, file)} imports ${v}`);
}

describe('import boundary of adapters', () => {
  const adapterDirs = readdirSync(join(SRC, 'adapters'))
    .map((n) => join(SRC, 'adapters', n))
    .filter((p) => statSync(p).isDirectory());

  it('finds the built-in adapters and their files', () => {
    expect(adapterDirs.map((d) => relative(SRC, d)).sort()).toEqual(expect.arrayContaining(['adapters/camlytics', 'adapters/ff', 'adapters/ivms', 'adapters/vxg']));
  });

  it('built-in adapters import only the SDK, their own files, Node built-ins and npm packages', () => {
    const violations = adapterDirs.flatMap((dir) => sourceFiles(dir).flatMap((f) => importViolations(f, readFileSync(f, 'utf8'), 'adapter', dir)));
    const index = join(SRC, 'adapters', 'index.ts');
    violations.push(...importViolations(index, readFileSync(index, 'utf8'), 'simulator', join(SRC, 'adapters')));
    expect(violations).toEqual([]);
  });

  it('the example plugin imports only the SDK entries and its own files', () => {
    const pkg = join(ROOT, 'examples', 'adapter-example');
    const files = sourceFiles(join(pkg, 'src'));
    expect(files.length).toBeGreaterThan(3);
    expect(files.flatMap((f) => importViolations(f, readFileSync(f, 'utf8'), 'plugin', pkg))).toEqual([]);
  });

  it('the check itself catches core imports, other adapters and non-public package paths', () => {
    const ff = join(SRC, 'adapters', 'ff');
    const file = join(ff, 'parse.ts');
    const text = [
      "import { badInput } from '../../core/errors.ts';",
      "import type { Builder } from '../../schema/builder.ts';",
      "import { x } from '../vxg/map.ts';",
      "import { y } from 'unified-surveillance-api/src/core/errors.ts';",
      "import { ok } from '../../sdk.ts';",
      "import type { Builder as B } from '../../sdk/graphql.ts';",
      "import { defineAdapter } from '../../sdk/define-adapter.ts';",
      "import { requireScope } from 'unified-surveillance-api/sdk/graphql';",
      "import { z } from 'zod';",
      "import { readFile } from 'node:fs/promises';",
      "const lazy = await import('../../app.ts');",
    ].join('\n');
    expect(importViolations(file, text, 'adapter', ff)).toEqual([
      'src/adapters/ff/parse.ts imports ../../core/errors.ts: the core (use src/sdk.ts, src/sdk/graphql.ts)',
      'src/adapters/ff/parse.ts imports ../../schema/builder.ts: the core (use src/sdk.ts, src/sdk/graphql.ts)',
      "src/adapters/ff/parse.ts imports ../vxg/map.ts: outside the adapter's own directory",
      'src/adapters/ff/parse.ts imports unified-surveillance-api/src/core/errors.ts: only unified-surveillance-api/sdk and /sdk/graphql are public',
      'src/adapters/ff/parse.ts imports ../../sdk/define-adapter.ts: the core (use src/sdk.ts, src/sdk/graphql.ts)',
      'src/adapters/ff/parse.ts imports ../../app.ts: the core (use src/sdk.ts, src/sdk/graphql.ts)',
    ]);
  });
});
