/**
 * `npm run plates:import` end to end: the script as a child process against a real server (PGlite,
 * API keys on), through the public GraphQL API: 25,000 rows create the list and land in three
 * addPlates calls; a file with a bad row names its line and imports nothing (exit 1) unless
 * --skip-invalid; an unknown list without --create and a reader's key are refused.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';

const ADMIN = 'admin-key-0123456789abcdef';
const READER = 'read-key-0123456789abcdefg';
const ROOT = join(import.meta.dirname, '../..');

function runImport(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/plates-import.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('npm run plates:import', () => {
  let t: TestApp;
  let dir: string;
  const sizeOf = async (name: string) => {
    const r = await t.gql('{ plateLists { name size kind maxDistance } }', undefined, { authorization: `Bearer ${ADMIN}` });
    return r.data.plateLists.find((l: { name: string }) => l.name === name) ?? null;
  };
  beforeAll(async () => {
    t = await startTestApp({
      config: {
        auth: {
          apiKeys: [
            { key: ADMIN, scopes: ['admin', 'events:read'] },
            { key: READER, scopes: ['events:read'] },
          ],
        },
        adapters: [{ type: 'ff', id: 'default', tcpPort: 0 }],
      },
    });
    dir = mkdtempSync(join(tmpdir(), 'plates-import-'));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports 25,000 rows into a list it creates, in calls of up to 10,000', async () => {
    const file = join(dir, 'big.csv');
    const rows = Array.from({ length: 25_000 }, (_, i) => `IMP-${String(i).padStart(5, '0')},car ${i},${i % 2 ? '2025-01-01T00:00:00Z' : ''},`);
    writeFileSync(file, `plate,label,validFrom,validTo\n${rows.join('\n')}\n`);
    const r = await runImport(['--list', 'imported', '--create', 'ALLOW', '--max-distance', '1', '--url', `${t.url}/graphql`, file], { API_KEY: ADMIN });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('created ALLOW list "imported" (maxDistance 1)');
    expect(r.stdout).toContain('25000 rows, 25000 entries imported into "imported" in 3 call(s), 0 rows skipped as invalid, 0 rejected by the server; the list now has 25000 entries');
    expect(await sizeOf('imported')).toEqual({ name: 'imported', size: 25_000, kind: 'ALLOW', maxDistance: 1 });
    const e = await t.gql(`{ plateLists { name entries(first: 1, plate: "IMP00001") { edges { node { plate label validFrom } } } } }`, undefined, { authorization: `Bearer ${ADMIN}` });
    expect(e.data.plateLists.find((l: { name: string }) => l.name === 'imported').entries.edges[0].node).toEqual({ plate: 'IMP-00001', label: 'car 1', validFrom: '2025-01-01T00:00:00.000Z' });
  }, 180_000);

  it('reports a bad row with its line and imports nothing, unless --skip-invalid', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'plate,label\nGOOD-1,a\nGOOD-2,b\n,missing plate\nGOOD-3,c\n');
    const url = `${t.url}/graphql`;
    const refused = await runImport(['--list', 'partial', '--create', 'WATCH', '--url', url, '--key', ADMIN, file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${file}:4: plate: expected 1..20 plate characters`);
    expect(refused.stderr).toContain('1 of 4 rows rejected; nothing imported');
    expect(await sizeOf('partial')).toBeNull();

    const skipped = await runImport(['--list', 'partial', '--create', 'WATCH', '--url', url, '--key', ADMIN, '--skip-invalid', file]);
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toContain(`${file}:4: plate:`);
    expect(skipped.stdout).toContain('4 rows, 3 entries imported into "partial" in 1 call(s), 1 rows skipped as invalid');
    expect((await sizeOf('partial')).size).toBe(3);
  }, 120_000);

  it('refuses an unknown list without --create, and a key without the admin scope', async () => {
    const file = join(dir, 'one.csv');
    writeFileSync(file, 'plate\nONE1\n');
    const url = `${t.url}/graphql`;
    const unknown = await runImport(['--list', 'nope', '--url', url, '--key', ADMIN, file]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no plate list named "nope": give --create');
    const reader = await runImport(['--list', 'imported', '--url', url, '--key', READER, file]);
    expect(reader.code).toBe(1);
    expect(reader.stderr).toContain('FORBIDDEN');
    const usage = await runImport(['--url', url, file]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: npm run plates:import');
  }, 120_000);
});
