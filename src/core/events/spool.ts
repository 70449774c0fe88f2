/**
 * The durable local spool: where writes that cannot be refused (FF raw TCP: the protocol has no
 * answer, a camera cannot be told to re-send) wait while the database is unavailable.
 *
 * Decision (issue 7, "nothing lost"): HTTP ingest is refused with 503 + Retry-After while the
 * database is down (cameras re-send, dedupe keeps it exactly-once), so it never needs a spool. A
 * publish with `{ spool: true }` (FF TCP) is moved here by the writer on an infrastructure failure
 * instead of waiting for its deadline, and resolves as `spooled` only after the line is fsynced.
 *
 * Format: append-only files DATA_DIR/spool/NNNNNNNN.jsonl, one JSON line per write (SpoolRecord):
 * `{"r":<event>,"m":[media rows],"c":<camera row|null>}` (the media files are already in the
 * media store). The spool's own record, not the writer's or the database's types: the writer
 * converts at the boundary (spool-record.ts). A new file is started at each start-up, after
 * `fileBytes`, after a write error and before each replay, so a torn tail (a crash or a failed
 * write, never acknowledged) is always the last line of a sealed file and is skipped on replay.
 *
 * Replay: at start-up and whenever something is spooled, once `probe()` (a database ping) answers,
 * sealed files are replayed oldest first, in order, in chunks through the writer. A file is deleted
 * only after every line in it is committed (a duplicate counts as committed); a crash mid-replay
 * replays the file again and dedupe keeps it exactly-once. A line the database refuses as data is
 * dropped with an error log and a counter (it could never be stored): the writer refuses any row
 * that fails alone while the database answers (writer.ts), so a poisoned line never blocks the
 * lines behind it, in this run or after a restart.
 *
 * Bounded: past `maxBytes` an append is refused (SERVICE_UNAVAILABLE, `spool_refused_total`, one
 * error log per episode); the writer then holds those writes to their deadline as without a spool.
 * One process per DATA_DIR (as for PGlite): two live processes sharing one spool directory would
 * append to the same file names and delete each other's unreplayed files.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { open, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { AppError } from '../errors.ts';
import type { PublishResult } from './model.ts';
import { systemClock, type Clock } from '../time/clock.ts';

/** One spooled write, as a spool line holds it. */
export interface SpoolRecord {
  /** The event: JSON text of an object (a line's `r`); its `dedupe_key` names it in logs. */
  event: string;
  /** Media rows written with it (a line's `m`): JSON values, opaque to the spool. */
  media: readonly unknown[];
  /** The camera row written with it, or null (a line's `c`). */
  camera: unknown;
}

/** Where replayed records go (the writer): committed like any write, resolved `spooled` at once on a database failure. */
export interface SpoolTarget {
  replay(record: SpoolRecord, deadline: number): Promise<PublishResult>;
}

export interface SpoolOptions {
  dir: string;
  log: Logger;
  /** The app's metrics registry (spool metrics are registered on it). */
  registry: Registry;
  /** Resolves when the database answers; replay waits for it. */
  probe: () => Promise<void>;
  /** Total bytes of spool files before appends are refused (default 1 GiB). */
  maxBytes?: number;
  /** A file is sealed past this size (default 8 MiB); a sealed file is read whole on replay. */
  fileBytes?: number;
  /** Writes per replay step (default 1000). */
  replayChunk?: number;
  /** Wait between probes / replay attempts while the database is away (default 1 s). */
  retryMs?: number;
  /** Replay deadlines and waits (default: real time; the writer's clock). */
  clock?: Clock;
}

const FILE_RE = /^(\d{8})\.jsonl$/;
const fileName = (n: number) => `${String(n).padStart(8, '0')}.jsonl`;

export class EventSpool {
  private readonly maxBytes: number;
  private readonly fileBytes: number;
  private readonly chunk: number;
  private readonly retryMs: number;
  private readonly metrics;
  /** Files waiting for replay, oldest first (names). */
  private sealed: string[] = [];
  private sizes = new Map<string, number>();
  /** Lines of a sealed file already committed by this process (skipped when it is replayed again). */
  private progress = new Map<string, number>();
  private current: { name: string; fh: FileHandle; bytes: number; lines: number } | null = null;
  private nextFile = 1;
  private bytes = 0;
  private lock: Promise<unknown> = Promise.resolve();
  private target: SpoolTarget | null = null;
  private loop: Promise<void> | null = null;
  private stopped = false;
  private wake: (() => void) | null = null;
  private full = false;
  private readonly clock: Clock;

  constructor(private readonly options: SpoolOptions) {
    this.clock = options.clock ?? systemClock();
    this.maxBytes = options.maxBytes ?? 1024 ** 3;
    this.fileBytes = options.fileBytes ?? 8 * 1024 ** 2;
    this.chunk = options.replayChunk ?? 1000;
    this.retryMs = options.retryMs ?? 1000;
    const registers = [options.registry];
    this.metrics = {
      spooled: new Counter({ name: 'events_spooled_total', help: 'Writes fsynced to the local spool while the database was unavailable', registers }),
      replayed: new Counter({ name: 'events_spool_replayed_total', help: 'Spooled writes committed on replay (duplicates included)', registers }),
      bytes: new Gauge({ name: 'spool_bytes', help: 'Bytes of spool files waiting for replay', registers }),
      refused: new Counter({ name: 'spool_refused_total', help: 'Writes the spool refused (full or disk error); they wait for the database until their deadline', registers }),
      skipped: new Counter({
        name: 'spool_skipped_total',
        help: 'Spool lines dropped on replay: torn (a crash mid-write, never acknowledged) or refused by the database as data',
        labelNames: ['reason'],
        registers,
      }),
    };
    // Synchronous scan: the spool is part of start-up, before anything is written.
    mkdirSync(options.dir, { recursive: true });
    for (const name of readdirSync(options.dir)
      .filter((n) => FILE_RE.test(n))
      .sort()) {
      const size = statSync(join(options.dir, name)).size;
      this.nextFile = Number(FILE_RE.exec(name)![1]) + 1;
      if (size === 0) {
        void unlink(join(options.dir, name)).catch(() => {});
        continue;
      }
      this.sealed.push(name);
      this.sizes.set(name, size);
      this.bytes += size;
    }
    this.metrics.bytes.set(this.bytes);
    if (this.sealed.length) options.log.warn({ files: this.sealed.length, bytes: this.bytes }, 'spool holds writes from an earlier run; replaying once the database answers');
  }

  /** Bytes waiting for replay. */
  get pendingBytes(): number {
    return this.bytes;
  }

  /** True while anything waits for replay. */
  get pending(): boolean {
    return this.sealed.length > 0 || (this.current?.lines ?? 0) > 0;
  }

  /**
   * Append writes as one group and fsync; resolves when they are durable. Throws SERVICE_UNAVAILABLE
   * (nothing acknowledged) when the spool is full or the disk fails.
   */
  append(items: readonly SpoolRecord[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return this.locked(async () => {
      const text = items.map(lineOf).join('');
      const size = Buffer.byteLength(text);
      if (this.bytes + size > this.maxBytes) {
        this.metrics.refused.inc(items.length);
        if (!this.full) this.options.log.error({ bytes: this.bytes, maxBytes: this.maxBytes }, 'spool full: writes that cannot reach the database wait for it until their deadline');
        this.full = true;
        throw new AppError('SERVICE_UNAVAILABLE', `event store unavailable and the local spool is full (${this.bytes} of ${this.maxBytes} bytes)`);
      }
      this.full = false;
      try {
        const cur = this.current ?? (await this.openFile());
        await cur.fh.write(text);
        await cur.fh.datasync();
        cur.bytes += size;
        cur.lines += items.length;
        this.bytes += size;
      } catch (err) {
        // The file may end in a partial line now: seal it (the torn tail is skipped on replay).
        await this.seal();
        this.metrics.refused.inc(items.length);
        this.options.log.error({ err }, 'spool write failed');
        throw new AppError('SERVICE_UNAVAILABLE', 'event store unavailable and the local spool could not be written');
      }
      this.metrics.spooled.inc(items.length);
      this.metrics.bytes.set(this.bytes);
      if (this.current!.bytes >= this.fileBytes) await this.seal();
      this.kick();
    });
  }

  /** Start replaying into the writer (now, and whenever something is spooled). */
  start(target: SpoolTarget): void {
    this.target = target;
    this.stopped = false;
    this.kick();
  }

  /** Stop replaying; waits for the replay step in progress. Appends still work. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  /** Stop replaying and close the open file (after pending appends). */
  async close(): Promise<void> {
    await this.stop();
    await this.locked(() => this.seal());
  }

  /** Replay everything sealed so far (and the open file) now; true when nothing is left. Tests and the loop. */
  async replayOnce(): Promise<boolean> {
    if (!this.target) throw new Error('spool: start(target) first');
    await this.locked(() => this.seal());
    for (const name of [...this.sealed]) if (!(await this.replayFile(name))) return false;
    return true;
  }

  private kick(): void {
    if (this.loop || this.stopped || !this.target || !this.pending) return;
    this.loop = this.run().finally(() => {
      this.loop = null;
      if (this.pending) this.kick(); // spooled while the loop was finishing
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped && this.pending) {
      let done = false;
      try {
        await this.options.probe();
        done = await this.replayOnce();
      } catch (err) {
        this.options.log.debug({ err }, 'spool replay waits for the database');
      }
      if (!done && !this.stopped) await new Promise<void>((r) => ((this.wake = r), this.clock.setTimeout(r, this.retryMs).unref()));
      this.wake = null;
    }
  }

  /** Replays one sealed file in order; deletes it when every line is committed. */
  private async replayFile(name: string): Promise<boolean> {
    const path = join(this.options.dir, name);
    const lines = (await readFile(path, 'utf8')).split('\n');
    let i = this.progress.get(name) ?? 0;
    while (i < lines.length) {
      if (this.stopped) return false;
      const end = Math.min(lines.length, i + this.chunk);
      const writes: Array<Promise<PublishResult>> = [];
      const keys: unknown[] = [];
      for (let j = i; j < end; j++) {
        if (!lines[j]) continue;
        const w = parseLine(lines[j]);
        if (!w) {
          this.metrics.skipped.inc({ reason: 'torn' });
          this.options.log.warn({ file: name, line: j + 1 }, 'spool: skipped a torn line (written when the process died; never acknowledged)');
          continue;
        }
        keys.push(w.dedupeKey);
        // On a database failure it resolves `spooled` at once; the file is kept for the next attempt.
        writes.push(this.target!.replay(w.record, this.clock.nowMs() + 60_000));
      }
      const results = await Promise.allSettled(writes);
      let committed = 0;
      for (const [k, r] of results.entries()) {
        if (r.status === 'fulfilled' && !r.value.spooled) committed += 1;
        else if (r.status === 'rejected' && r.reason instanceof AppError && r.reason.status < 500) {
          this.metrics.skipped.inc({ reason: 'refused' });
          this.options.log.error({ file: name, dedupeKey: keys[k], err: r.reason.message }, 'spool: the database refused a spooled event as data; dropped');
        } else return false; // the database failed again (or the writer is closing): the whole chunk is tried again later
      }
      this.metrics.replayed.inc(committed);
      i = end;
      this.progress.set(name, i);
    }
    await unlink(path);
    this.sealed = this.sealed.filter((n) => n !== name);
    this.progress.delete(name);
    this.bytes -= this.sizes.get(name) ?? 0;
    this.sizes.delete(name);
    this.metrics.bytes.set(this.bytes);
    this.options.log.info({ file: name, lines: i }, 'spool file replayed and removed');
    return true;
  }

  private async openFile() {
    const name = fileName(this.nextFile++);
    const fh = await open(join(this.options.dir, name), 'a');
    // The new name must survive a crash too: fsync the directory.
    const dir = await open(this.options.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    this.current = { name, fh, bytes: 0, lines: 0 };
    return this.current;
  }

  /** Close the open file; it becomes replayable (or is removed when empty). */
  private async seal(): Promise<void> {
    const cur = this.current;
    if (!cur) return;
    // Sealed before the first await, so `pending` never reads false while lines wait.
    this.current = null;
    this.sealed.push(cur.name);
    this.sizes.set(cur.name, cur.bytes);
    await cur.fh.close().catch(() => {});
    const size = statSync(join(this.options.dir, cur.name), { throwIfNoEntry: false })?.size ?? 0;
    if (size === 0) {
      this.sealed = this.sealed.filter((n) => n !== cur.name);
      this.sizes.delete(cur.name);
      await unlink(join(this.options.dir, cur.name)).catch(() => {});
      return;
    }
    this.bytes += size - cur.bytes; // a torn tail counts too
    this.sizes.set(cur.name, size);
    this.metrics.bytes.set(this.bytes);
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => {});
    return run;
  }
}

function lineOf(w: SpoolRecord): string {
  return `{"r":${w.event},"m":${JSON.stringify(w.media)},"c":${JSON.stringify(w.camera ?? null)}}\n`;
}

/** A spool line back to its record; null when it is torn (not a complete JSON line). */
function parseLine(line: string): { record: SpoolRecord; dedupeKey: unknown } | null {
  let o: { r: Record<string, unknown>; m: unknown[]; c: unknown };
  try {
    o = JSON.parse(line);
  } catch {
    return null;
  }
  if (!o || typeof o.r !== 'object' || !Array.isArray(o.m)) return null;
  return { record: { event: JSON.stringify(o.r), media: o.m, camera: o.c ?? null }, dedupeKey: o.r?.dedupe_key };
}
