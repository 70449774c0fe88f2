/** Config `database.pglite`: the embedded PGlite's memory settings, their defaults and their bounds. */
import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../../src/core/config/load.ts';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('database.pglite', () => {
  it('defaults to the small-footprint settings', () => {
    expect(validateConfig({}).database.pglite).toEqual({ sharedBuffersMb: 16, workMemMb: 4, maintenanceWorkMemMb: 16 });
  });

  it('takes each setting, also from a ${VAR}', () => {
    const cfg = validateConfig({ database: { pglite: { sharedBuffersMb: '${SB}', workMemMb: 8 } } }, { SB: '64' });
    expect(cfg.database.pglite).toEqual({ sharedBuffersMb: 64, workMemMb: 8, maintenanceWorkMemMb: 16 });
  });

  it('refuses a value out of bounds or not a whole number, naming its path', () => {
    const problems = problemsOf(() => validateConfig({ database: { pglite: { sharedBuffersMb: 0, workMemMb: 2.5, maintenanceWorkMemMb: 4096 } } }));
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['database.pglite.maintenanceWorkMemMb', 'database.pglite.sharedBuffersMb', 'database.pglite.workMemMb']);
    expect(problems.find((p) => p.startsWith('database.pglite.sharedBuffersMb'))).toMatch(/>=\s*1/);
    expect(problems.find((p) => p.startsWith('database.pglite.maintenanceWorkMemMb'))).toMatch(/<=\s*1024/);
  });

  it('refuses a value that is not a number, showing it', () => {
    expect(problemsOf(() => validateConfig({ database: { pglite: { sharedBuffersMb: '${SB}' } } }, { SB: '16MB' }))).toEqual(['database.pglite.sharedBuffersMb: expected a number, got "16MB"']);
  });

  it('refuses an unknown key, naming it', () => {
    const problems = problemsOf(() => validateConfig({ database: { pglite: { shared_buffers: '16MB' }, url: 'postgres://x' } }));
    expect(problems).toHaveLength(2);
    expect(problems.some((p) => p.startsWith('database.pglite') && p.includes('shared_buffers'))).toBe(true);
    expect(problems.some((p) => p.startsWith('database') && p.includes('url'))).toBe(true);
  });
});
