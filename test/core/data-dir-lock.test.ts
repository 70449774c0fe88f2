/** One process per DATA_DIR: a live owner refuses start-up with a clear error; a dead one's lock is taken over; release removes only our own. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDataDir } from '../../src/core/ops/data-dir-lock.ts';
import { ConfigError } from '../../src/core/config/load.ts';

describe('DATA_DIR lock', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'usa-lock-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const owner = (d: string) => JSON.parse(readFileSync(join(d, 'instance.lock'), 'utf8')) as { pid: number; host: string };

  it('refuses while another live process owns the directory, naming it; takes over once that process is gone', async () => {
    const d = dir();
    const other = spawn('sleep', ['30']);
    await new Promise((r) => other.once('spawn', r));
    writeFileSync(join(d, 'instance.lock'), JSON.stringify({ pid: other.pid, host: (await import('node:os')).hostname(), since: '' }));
    let err: unknown;
    try {
      lockDataDir(d);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems[0]).toContain(`in use by process ${other.pid}`);
    expect((err as ConfigError).problems[0]).toContain('each instance needs its own DATA_DIR');
    other.kill('SIGKILL');
    await new Promise((r) => other.once('exit', r));
    const lock = lockDataDir(d); // the owner died (a crash leaves the file): taken over
    expect(owner(d).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(join(d, 'instance.lock'))).toBe(false);
  });

  it('refuses a fresh lock from another host (its pid cannot be checked); takes it over once it is 30 s old', () => {
    const d = dir();
    const path = join(d, 'instance.lock');
    writeFileSync(path, JSON.stringify({ pid: 1, host: 'some-other-host', since: '' }));
    expect(() => lockDataDir(d)).toThrow(/in use by process 1 on host some-other-host/);
    const old = new Date(Date.now() - 31_000);
    utimesSync(path, old, old);
    lockDataDir(d).release();
    expect(existsSync(path)).toBe(false);
  });

  it('release leaves a lock that another process took over', () => {
    const d = dir();
    const lock = lockDataDir(d);
    writeFileSync(join(d, 'instance.lock'), JSON.stringify({ pid: 999999, host: 'x', since: '' }));
    lock.release();
    expect(owner(d).pid).toBe(999999);
  });
});
