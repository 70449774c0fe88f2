/**
 * The committed reports (etc/<entry>.api.md) against freshly generated ones: what drifted, each
 * with a readable diff (committed → current), and the update that writes the current ones.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPORT_DIR } from './entries.ts';
import { unifiedLineDiff } from './line-diff.ts';

export interface Drift {
  /** The report file, relative to the project: `etc/sdk.api.md`. */
  file: string;
  /** What happened, with the diff (committed → current) when the file exists. */
  problem: string;
}

const UPDATE = 'if the change is meant: `npm run api:update`, commit the report with the change, and bump SDK_VERSION (a minor for an addition, a major for a change or a removal)';

function committedReports(projectDir: string): string[] {
  const dir = join(projectDir, REPORT_DIR);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.api.md')) : [];
}

/** Every difference between the committed reports and `current` (report name → text); [] when they match. */
export function reportDrift(projectDir: string, current: Map<string, string>): Drift[] {
  const drift: Drift[] = [];
  for (const [name, text] of current) {
    const file = `${REPORT_DIR}/${name}.api.md`;
    const path = join(projectDir, file);
    if (!existsSync(path)) drift.push({ file, problem: `${file} is missing: ${UPDATE}` });
    else {
      const diff = unifiedLineDiff(readFileSync(path, 'utf8'), text);
      if (diff) drift.push({ file, problem: `the public API differs from ${file} (- committed, + current); ${UPDATE}\n${diff}` });
    }
  }
  for (const f of committedReports(projectDir)) {
    if (!current.has(f.replace(/\.api\.md$/, ''))) drift.push({ file: `${REPORT_DIR}/${f}`, problem: `${REPORT_DIR}/${f} reports an entry package.json no longer exports: ${UPDATE}` });
  }
  return drift;
}

/** Write the current reports and remove those of entries no longer exported; returns the files that changed. */
export function writeReports(projectDir: string, current: Map<string, string>): string[] {
  const changed = reportDrift(projectDir, current).map((d) => d.file);
  mkdirSync(join(projectDir, REPORT_DIR), { recursive: true });
  for (const [name, text] of current) writeFileSync(join(projectDir, REPORT_DIR, `${name}.api.md`), text);
  for (const f of committedReports(projectDir)) if (!current.has(f.replace(/\.api\.md$/, ''))) rmSync(join(projectDir, REPORT_DIR, f));
  return changed;
}
