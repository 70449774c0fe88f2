/**
 * One server process per DATA_DIR: the TCP spool (replayed, then deleted, by the process that owns
 * it) and the embedded PGlite database must never be shared. A lock file DATA_DIR/instance.lock
 * names the owner (host, pid); start-up refuses with a clear error while that owner is alive, and
 * takes over a lock whose process is gone (a crash or SIGKILL leaves the file behind). The owner
 * touches the file every 10 s, so a lock from another host (a container that was replaced: its pid
 * cannot be checked from here) is taken over once it is 30 s old.
 */
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config/load.ts';

interface Owner {
  pid: number;
  host: string;
  since: string;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
};

const REFRESH_MS = 10_000;
const STALE_MS = 30_000;

export interface DataDirLock {
  release(): void;
}

export function lockDataDir(dir: string): DataDirLock {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'instance.lock');
  const me: Owner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const text = `${JSON.stringify(me)}\n`;
  try {
    const fd = openSync(path, 'wx');
    writeFileSync(fd, text);
    closeSync(fd);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    let owner: Owner | null = null;
    try {
      owner = JSON.parse(readFileSync(path, 'utf8')) as Owner;
    } catch {
      // Unreadable (torn by a crash): take it over.
    }
    if (owner && !(owner.pid === me.pid && owner.host === me.host)) {
      const fresh = Date.now() - statSync(path).mtimeMs < STALE_MS;
      if (owner.host !== me.host && fresh) {
        throw new ConfigError([
          `DATA_DIR ${dir} is in use by process ${owner.pid} on host ${owner.host} (${path}): each instance needs its own DATA_DIR (share images through MEDIA_DIR); taken over when not refreshed for ${STALE_MS / 1000} s`,
        ]);
      }
      if (owner.host === me.host && alive(owner.pid)) {
        throw new ConfigError([`DATA_DIR ${dir} is in use by process ${owner.pid} (${path}): each instance needs its own DATA_DIR (share images through MEDIA_DIR)`]);
      }
    }
    writeFileSync(path, text); // the owner is gone (or is this process): take over
  }
  const refresh = setInterval(() => {
    try {
      utimesSync(path, new Date(), new Date());
    } catch {
      // Removed from outside: nothing to refresh.
    }
  }, REFRESH_MS);
  refresh.unref();
  return {
    release: () => {
      clearInterval(refresh);
      try {
        const owner = JSON.parse(readFileSync(path, 'utf8')) as Owner;
        if (owner.pid === me.pid && owner.host === me.host) unlinkSync(path);
      } catch {
        // Already gone or replaced.
      }
    },
  };
}
