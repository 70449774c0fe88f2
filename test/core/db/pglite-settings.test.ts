/**
 * The embedded PGlite's settings reach PostgreSQL, and a new data directory is created by initdb in
 * a child process (pglite-initdb.ts) before the server opens it.
 */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/core/db/client.ts';
import { needsInitdb } from '../../../src/core/db/pglite-initdb.ts';
import { pgliteSettingParams } from '../../../src/core/db/pglite-settings.ts';

const tmp = mkdtempSync(join(tmpdir(), 'usa-pglite-settings-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('PGlite settings', () => {
  it('become -c start parameters', () => {
    expect(pgliteSettingParams({ sharedBuffersMb: 16, workMemMb: 4, maintenanceWorkMemMb: 32 })).toEqual(['-c', 'shared_buffers=16MB', '-c', 'work_mem=4MB', '-c', 'maintenance_work_mem=32MB']);
  });

  it('apply to a new data directory, created before it is opened', { timeout: 180_000 }, async () => {
    const dir = join(tmp, 'pglite');
    expect(needsInitdb(dir)).toBe(true);
    const database = await openDatabase({ pgliteDir: dir, pglite: { sharedBuffersMb: 24, workMemMb: 2, maintenanceWorkMemMb: 8 } });
    try {
      expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
      const show = async (name: string) => {
        const r = (await database.db.execute(sql.raw(`show ${name}`))) as unknown as { rows: Array<Record<string, string>> };
        return r.rows[0][name];
      };
      expect(await show('shared_buffers')).toBe('24MB');
      expect(await show('work_mem')).toBe('2MB');
      expect(await show('maintenance_work_mem')).toBe('8MB');
    } finally {
      await database.close();
    }
    expect(needsInitdb(dir)).toBe(false);
  });
});
