/**
 * The embedded PGlite's memory settings (config `database.pglite`) and the start parameters they
 * become. Defaults are chosen for a small idle footprint (README "Memory of the embedded database"):
 * shared_buffers is most of what an idle PGlite holds (128 MB, PGlite's default, ≈ 305 MB RSS;
 * 16 MB ≈ 170 MB). work_mem and maintenance_work_mem cost nothing while idle but grow PGlite's
 * WebAssembly memory while a query uses them, and that memory is never given back; both are capped.
 */
import { z } from 'zod';

export const pgliteSettingsSchema = z
  .object({
    /** PostgreSQL shared_buffers in MB (PGlite's own default is 128). */
    sharedBuffersMb: z.number().int().min(1).max(1024).default(16),
    /** work_mem in MB: per sort or hash node while a query runs. */
    workMemMb: z.number().int().min(1).max(1024).default(4),
    /** maintenance_work_mem in MB: CREATE INDEX and VACUUM (migrations, retention). PostgreSQL's default is 64. */
    maintenanceWorkMemMb: z.number().int().min(1).max(1024).default(16),
  })
  .strict();

export type PgliteSettings = z.output<typeof pgliteSettingsSchema>;

export const DEFAULT_PGLITE_SETTINGS: PgliteSettings = pgliteSettingsSchema.parse({});

/** `-c name=value` start parameters for the settings, to follow PGlite's own defaultStartParams. */
export function pgliteSettingParams(s: PgliteSettings): string[] {
  return [
    ['shared_buffers', `${s.sharedBuffersMb}MB`],
    ['work_mem', `${s.workMemMb}MB`],
    ['maintenance_work_mem', `${s.maintenanceWorkMemMb}MB`],
  ].flatMap(([k, v]) => ['-c', `${k}=${v}`]);
}
