/**
 * The simulators are written from the vendor documents, not from our code: every file under
 * simulators/<vendor>/ imports only its own vendor directory, the shared kit (simulators/kit/),
 * Node built-ins and npm packages; the kit imports only itself. Nothing of the server (src/, the
 * host package) and no other vendor's simulator.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { inside, isBuiltin, sourceFiles } from '../structure/import-graph.ts';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SIMULATORS = join(ROOT, 'simulators');
const KIT = join(SIMULATORS, 'kit');
const PACKAGE = '@unified-surveillance/simulators';
const HOST_PACKAGE = 'unified-surveillance-api';

/** What one simulator file imports that it may not. `own`: its vendor directory (or the kit's). */
function simulatorImportViolations(file: string, text: string, own: string): string[] {
  const out: string[] = [];
  for (const { fileName: spec } of ts.preProcessFile(text, true, true).importedFiles) {
    if (isBuiltin(spec)) continue;
    if (spec === HOST_PACKAGE || spec.startsWith(`${HOST_PACKAGE}/`)) out.push(`${spec}: the server (simulators follow the vendor documents)`);
    else if (spec === PACKAGE || spec.startsWith(`${PACKAGE}/`)) {
      if (spec !== `${PACKAGE}/kit` || own === KIT) out.push(`${spec}: another part of the simulators package (only ${PACKAGE}/kit is shared)`);
    } else if (spec.startsWith('.') || spec.startsWith('/')) {
      const target = resolve(dirname(file), spec);
      if (!inside(target, SIMULATORS)) out.push(`${spec}: outside the simulators package`);
      else if (!inside(target, own) && !inside(target, KIT)) out.push(`${spec}: another vendor's simulator (share code through simulators/kit)`);
    }
  }
  return out.map((v) => `${relative(ROOT, file)} imports ${v}`);
}

describe('import boundary of the simulators package', () => {
  const dirs = readdirSync(SIMULATORS)
    .map((n) => join(SIMULATORS, n))
    .filter((p) => statSync(p).isDirectory() && !p.endsWith(`${sep}node_modules`));

  it('finds the kit and every vendor with its files', () => {
    expect(dirs.map((d) => relative(SIMULATORS, d)).sort()).toEqual(['camlytics', 'ff', 'ivms', 'kit', 'vxg']);
    for (const d of dirs) expect(sourceFiles(d).length, relative(ROOT, d)).toBeGreaterThan(1);
  });

  it('each vendor imports only its own files, the kit, Node built-ins and npm packages; the kit only itself', () => {
    const violations = dirs.flatMap((dir) => sourceFiles(dir).flatMap((f) => simulatorImportViolations(f, readFileSync(f, 'utf8'), dir)));
    expect(violations).toEqual([]);
  });

  it('exports every vendor and the kit, and nothing under src/', () => {
    const pkg = JSON.parse(readFileSync(join(SIMULATORS, 'package.json'), 'utf8')) as { name: string; exports: Record<string, string> };
    expect(pkg.name).toBe(PACKAGE);
    expect(Object.keys(pkg.exports).sort()).toEqual(['./camlytics', './ff', './ivms', './kit', './vxg']);
    for (const target of Object.values(pkg.exports)) expect(inside(resolve(SIMULATORS, target), SIMULATORS)).toBe(true);
  });

  it('the check itself catches src/, the host package, other vendors and the kit reaching out', () => {
    const ivms = join(SIMULATORS, 'ivms');
    const file = join(ivms, 'server.ts');
    const text = [
      "import { createRng } from '../kit/rng.ts';",
      "import { makeJpeg } from '@unified-surveillance/simulators/kit';",
      "import { envelope } from './rest.ts';",
      "import { WebSocketServer } from 'ws';",
      "import { createServer } from 'node:http';",
      "import { parseFfJson } from '../../src/adapters/ff/parse.ts';",
      "import type { AdapterContext } from '../../src/sdk.ts';",
      "import { ok } from 'unified-surveillance-api/sdk';",
      "import { makePng } from '../ff/passes.ts';",
      "export { PassGenerator } from '@unified-surveillance/simulators/ff';",
      "const lazy = await import('../../src/app.ts');",
    ].join('\n');
    expect(simulatorImportViolations(file, text, ivms)).toEqual([
      'simulators/ivms/server.ts imports ../../src/adapters/ff/parse.ts: outside the simulators package',
      'simulators/ivms/server.ts imports ../../src/sdk.ts: outside the simulators package',
      'simulators/ivms/server.ts imports unified-surveillance-api/sdk: the server (simulators follow the vendor documents)',
      "simulators/ivms/server.ts imports ../ff/passes.ts: another vendor's simulator (share code through simulators/kit)",
      'simulators/ivms/server.ts imports @unified-surveillance/simulators/ff: another part of the simulators package (only @unified-surveillance/simulators/kit is shared)',
      'simulators/ivms/server.ts imports ../../src/app.ts: outside the simulators package',
    ]);
    const kitFile = join(KIT, 'images.ts');
    expect(simulatorImportViolations(kitFile, "import { a } from '../vxg/tokens.ts';\nimport { b } from './rng.ts';", KIT)).toEqual([
      "simulators/kit/images.ts imports ../vxg/tokens.ts: another vendor's simulator (share code through simulators/kit)",
    ]);
  });
});
