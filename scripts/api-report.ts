/**
 * The API reports of the public entries (package.json `exports`: …/sdk, …/sdk/graphql, …/testkit),
 * committed as etc/<entry>.api.md and compared by test/plugins/api-report.test.ts:
 *   npm run api:update   regenerate and write them (after a change to the SDK's or testkit's surface)
 *   npm run api:check    print what differs from the committed ones (exit 1), as the test does
 * An optional directory argument names another project (the test's fixture).
 */
import { resolve } from 'node:path';
import { reportDrift, writeReports } from './api-report/committed.ts';
import { publicEntries } from './api-report/entries.ts';
import { ApiReportError, extractApiReports } from './api-report/extract.ts';

const projectDir = resolve(import.meta.dirname, '..', process.argv.slice(2).find((a) => !a.startsWith('--')) ?? '.');
try {
  const current = extractApiReports(projectDir, publicEntries(projectDir));
  if (process.argv.includes('--write')) {
    const changed = writeReports(projectDir, current);
    process.stderr.write(changed.length ? `updated: ${changed.join(', ')}\n` : 'API reports unchanged\n');
  } else {
    const drift = reportDrift(projectDir, current);
    for (const d of drift) process.stdout.write(`${d.problem}\n\n`);
    process.stderr.write(drift.length ? `${drift.length} API report(s) differ\n` : 'API reports match\n');
    process.exitCode = drift.length ? 1 : 0;
  }
} catch (e) {
  process.stderr.write(`${e instanceof ApiReportError ? e.message : (e as Error).stack}\n`);
  process.exitCode = 2;
}
