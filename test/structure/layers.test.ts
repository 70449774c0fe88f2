/**
 * The layers of src/ and which way they may import (type-only imports included):
 *   core      ↛ schema, adapters, the SDK, the composition root (app.ts, main.ts, print-schema.ts), the testkit
 *   schema    ↛ adapters, the SDK, the composition root, the testkit
 *   sdk       ↛ adapters, the composition root, the testkit
 *   testkit   ↛ the built-in adapters (it is given the adapters to check)
 *   all of src/ ↛ the vendor simulators (the workspace package `simulators/`, or under any name)
 * Built-in adapters import only the SDK: test/plugins/import-boundary.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, SRC, importsOf, inside, isBuiltin, rel, sourceFiles } from './import-graph.ts';

const SIMULATORS_DIR = join(ROOT, 'simulators');
const SIMULATORS_PACKAGE = '@unified-surveillance/simulators';
const at = (...p: string[]) => join(SRC, ...p);
const ROOTS = [at('app.ts'), at('main.ts'), at('print-schema.ts')];
const TESTKIT = [at('testkit'), at('testkit.ts')];
const SDK = [at('sdk.ts'), at('sdk')];

interface Layer {
  name: string;
  paths: string[];
  /** Paths it may not import, with the reason printed on a violation. */
  deny: Array<{ paths: string[]; what: string }>;
}

const LAYERS: Layer[] = [
  {
    name: 'core',
    paths: [at('core')],
    deny: [
      { paths: [at('schema')], what: 'the schema (core defines ports in src/core/ports.ts; the schema depends on core)' },
      { paths: [at('adapters')], what: 'the adapters (they are given to core by the composition root)' },
      { paths: SDK, what: 'the SDK (it is built on core)' },
      { paths: ROOTS, what: 'the composition root' },
      { paths: TESTKIT, what: 'the testkit' },
    ],
  },
  {
    name: 'schema',
    paths: [at('schema')],
    deny: [
      { paths: [at('adapters')], what: 'the adapters (buildSchema takes them as an argument)' },
      { paths: SDK, what: 'the SDK (it is built on the schema)' },
      { paths: ROOTS, what: 'the composition root' },
      { paths: TESTKIT, what: 'the testkit' },
    ],
  },
  {
    name: 'sdk',
    paths: SDK,
    deny: [
      { paths: [at('adapters')], what: 'the adapters (they are built on the SDK)' },
      { paths: ROOTS, what: 'the composition root' },
      { paths: TESTKIT, what: 'the testkit' },
    ],
  },
  {
    name: 'testkit',
    paths: TESTKIT,
    deny: [{ paths: [at('adapters')], what: 'the built-in adapters (the adapters to check are passed in)' }],
  },
];

/** What one file imports that its layer may not (type-only imports included). */
function layerViolations(file: string, text: string): string[] {
  const out: string[] = [];
  const layers = LAYERS.filter((l) => l.paths.some((p) => inside(file, p)));
  for (const { spec, file: target } of importsOf(file, text)) {
    if (isBuiltin(spec)) continue;
    if (inside(file, SRC) && ((target && inside(target, SIMULATORS_DIR)) || spec === SIMULATORS_PACKAGE || spec.startsWith(`${SIMULATORS_PACKAGE}/`))) {
      out.push(`${spec}: the simulators (vendor stand-ins for tests and the demo, never shipped code)`);
    }
    if (!target) continue;
    for (const layer of layers) {
      const denied = layer.deny.find((d) => d.paths.some((p) => inside(target, p)));
      if (denied) out.push(`${spec}: ${layer.name} may not import ${denied.what}`);
    }
  }
  return out.map((v) => `${rel(file)} imports ${v}`);
}

describe('layers of src/', () => {
  const files = sourceFiles(SRC);

  it('finds every layer', () => {
    for (const layer of LAYERS) expect(files.filter((f) => layer.paths.some((p) => inside(f, p))).length, layer.name).toBeGreaterThan(0);
  });

  it('core, schema and testkit import only what their layer may; nothing imports the simulators', () => {
    expect(files.flatMap((f) => layerViolations(f, readFileSync(f, 'utf8')))).toEqual([]);
  });

  it('the check itself catches each rule, type-only and dynamic imports too', () => {
    const check = (file: string, ...lines: string[]) => layerViolations(at(...file.split('/')), lines.join('\n'));
    expect(
      check(
        'core/http/x.ts',
        "import type { Builder } from '../../schema/builder.ts';",
        "import { ffAdapter } from '../../adapters/ff/index.ts';",
        "export { defineAdapter } from '../../sdk.ts';",
        "import type { AdapterDefinition } from '../../sdk/define-adapter.ts';",
        "const app = await import('../../app.ts');",
        "type R = import('../../testkit/types.ts').ConformanceOptions;",
        "import { x } from 'unified-surveillance-api/testkit';",
        "import { ok } from '../errors.ts';",
        "import type { CoreServices } from '../ports.ts';",
        "import { z } from 'zod';",
      ),
    ).toEqual([
      'src/core/http/x.ts imports ../../schema/builder.ts: core may not import the schema (core defines ports in src/core/ports.ts; the schema depends on core)',
      'src/core/http/x.ts imports ../../adapters/ff/index.ts: core may not import the adapters (they are given to core by the composition root)',
      'src/core/http/x.ts imports ../../sdk.ts: core may not import the SDK (it is built on core)',
      'src/core/http/x.ts imports ../../sdk/define-adapter.ts: core may not import the SDK (it is built on core)',
      'src/core/http/x.ts imports ../../app.ts: core may not import the composition root',
      'src/core/http/x.ts imports ../../testkit/types.ts: core may not import the testkit',
      'src/core/http/x.ts imports unified-surveillance-api/testkit: core may not import the testkit',
    ]);
    expect(check('schema/x.ts', "import { builtInAdapters } from '../adapters/index.ts';", "import type { Scope } from '../core/config/schema.ts';", "import { main } from '../main.ts';")).toEqual([
      'src/schema/x.ts imports ../adapters/index.ts: schema may not import the adapters (buildSchema takes them as an argument)',
      'src/schema/x.ts imports ../main.ts: schema may not import the composition root',
    ]);
    expect(check('testkit/suite.ts', "import { builtInAdapters } from '../adapters/index.ts';", "import { createApp } from '../app.ts';", "import { buildSchema } from '../schema/build.ts';")).toEqual(
      ['src/testkit/suite.ts imports ../adapters/index.ts: testkit may not import the built-in adapters (the adapters to check are passed in)'],
    );
    const sim = 'the simulators (vendor stand-ins for tests and the demo, never shipped code)';
    expect(
      check(
        'adapters/ff/client.ts',
        "import { PassGenerator } from '../../../simulators/ff/index.ts';",
        "import { kit } from '@unified-surveillance/simulators';",
        "import { FfSimulator } from '@unified-surveillance/simulators/ff';",
        "import { x } from '@unified-surveillance/simulators-extra';",
      ),
    ).toEqual([
      `src/adapters/ff/client.ts imports ../../../simulators/ff/index.ts: ${sim}`,
      `src/adapters/ff/client.ts imports @unified-surveillance/simulators: ${sim}`,
      `src/adapters/ff/client.ts imports @unified-surveillance/simulators/ff: ${sim}`,
    ]);
    expect(check('sdk/define-adapter.ts', "import { ffAdapter } from '../adapters/ff/index.ts';", "import type { Builder } from '../schema/builder.ts';")).toEqual([
      'src/sdk/define-adapter.ts imports ../adapters/ff/index.ts: sdk may not import the adapters (they are built on the SDK)',
    ]);
    expect(check('app.ts', "import { builtInAdapters } from './adapters/index.ts';", "import { buildSchema } from './schema/build.ts';")).toEqual([]);
  });
});
