/**
 * Group commit: events published concurrently are written in one statement (media rows, camera
 * rows and the events, event-insert.ts), and each publisher's promise resolves only after that commit.
 * Committed events go to the bus in seq order.
 *
 * Faults: when the database fails, the batch stays queued and is retried with backoff until each
 * item's deadline; past it the item is rejected with SERVICE_UNAVAILABLE (HTTP answers 503 and the
 * camera re-sends). Writes that cannot be refused (FF TCP, `spool: 'append'`) are not held: on an
 * infrastructure failure, and while the database is failing, they are appended to the fsynced local
 * spool (spool.ts) and resolve `spooled: true` (seq unknown); the spool replays them through this
 * writer when the database answers (`spool: 'held'`: on failure they resolve `spooled` at once, the
 * spool file is kept). If the spool refuses (full), they wait for their deadline like the rest.
 *
 * One bad row never looks like an outage (refusal.ts): when a batch fails with anything but a
 * systemic error, the writer pings the database; if it answers, the batch is bisected (row-isolation.ts) until the
 * failing rows stand alone, and a single row that still fails while the database answers is refused
 * as data (BAD_USER_INPUT, `events_refused_total`, one summarised log line without the payload),
 * never retried. Only a failing ping or a systemic SQLSTATE (connection, resources, schema...) takes
 * the outage path above.
 */
import type { Logger } from 'pino';
import { sql } from 'drizzle-orm';
import { AppError } from '../errors.ts';
import type { Db } from '../db/client.ts';
import { seqsByDedupeKey, type NewEventRow } from '../db/event-repo.ts';
import { eventRowJson, insertEventBatch, wellFormed, type CameraRow, type EventBatch, type InsertedEvent, type MediaRow } from '../db/event-insert.ts';
import type { EventBus } from './bus.ts';
import type { MediaRef, PublishResult, StoredEvent } from './model.ts';
import type { Metrics } from '../ops/metrics.ts';
import type { EventSpool, SpoolRecord } from './spool.ts';
import { fromSpoolRecord, toSpoolRecord } from './spool-record.ts';
import { isSystemic, refusalSummary, sqlState } from './refusal.ts';
import { isolateRefusedRows } from './row-isolation.ts';
import { addMissingMedia } from '../db/event-media.ts';
import { backoffDelay } from '../time/backoff.ts';
import { systemClock, type Clock } from '../time/clock.ts';

export type { CameraRow, MediaRow };

export interface PendingWrite {
  row: Omit<NewEventRow, 'seq'>;
  /** `eventRowJson(row)` when the caller has it (ingest does); computed at enqueue otherwise. */
  rowJson?: string;
  mediaRows: MediaRow[];
  camera?: CameraRow;
  /** Epoch ms after which the write is abandoned with SERVICE_UNAVAILABLE. */
  deadline: number;
  /** 'append': to the spool while the database fails (see above); 'held': replayed from the spool. */
  spool?: 'append' | 'held';
  resolve(r: PublishResult): void;
  reject(e: unknown): void;
}

export interface WriterOptions {
  db: Db;
  bus: EventBus;
  log: Logger;
  metrics: Metrics;
  maxBatch?: number;
  /** Queue bound: publishing beyond it is refused at once (back-pressure to the source). */
  maxQueued?: number;
  /** Called after commit with the newly stored events (e.g. to refresh camera caches). */
  onCommitted?: (events: StoredEvent[], cameraRows: CameraRow[]) => void;
  /** Where `spool` writes go while the database fails (spool.ts). */
  spool?: Pick<EventSpool, 'append'>;
  /** Resolves when the database answers (default: `select 1` on `db`); tells an outage from a bad row. */
  probe?: () => Promise<void>;
  /** Deadlines and retry delays (default: real time). */
  clock?: Clock;
}

const SPOOLED: PublishResult = Object.freeze({ seq: 0n, duplicate: false, spooled: true });

export class EventWriter {
  private queue: PendingWrite[] = [];
  private running = false;
  private scheduled = false;
  private closed = false;
  /** Failed attempts in a row: the retry delay doubles from 100 ms to 5 s (no jitter: one writer per database). */
  private failures = 0;
  /** While the database is failing: when the next attempt is due (0 when healthy). */
  private retryAt = 0;
  private expectDuplicates = false;
  private idleWaiters: Array<() => void> = [];
  private readonly maxBatch: number;
  private readonly maxQueued: number;
  private readonly clock: Clock;

  constructor(private readonly options: WriterOptions) {
    this.clock = options.clock ?? systemClock();
    this.maxBatch = options.maxBatch ?? 1000;
    this.maxQueued = options.maxQueued ?? 50_000;
  }

  get queued(): number {
    return this.queue.length;
  }

  enqueue(w: Omit<PendingWrite, 'resolve' | 'reject'>): Promise<PublishResult> {
    if (this.closed) return Promise.reject(new AppError('SERVICE_UNAVAILABLE', 'server is shutting down'));
    if (this.queue.length >= this.maxQueued) {
      return Promise.reject(new AppError('SERVICE_UNAVAILABLE', `event store is behind (${this.queue.length} writes queued); retry later`));
    }
    let rowJson = w.rowJson;
    if (rowJson === undefined) {
      try {
        rowJson = eventRowJson(w.row);
      } catch {
        return Promise.reject(new AppError('BAD_USER_INPUT', 'the event store refused this event as data (not serialisable)'));
      }
    }
    return new Promise<PublishResult>((resolve, reject) => {
      this.queue.push({ row: w.row, rowJson, mediaRows: w.mediaRows, camera: w.camera, deadline: w.deadline, spool: w.spool, resolve, reject });
      // While the database fails, a spoolable write goes to the spool now, not at the next attempt.
      if (w.spool === 'append' && this.retryAt > 0 && this.options.spool) this.spoolSoon();
      else this.schedule();
    });
  }

  /** A write replayed from the spool (spool.ts): 'held', so a database failure resolves it `spooled` at once. */
  replay(record: SpoolRecord, deadline: number): Promise<PublishResult> {
    return this.enqueue({ ...fromSpoolRecord(record), deadline, spool: 'held' });
  }

  /** Resolves when everything queued so far has been written or rejected. */
  async drain(): Promise<void> {
    if (this.queue.length === 0 && !this.running) return;
    await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  async close(): Promise<void> {
    await this.drain();
    this.closed = true;
  }

  private spoolPassDue = false;
  private spoolSoon(): void {
    if (this.spoolPassDue) return;
    this.spoolPassDue = true;
    setImmediate(() => {
      this.spoolPassDue = false;
      void this.run();
    });
  }

  private schedule(delayMs = 0): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      void this.run();
    };
    if (delayMs > 0) this.clock.setTimeout(run, delayMs).unref();
    else setImmediate(run);
  }

  private async run(): Promise<void> {
    if (this.running) return; // the pass in progress takes what is queued
    this.running = true;
    try {
      while (this.queue.length > 0) {
        this.expire();
        if (this.queue.length === 0) break;
        if (this.retryAt > this.clock.nowMs()) {
          // The database is failing and the next attempt is not due: spool what may be spooled,
          // again while writes arrive during the append.
          while (await this.spoolOut(false));
          break;
        }
        const batch = this.queue.slice(0, this.maxBatch);
        try {
          await this.writeBatch(batch);
          this.queue.splice(0, batch.length);
          this.failures = 0;
          this.retryAt = 0;
        } catch (caught) {
          let err = caught; // the batch's error, or the one that ended the search for refused rows
          if (!(await this.isOutage(err))) {
            // The database answers: some rows are at fault. Bisect; refuse the ones that fail alone.
            this.queue.splice(0, batch.length);
            const left = await isolateRefusedRows(batch, err, {
              write: (ws) => this.writeBatch(ws),
              isOutage: (e) => this.isOutage(e),
              refuse: (w, e) => this.refuse(w, e),
            });
            if (left.length === 0) continue;
            this.queue.unshift(...left); // the database failed meanwhile: those take the outage path
            err = left.err;
          }
          this.options.metrics.dbErrors.inc();
          const retryInMs = backoffDelay(this.failures++, { baseMs: 100, capMs: 5000, jitter: 'none' });
          this.retryAt = this.clock.nowMs() + retryInMs;
          this.options.log.error({ ...refusalSummary(err), queued: this.queue.length, retryInMs }, 'event batch write failed; will retry');
          await this.spoolOut(true);
        }
      }
    } finally {
      this.running = false;
      if (this.queue.length === 0) this.idleWaiters.splice(0).forEach((r) => r());
      else this.schedule(Math.max(0, this.retryAt - this.clock.nowMs()));
    }
  }

  /**
   * The database is failing: spoolable writes go to the spool and resolve `spooled`. After a failed
   * attempt the replayed ones too ('held': still in their file); between attempts those stay queued
   * (the spool replays only after the database answered a ping).
   */
  private async spoolOut(afterFailure: boolean): Promise<boolean> {
    if (!this.options.spool) return false;
    let out = this.queue.filter((w) => w.spool === 'append' || (afterFailure && w.spool === 'held'));
    if (out.length === 0) return false;
    const append = out.filter((w) => w.spool === 'append');
    if (append.length) {
      try {
        await this.options.spool.append(append.map(toSpoolRecord));
      } catch {
        // Full, or the disk failed (logged and counted by the spool): these wait for their deadline.
        for (const w of append) w.spool = undefined;
        out = out.filter((w) => w.spool === 'held');
      }
    }
    const moved = new Set(out);
    this.queue = this.queue.filter((w) => !moved.has(w));
    for (const w of out) w.resolve(SPOOLED);
    return out.length > 0;
  }

  private expire(): void {
    const now = this.clock.nowMs();
    if (!this.queue.some((w) => w.deadline <= now)) return;
    const keep: PendingWrite[] = [];
    for (const w of this.queue) {
      if (w.deadline <= now) w.reject(new AppError('SERVICE_UNAVAILABLE', 'event store unavailable; retry later'));
      else keep.push(w);
    }
    this.queue = keep;
  }

  /** True when `err` is the database's trouble, not a row's: a systemic SQLSTATE, or the database does not answer a ping. */
  private async isOutage(err: unknown): Promise<boolean> {
    if (isSystemic(err)) return true;
    try {
      await (this.options.probe ? this.options.probe() : this.options.db.execute(sql`select 1`));
      return false;
    } catch {
      return true;
    }
  }

  /** A row the database refuses while it answers: rejected as the client's, counted, logged once without its payload. */
  private refuse(w: PendingWrite, err: unknown): void {
    const { adapter, instance } = w.row;
    this.options.metrics.refused.inc({ adapter, instance });
    const summary = refusalSummary(err);
    this.options.log.warn({ adapter, instance, dedupeKey: w.row.dedupeKey.slice(0, 100), rowBytes: w.rowJson?.length, ...summary }, 'event refused by the database as data; dropped');
    w.reject(new AppError('BAD_USER_INPUT', `the event store refused this event as data${summary.sqlstate ? ` (SQLSTATE ${summary.sqlstate})` : ''}`, { sqlstate: summary.sqlstate }));
  }

  /**
   * A plain INSERT while no duplicates come (less work for the database); after one (SQLSTATE 23505,
   * nothing written), ON CONFLICT DO NOTHING until a batch has no duplicate again.
   */
  private async insert(b: EventBatch): Promise<InsertedEvent[]> {
    if (!this.expectDuplicates) {
      try {
        return await insertEventBatch(this.options.db, { ...b, skipDuplicates: false });
      } catch (err) {
        if (sqlState(err) !== '23505') throw err;
        this.expectDuplicates = true;
      }
    }
    const inserted = await insertEventBatch(this.options.db, { ...b, skipDuplicates: true });
    if (inserted.length === b.rowsJson.length) this.expectDuplicates = false;
    return inserted;
  }

  private async writeBatch(batch: PendingWrite[]): Promise<void> {
    const started = performance.now();
    const mediaRows = uniqueBy(
      batch.flatMap((w) => w.mediaRows),
      (m) => m.id,
    );
    const cameraRows = uniqueBy(
      batch.flatMap((w) => (w.camera ? [w.camera] : [])),
      (c) => c.id,
    );
    const rowsJson = batch.map((w) => w.rowJson ?? eventRowJson(w.row));
    const inserted = await this.insert({ rowsJson, media: mediaRows, cameras: cameraRows });
    this.options.metrics.batchSeconds.observe((performance.now() - started) / 1000);
    this.options.metrics.batchSize.observe(batch.length);

    const key = (a: string, i: string, k: string) => `${a}\u0000${i}\u0000${k}`;
    const seqByKey = new Map(inserted.map((r) => [key(r.adapter, r.instance, r.dedupeKey), r.seq]));
    const stored: StoredEvent[] = [];
    const claimed = new Set<string>();
    const dupes: PendingWrite[] = [];
    const ingestedBySource = new Map<string, { adapter: string; instance: string; n: number }>();
    for (const w of batch) {
      // As stored: text columns are well-formed UTF-16 (event-insert.ts).
      const k = key(wellFormed(w.row.adapter), wellFormed(w.row.instance), wellFormed(w.row.dedupeKey));
      const seq = seqByKey.get(k);
      if (seq != null && !claimed.has(k)) {
        claimed.add(k);
        stored.push(toStored(w.row, seq));
        const src = `${w.row.adapter}\u0000${w.row.instance}`;
        const counted = ingestedBySource.get(src);
        if (counted) counted.n += 1;
        else ingestedBySource.set(src, { adapter: w.row.adapter, instance: w.row.instance, n: 1 });
        w.resolve({ seq, duplicate: false });
      } else {
        dupes.push(w);
      }
    }
    for (const c of ingestedBySource.values()) this.options.metrics.ingested.inc({ adapter: c.adapter, instance: c.instance }, c.n);
    // Rows are inserted in batch order, so seqs increase along `stored` already; sort only if not.
    if (!isAscending(stored)) stored.sort((a, b) => (a.seq < b.seq ? -1 : 1));
    this.options.onCommitted?.(stored, cameraRows);
    this.options.bus.publish(stored);
    if (dupes.length) await this.resolveDuplicates(dupes, seqByKey);
  }

  private async resolveDuplicates(dupes: PendingWrite[], known: Map<string, bigint>): Promise<void> {
    for (const w of dupes) this.options.metrics.deduplicated.inc({ adapter: w.row.adapter, instance: w.row.instance });
    const groups = new Map<string, PendingWrite[]>();
    for (const w of dupes) {
      const g = `${w.row.adapter}\u0000${w.row.instance}`;
      const group = groups.get(g);
      if (group) group.push(w);
      else groups.set(g, [w]);
    }
    for (const ws of groups.values()) {
      const { adapter, instance } = ws[0].row;
      let found: Map<string, bigint> | null = null;
      try {
        found = await seqsByDedupeKey(
          this.options.db,
          adapter,
          instance,
          ws.map((w) => w.row.dedupeKey),
        );
      } catch {
        // Looked up again below only from this batch; the others are stored but their seq is unknown.
      }
      for (const w of ws) {
        const k = wellFormed(w.row.dedupeKey);
        if ((w.row.media as MediaRef[] | null | undefined)?.length && !(await this.addMedia(w))) continue;
        const seq = found?.get(k) ?? known.get(`${wellFormed(adapter)}\u0000${wellFormed(instance)}\u0000${k}`);
        if (seq != null) w.resolve({ seq, duplicate: true });
        else if (!found && w.spool)
          w.resolve({ seq: 0n, duplicate: true }); // stored (the insert found it); no one reads the seq
        else if (!found)
          w.reject(new AppError('SERVICE_UNAVAILABLE', 'event store unavailable; retry later')); // a retry answers with the seq
        else w.resolve({ seq: 0n, duplicate: true }); // the original is gone (deleted meanwhile)
      }
    }
  }

  /**
   * A duplicate with images: the stored event gains those of a role it lacks (event-media.ts).
   * False when that failed (the write was rejected: HTTP answers 503 and the camera re-sends it).
   */
  private async addMedia(w: PendingWrite): Promise<boolean> {
    const { adapter, instance, dedupeKey } = w.row;
    try {
      const added = await addMissingMedia(this.options.db, wellFormed(adapter), wellFormed(instance), wellFormed(dedupeKey), (w.row.media ?? []) as MediaRef[]);
      if (added) this.options.metrics.mediaAdded.inc({ adapter, instance });
      return true;
    } catch (err) {
      if (w.spool) return true; // TCP: nothing can be asked again; the event itself is stored
      this.options.log.warn({ adapter, instance, ...refusalSummary(err) }, 'images of a duplicate could not be added to the stored event');
      w.reject(new AppError('SERVICE_UNAVAILABLE', 'event store unavailable; retry later'));
      return false;
    }
  }
}

function isAscending(evs: StoredEvent[]): boolean {
  for (let i = 1; i < evs.length; i++) if (evs[i - 1].seq >= evs[i].seq) return false;
  return true;
}

function uniqueBy<T>(xs: T[], key: (x: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const x of xs) if (!seen.has(key(x))) seen.set(key(x), x);
  return [...seen.values()];
}

function toStored(r: Omit<NewEventRow, 'seq'>, seq: bigint): StoredEvent {
  return {
    seq,
    typeName: r.typeName,
    kind: r.kind as StoredEvent['kind'],
    vendorType: r.vendorType,
    occurredAt: r.occurredAt,
    receivedAt: r.receivedAt,
    adapter: r.adapter,
    instance: r.instance,
    cameraId: r.cameraId ?? null,
    dedupeKey: r.dedupeKey,
    plate: (r.plate ?? null) as StoredEvent['plate'],
    analytics: (r.analytics ?? null) as StoredEvent['analytics'],
    data: (r.data ?? {}) as Record<string, unknown>,
    raw: r.raw,
    media: (r.media ?? []) as StoredEvent['media'],
    listMatches: (r.listMatches ?? null) as StoredEvent['listMatches'],
  };
}
