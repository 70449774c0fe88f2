/**
 * The FF TCP push listener: cameras connect and write JSON objects (no response is defined).
 * Framing by JsonObjectFramer; each object is published without waiting for the previous one
 * (order is kept: enqueueing is synchronous), with back-pressure: the socket is paused while too
 * many of its events wait for the store. Bad objects are skipped and counted, never half-stored.
 *
 * No acknowledgement exists (the camera only writes; a TCP ACK means the kernel has the bytes), so
 * the promise is this: each complete object read is committed, or while the database is down
 * fsynced to the local spool (`spool: true`, replayed when it is back), within one group commit;
 * at most MAX_IN_FLIGHT objects per connection are read but not yet committed or spooled (the
 * socket is paused there). SIGKILL loses only those and what sits in kernel buffers; SIGTERM stops
 * reading, then commits or spools everything read.
 */
import { isIP, type Socket } from 'node:net';
import { AppError, ERROR_CODES, type AdapterContext, type PublishResult } from '../../sdk.ts';
import type { FfConfig } from './config.ts';
import { JsonObjectFramer } from './framer.ts';
import { ffEventInput } from './ingest-event.ts';
import { FF_TOP_LEVEL_KEYS } from './parse.ts';

const MAX_IN_FLIGHT = 5000;
/** TCP cannot be refused like HTTP: its events go to the spool; this deadline applies only when the spool is full. */
const TCP_DEADLINE_MS = 120_000;

const normalizeIp = (ip: string | undefined) => (ip?.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip ?? '');

export function ffTcpHandler(ctx: AdapterContext<FfConfig>) {
  const allow = new Set(ctx.config.allowIps.map((ip) => normalizeIp(ip)));
  let open = 0;
  return (socket: Socket): void => {
    const peer = normalizeIp(socket.remoteAddress);
    if (allow.size > 0 && !allow.has(peer)) {
      ctx.count('tcp.refused');
      ctx.log.warn({ peer }, 'FF TCP connection refused: address not in allowIps');
      socket.destroy();
      return;
    }
    if (open >= ctx.config.limits.maxConnections) {
      ctx.count('tcp.refused');
      socket.destroy();
      return;
    }
    open += 1;
    ctx.count('tcp.connections');
    const stats = { objects: 0, stored: 0, duplicates: 0, spooled: 0, rejected: 0, garbageBytes: 0, failed: 0 };
    const framer = new JsonObjectFramer({ maxObjectBytes: ctx.config.limits.maxObjectBytes, topLevelKeys: FF_TOP_LEVEL_KEYS });
    let inFlight = 0;
    socket.setTimeout(ctx.config.limits.idleTimeoutSec * 1000);
    socket.on('timeout', () => {
      ctx.count('tcp.idle_timeouts');
      socket.destroy();
    });
    socket.on('error', (err) => ctx.log.debug({ peer, err: err.message }, 'FF TCP socket error'));

    const reject = (reason: string, detail: string, err?: unknown) => {
      stats.rejected += 1;
      ctx.count(`tcp.rejected.${reason}`);
      ctx.reportRejected(err ?? (reason === 'oversize' ? 'PAYLOAD_TOO_LARGE' : reason in ERROR_CODES ? reason : 'BAD_USER_INPUT'));
      ctx.log.info({ peer, reason, detail }, 'FF TCP object skipped');
    };
    const onObject = (text: string) => {
      stats.objects += 1;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        return reject('malformed_json', (e as Error).message);
      }
      let pending;
      try {
        pending = ctx.publish(ffEventInput(json, ctx.config), { deadlineMs: TCP_DEADLINE_MS, spool: true });
      } catch (e) {
        return reject(e instanceof AppError ? e.code : 'INTERNAL', (e as Error).message, e);
      }
      inFlight += 1;
      if (inFlight >= MAX_IN_FLIGHT) socket.pause();
      pending.then(onStored, onFailed); // one reaction per event, no .finally() promise
    };
    const settled = () => {
      inFlight -= 1;
      if (inFlight < MAX_IN_FLIGHT / 2 && socket.isPaused()) socket.resume();
    };
    const onStored = (r: PublishResult) => {
      settled();
      const outcome = r.spooled ? 'spooled' : r.duplicate ? 'duplicates' : 'stored';
      stats[outcome] += 1;
      ctx.count(`tcp.${outcome}`);
    };
    const onFailed = (e: unknown) => {
      settled();
      if (e instanceof AppError && e.status < 500) return reject(e.code, e.message, e);
      stats.failed += 1;
      ctx.count('tcp.store_failed');
      ctx.log.error({ peer, err: (e as Error).message }, 'FF TCP event could not be stored');
    };
    const consume = (outs: ReturnType<JsonObjectFramer['push']>) => {
      for (const o of outs) {
        if (o.type === 'object') onObject(o.text);
        else {
          stats.garbageBytes += o.bytes;
          ctx.count(o.type === 'oversize' ? 'tcp.oversize_objects' : 'tcp.garbage_bytes', o.type === 'oversize' ? 1 : o.bytes);
          if (o.type === 'oversize') reject('oversize', `${o.bytes} bytes`);
        }
      }
    };
    socket.on('data', (chunk: Buffer) => consume(framer.push(chunk)));
    socket.once('close', () => {
      consume(framer.end());
      open -= 1;
      ctx.log.info({ peer, ...stats }, 'FF TCP connection closed');
    });
  };
}
