/**
 * A disk that never fills (config `storage.minFreeBytes`, contract "Data lifecycle"): the free space
 * of MEDIA_DIR and DATA_DIR (`fs.statfs`, space available to this process) is read at most every
 * `refreshMs` (default 5 s, on the injected clock) and again after `bigWriteBytes` of media were
 * written since the last read. While any of them has less than `minFreeBytes`, `allowsMedia()`
 * answers false: ingest stores the event without its images (counted), instead of failing once the
 * disk is full. 0 turns it off. A path that cannot be read (statfs fails) does not refuse media:
 * its error is reported in /ready and diskSpace instead.
 */
import { statfs as statfsAsync } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Clock } from '../time/clock.ts';

export interface DiskSpace {
  path: string;
  /** Bytes available to this process (statfs bavail × bsize); null when it could not be read. */
  freeBytes: number | null;
  totalBytes: number | null;
  error?: string;
}

export interface DiskWatermarkOptions {
  /** Directories to watch (MEDIA_DIR, DATA_DIR); the same filesystem twice is harmless. */
  paths: readonly string[];
  minFreeBytes: number;
  clock: Clock;
  refreshMs?: number;
  bigWriteBytes?: number;
  /** statfs of a path (default node:fs statfs): tests and the metrics read through the same one. */
  statfs?: (path: string) => Promise<{ bavail: number | bigint; bsize: number | bigint; blocks: number | bigint }>;
  /** Media are refused (true) or accepted again (false). */
  onChange?(low: boolean, disks: readonly DiskSpace[]): void;
}

/** statfs of `path`, or of its nearest existing ancestor (MEDIA_DIR is created on the first image). */
async function statNearest(path: string, statfs: NonNullable<DiskWatermarkOptions['statfs']>) {
  let p = resolve(path);
  for (;;) {
    try {
      return await statfs(p);
    } catch (e) {
      const parent = dirname(p);
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || parent === p) throw e;
      p = parent;
    }
  }
}

export class DiskWatermark {
  private disks: DiskSpace[] = [];
  private checkedAt = Number.NEGATIVE_INFINITY;
  private written = 0;
  private low = false;
  private inflight: Promise<void> | null = null;
  private readonly refreshMs: number;
  private readonly bigWriteBytes: number;

  constructor(private readonly o: DiskWatermarkOptions) {
    this.refreshMs = o.refreshMs ?? 5000;
    this.bigWriteBytes = o.bigWriteBytes ?? 64 * 1024 * 1024;
  }

  get enabled(): boolean {
    return this.o.minFreeBytes > 0;
  }

  get minFreeBytes(): number {
    return this.o.minFreeBytes;
  }

  /** False while a watched directory is below the watermark (read again when the last reading is stale). */
  async allowsMedia(): Promise<boolean> {
    if (!this.enabled) return true;
    if (this.stale()) await this.refresh();
    return !this.low;
  }

  /** Media bytes just written: past bigWriteBytes since the last reading, the next check reads again. */
  noteWritten(bytes: number): void {
    this.written += bytes;
  }

  /** The disk said it is full (ENOSPC): read again at the next check. */
  markStale(): void {
    this.checkedAt = Number.NEGATIVE_INFINITY;
  }

  /** The last reading (refresh() for a fresh one). */
  space(): { disks: readonly DiskSpace[]; low: boolean; checkedAt: number } {
    return { disks: this.disks, low: this.low, checkedAt: this.checkedAt };
  }

  private stale(): boolean {
    return this.o.clock.nowMs() - this.checkedAt >= this.refreshMs || this.written >= this.bigWriteBytes;
  }

  /** Read every path now (one reading at a time; callers during it share it). */
  refresh(): Promise<void> {
    this.inflight ??= this.read().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async read(): Promise<void> {
    const statfs = this.o.statfs ?? statfsAsync;
    const written = this.written;
    const disks = await Promise.all(
      [...new Set(this.o.paths)].map(async (path): Promise<DiskSpace> => {
        try {
          const s = await statNearest(path, statfs);
          return { path, freeBytes: Number(s.bavail) * Number(s.bsize), totalBytes: Number(s.blocks) * Number(s.bsize) };
        } catch (e) {
          return { path, freeBytes: null, totalBytes: null, error: (e as Error).message };
        }
      }),
    );
    this.disks = disks;
    this.checkedAt = this.o.clock.nowMs();
    this.written -= written;
    const low = this.enabled && disks.some((d) => d.freeBytes !== null && d.freeBytes < this.o.minFreeBytes);
    if (low !== this.low) {
      this.low = low;
      this.o.onChange?.(low, disks);
    }
  }

  /** The `disk` line of /ready. */
  describe(): string {
    if (!this.enabled) return 'watermark off (storage.minFreeBytes 0)';
    const worst = [...this.disks].filter((d) => d.freeBytes !== null).sort((a, b) => (a.freeBytes ?? 0) - (b.freeBytes ?? 0))[0];
    const errors = this.disks.filter((d) => d.error).map((d) => `${d.path} unreadable (${d.error})`);
    if (!worst) return errors.length ? errors.join('; ') : 'not checked yet';
    const free = `${mib(worst.freeBytes ?? 0)} free on ${worst.path}`;
    const head = this.low ? `low: ${free}, below storage.minFreeBytes ${mib(this.o.minFreeBytes)}: new media are refused, events are still stored` : `ok: ${free}`;
    return [head, ...errors].join('; ');
  }
}

const mib = (n: number) => `${(n / 1_048_576).toFixed(1)} MiB`;
