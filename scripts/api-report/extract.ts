/**
 * The API report of each public entry, as API Extractor writes it: every exported declaration
 * with its full type text — interfaces field by field, function signatures, type aliases — and the
 * declarations they reach that the entry does not export ("forgotten exports": `AdapterDefinition`'s
 * base interface, the zod schema behind `EventInput`), so a change to any shape a plugin sees shows.
 *
 * Two steps, in a scratch folder inside the project (so `zod` or `@pothos/core` in the declarations
 * resolve from its node_modules, and its package.json's `"type": "module"` applies):
 * 1. declarations (.d.ts) of the entries and what they import, by the project's TypeScript with the
 *    project's tsconfig (declaration emit only; `allowImportingTsExtensions` is allowed with it and
 *    API Extractor reads the `.ts` specifiers the declarations keep);
 * 2. API Extractor (its bundled TypeScript is the project's version) on each entry's .d.ts, one
 *    compiler state shared by all entries.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { CompilerState, Extractor, ExtractorConfig, ExtractorLogLevel, type ExtractorMessage, type IConfigFile } from '@microsoft/api-extractor';
import ts from 'typescript';
import type { ApiEntry } from './entries.ts';

/** Scratch folders live under `<project>/.api-report/` (git-ignored) and are removed after each run. */
export const SCRATCH_DIR = '.api-report';

export class ApiReportError extends Error {}

function formatDiagnostics(diagnostics: readonly ts.Diagnostic[], projectDir: string): string {
  return ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => projectDir, getNewLine: () => '\n' });
}

/** Step 1: the entries' declarations under `dtsDir`, mirroring the project's layout. */
function emitDeclarations(projectDir: string, entries: ApiEntry[], dtsDir: string): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(projectDir, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new ApiReportError(formatDiagnostics([d], projectDir));
      },
    },
  );
  if (!parsed) throw new ApiReportError(`no tsconfig.json in ${projectDir}`);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    declarationMap: false,
    sourceMap: false,
    composite: false,
    incremental: false,
    outDir: dtsDir,
    declarationDir: undefined,
    rootDir: projectDir,
    // Emit only, no type check (`tsc --noEmit` is CI's type check): declarations need the types
    // they print, not the program's diagnostics — about a third of the time.
    noCheck: true,
  };
  const program = ts.createProgram(
    entries.map((e) => join(projectDir, e.source)),
    options,
  );
  const { diagnostics } = program.emit();
  if (diagnostics.length > 0) throw new ApiReportError(`declarations of the public entries could not be emitted:\n${formatDiagnostics(diagnostics, projectDir)}`);
  return parsed.options;
}

/** Step 2's configuration for one entry: only the report, line ends LF, no doc model or rollup. */
function extractorConfig(projectDir: string, entry: ApiEntry, entryDts: string, tsconfigPath: string, reportDir: string): ExtractorConfig {
  const configObject: IConfigFile = {
    projectFolder: projectDir,
    mainEntryPointFilePath: entryDts,
    compiler: { tsconfigFilePath: tsconfigPath },
    apiReport: { enabled: true, reportFileName: entry.reportName, reportFolder: reportDir, reportTempFolder: join(reportDir, 'temp'), includeForgottenExports: true },
    docModel: { enabled: false },
    dtsRollup: { enabled: false },
    tsdocMetadata: { enabled: false },
    newlineKind: 'lf',
    messages: {
      // The declarations must compile; a reachable but unexported declaration stays marked in the
      // report (`ae-forgotten-export`: a plugin sees that type but cannot import it by name). Release
      // tags (@public, @beta) and TSDoc style are not used by this project.
      compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Error } },
      extractorMessageReporting: { default: { logLevel: ExtractorLogLevel.None }, 'ae-forgotten-export': { logLevel: ExtractorLogLevel.None, addToApiReportFile: true } },
      tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
    },
  };
  return ExtractorConfig.prepare({
    configObject,
    configObjectFullPath: undefined,
    packageJsonFullPath: join(projectDir, 'package.json'),
  });
}

/** The report text of each entry (by `reportName`), generated from the project's current source. */
export function extractApiReports(projectDir: string, entries: ApiEntry[]): Map<string, string> {
  if (entries.length === 0) return new Map();
  mkdirSync(join(projectDir, SCRATCH_DIR), { recursive: true });
  const scratch = mkdtempSync(join(projectDir, SCRATCH_DIR, 'run-'));
  try {
    const dtsDir = join(scratch, 'dts');
    const options = emitDeclarations(projectDir, entries, dtsDir);
    const entryDts = entries.map((e) => join(dtsDir, e.source.replace(/\.tsx?$/, '.d.ts')));
    // API Extractor's own program: the project's compiler options over the declarations only. Its
    // tsconfig is parsed without a file path, so the type roots (`types: ["node"]`) are given as found.
    const tsconfigPath = join(scratch, 'tsconfig.json');
    const typeRoots = ts.getEffectiveTypeRoots(options, { getCurrentDirectory: () => projectDir });
    writeFileSync(tsconfigPath, JSON.stringify({ extends: join(projectDir, 'tsconfig.json'), compilerOptions: { typeRoots, noEmit: true }, files: entryDts, include: [] }));
    const reportDir = join(scratch, 'report');
    const configs = entries.map((e, i) => extractorConfig(projectDir, e, entryDts[i], tsconfigPath, reportDir));
    const compilerState = CompilerState.create(configs[0], { additionalEntryPoints: entryDts });
    const reports = new Map<string, string>();
    entries.forEach((entry, i) => {
      const errors: string[] = [];
      const result = Extractor.invoke(configs[i], {
        localBuild: true,
        compilerState,
        messageCallback: (message: ExtractorMessage) => {
          message.handled = true;
          if (message.logLevel === ExtractorLogLevel.Error) errors.push(message.formatMessageWithLocation(projectDir));
        },
      });
      if (!result.succeeded || errors.length > 0) throw new ApiReportError(`API Extractor failed on ${entry.source}:\n${errors.join('\n')}`);
      // The title names the entry a plugin imports (API Extractor knows only the package name).
      const report = readFileSync(join(reportDir, `${entry.reportName}.api.md`), 'utf8');
      // Warnings name declaration files under this run's scratch directory: the same name every run.
      const stable = report.replaceAll(`${relative(projectDir, scratch).split(sep).join('/')}/`, `${SCRATCH_DIR}/run/`);
      reports.set(entry.reportName, stable.replace(/^## API Report File for ".*"$/m, `## API Report File for "${entry.specifier}"`));
    });
    return reports;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
