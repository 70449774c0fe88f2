/**
 * exportPlate (contract "Data lifecycle"): builds a plate's reads and images into a tar under
 * DATA_DIR/exports on this server instance (plate-export.ts), and serves it at
 * `/exports/{id}/{token}` until it expires (config exports.ttlSec, default 1 hour):
 *
 * - the token is 192 random bits; only its SHA-256 is stored (data_exports), so the URL is the one
 *   capability to the file, and the API key is checked too (scope admin): a leaked URL alone is useless;
 * - an unknown id, a wrong token and an expired export all answer 404 NOT_FOUND (the message says
 *   "expired" only to a caller holding the right token); a file built on another instance answers
 *   404 too (exports live on the instance that built them: behind a load balancer, route /exports
 *   with session affinity or use one instance);
 * - every download is recorded in the audit log (action `downloadExport`);
 * - the sweeper (every exports.sweepSec, default 60, on every instance, injected clock) deletes the
 *   files of expired exports, half-written files of a crashed build, and the expired rows.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import { readdir, rename, stat, unlink } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.ts';
import type { ApiKeyAuth } from '../auth/api-keys.ts';
import { hasScope } from '../auth/api-keys.ts';
import type { Db } from '../db/client.ts';
import { AppError, isAppError } from '../errors.ts';
import { sendError } from '../http/body.ts';
import type { FileMediaStore } from '../media/store.ts';
import type { DataExportView } from '../ports.ts';
import type { Clock, Timer } from '../time/clock.ts';
import { collectPlateExport, type ExportLimits, type PlateExportQuery, writePlateExport } from './plate-export.ts';
import { deleteExpiredExports, exportById, insertExport, liveExportIds } from './repo.ts';

export interface DataExportsOptions extends ExportLimits {
  db: Db;
  media: FileMediaStore;
  dir: string;
  clock: Clock;
  log: Logger;
  audit: AuditLog;
  auth: ApiKeyAuth;
  ttlMs: number;
  sweepMs: number;
  /** Base of download URLs ('' = relative to this server). */
  baseUrl?: string;
  /** Refuses a new export while the disk is short of space (storage.minFreeBytes); absent: never. */
  diskCheck?: () => Promise<void>;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const ID = /^[0-9a-f-]{36}$/;

export class DataExports {
  /** Ids whose archive is being written here (their .part files are not swept). */
  private readonly building = new Set<string>();
  private sweeper: { stop(): void } | null = null;

  constructor(private readonly o: DataExportsOptions) {}

  async exportPlate(q: PlateExportQuery, keyId: string | null): Promise<DataExportView> {
    await this.o.diskCheck?.();
    const content = await collectPlateExport(this.o.db, this.o.media, q, this.o);
    mkdirSync(this.o.dir, { recursive: true });
    const id = randomUUID();
    const token = randomBytes(24).toString('base64url');
    const now = this.o.clock.now();
    const part = join(this.o.dir, `${id}.tar.part`);
    this.building.add(id);
    try {
      const bytes = await writePlateExport(part, q, content, this.o.media, now);
      await rename(part, join(this.o.dir, `${id}.tar`));
      const expiresAt = new Date(now.getTime() + this.o.ttlMs);
      await insertExport(this.o.db, { id, tokenSha256: sha256(token), plateNormalized: q.plateNormalized, events: content.events.length, bytes, keyId, createdAt: now, expiresAt });
      return { url: `${this.o.baseUrl ?? ''}/exports/${id}/${token}`, expiresAt, events: content.events.length, mediaFiles: content.media.size, bytes };
    } catch (e) {
      await unlink(part).catch(() => {});
      await unlink(join(this.o.dir, `${id}.tar`)).catch(() => {});
      throw e;
    } finally {
      this.building.delete(id);
    }
  }

  /** GET/HEAD /exports/{id}/{token}. */
  async serve(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const auth = this.o.auth.authenticate(req.headers.authorization);
    if (!hasScope(auth, 'admin')) throw new AppError('FORBIDDEN', 'downloading an export needs the scope admin; this API key lacks it');
    const [id = '', token = ''] = path.split('/');
    const keyId = auth.open ? null : (auth.keyId ?? null);
    try {
      await this.send(req, res, id, token);
      await this.o.audit.record([{ keyId, action: 'downloadExport', args: { id: id.slice(0, 40) }, outcome: 'ok' }]);
    } catch (e) {
      await this.o.audit.record([{ keyId, action: 'downloadExport', args: { id: id.slice(0, 40) }, outcome: isAppError(e) ? e.code : 'INTERNAL' }]);
      if (res.headersSent) res.destroy();
      else sendError(res, e, this.o.log);
    }
  }

  private async send(req: IncomingMessage, res: ServerResponse, id: string, token: string): Promise<void> {
    const gone = new AppError('NOT_FOUND', 'no such export (unknown, or its token is wrong)');
    if (!ID.test(id) || !token || token.length > 64) throw gone;
    const row = await exportById(this.o.db, id);
    if (!row) throw gone;
    const a = Buffer.from(row.tokenSha256, 'hex');
    const b = Buffer.from(sha256(token), 'hex');
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw gone;
    if (row.expiresAt.getTime() <= this.o.clock.nowMs()) throw new AppError('NOT_FOUND', `export ${id} expired at ${row.expiresAt.toISOString()}; export again`);
    const file = join(this.o.dir, `${id}.tar`);
    const st = await stat(file).catch(() => null);
    if (!st) throw new AppError('NOT_FOUND', `export ${id} is not on this server instance (exports are served by the instance that built them)`);
    const stamp = row.createdAt.toISOString().slice(0, 10);
    res.writeHead(200, {
      'content-type': 'application/x-tar',
      'content-length': String(st.size),
      'content-disposition': `attachment; filename="plate-${row.plateNormalized.replace(/[^A-Z0-9]/gi, '')}-${stamp}.tar"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') return void res.end();
    await new Promise<void>((resolve, reject) => {
      const s = createReadStream(file);
      s.on('error', reject);
      res.on('close', () => {
        s.destroy();
        resolve();
      });
      s.pipe(res);
    });
  }

  /** Files of expired (or unknown) exports and stale half-written ones deleted here; expired rows deleted. Returns files deleted. */
  async sweep(): Promise<number> {
    const now = this.o.clock.now();
    const names = await readdir(this.o.dir).catch(() => [] as string[]);
    const done = names.filter((n) => n.endsWith('.tar')).map((n) => n.slice(0, -4));
    const live = await liveExportIds(
      this.o.db,
      done.filter((id) => ID.test(id)),
      now,
    );
    let deleted = 0;
    for (const n of names) {
      const id = n.replace(/\.tar(\.part)?$/, '');
      const keep = n.endsWith('.part') ? this.building.has(id) : live.has(id) || !n.endsWith('.tar');
      if (keep) continue;
      await unlink(join(this.o.dir, n)).then(
        () => deleted++,
        () => {},
      );
    }
    await deleteExpiredExports(this.o.db, now);
    return deleted;
  }

  /** Sweep every sweepMs until stop(). */
  startSweeper(): void {
    if (this.sweeper) return;
    let stopped = false;
    let timer: Timer | null = null;
    const schedule = () => {
      if (!stopped) timer = this.o.clock.setTimeout(tick, this.o.sweepMs).unref();
    };
    const tick = () => {
      void this.sweep()
        .catch((err) => this.o.log.error({ err }, 'export sweep failed; retried at the next interval'))
        .finally(schedule);
    };
    schedule();
    this.sweeper = {
      stop: () => {
        stopped = true;
        this.o.clock.clearTimeout(timer);
      },
    };
  }

  stop(): void {
    this.sweeper?.stop();
    this.sweeper = null;
  }
}
