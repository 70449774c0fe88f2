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
 *
 * Bounds (config `limits`): connections per instance and per source address, a first-byte timeout
 * and an idle timeout, and the bytes of unfinished objects held across all connections. What a
 * peer controls is logged as counts (per connection and interval, see LogSummary), never a line
 * per object at info and never an event's content.
 */
import { isIP, type Socket } from 'node:net';
import { AppError, ERROR_CODES, type AdapterContext, type PublishResult } from '../../sdk.ts';
import type { FfConfig } from './config.ts';
import { JsonObjectFramer } from './framer.ts';
import { ffEventInput } from './ingest-event.ts';
import { FF_TOP_LEVEL_KEYS } from './parse.ts';
import { LogSummary } from './log-summary.ts';

/**
 * Two group commits' worth (the writer's batch is 1,000): one batch is written while the next is
 * read and parsed, so one camera keeps the writer busy; more only holds parsed events in memory
 * while they wait (5,000 per connection cost ~10-15% more CPU in garbage collection).
 */
const MAX_IN_FLIGHT = 2000;
/** TCP cannot be refused like HTTP: its events go to the spool; this deadline applies only when the spool is full. */
const TCP_DEADLINE_MS = 120_000;
/** At most one summary line per connection (skipped objects) and per instance (refused connections, store failures) per interval. */
export const LOG_SUMMARY_INTERVAL_MS = 60_000;

const normalizeIp = (ip: string | undefined) => (ip?.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : (ip ?? ''));

export function ffTcpHandler(ctx: AdapterContext<FfConfig>) {
  const limits = ctx.config.limits;
  const allow = new Set(ctx.config.allowIps.map((ip) => normalizeIp(ip)));
  let open = 0;
  const perIp = new Map<string, number>();
  /** Bytes of unfinished objects held by all connections (limits.maxBufferedBytes). */
  let buffered = 0;
  const refusedLog = new LogSummary(LOG_SUMMARY_INTERVAL_MS, (refused) => ctx.log.warn({ refused }, 'FF TCP connections refused'));
  const failedLog = new LogSummary(LOG_SUMMARY_INTERVAL_MS, (failed) => ctx.log.error({ failed }, 'FF TCP events could not be stored'));
  ctx.signal.addEventListener('abort', () => {
    refusedLog.stop();
    failedLog.stop();
  });
  const refuse = (socket: Socket, reason: string) => {
    ctx.count('tcp.refused');
    ctx.count(`tcp.refused.${reason}`);
    refusedLog.add(reason);
    socket.destroy();
  };

  return (socket: Socket): void => {
    const peer = normalizeIp(socket.remoteAddress);
    if (allow.size > 0 && !allow.has(peer)) return refuse(socket, 'not_allowed');
    if (open >= limits.maxConnections) return refuse(socket, 'max_connections');
    const fromPeer = perIp.get(peer) ?? 0;
    if (fromPeer >= limits.maxConnectionsPerIp) return refuse(socket, 'per_ip_limit');
    open += 1;
    perIp.set(peer, fromPeer + 1);
    ctx.count('tcp.connections');
    const stats = { objects: 0, stored: 0, duplicates: 0, spooled: 0, rejected: 0, garbageBytes: 0, failed: 0 };
    const rejectedBy: Record<string, number> = {};
    const skippedLog = new LogSummary(LOG_SUMMARY_INTERVAL_MS, (skipped) => ctx.log.info({ peer, skipped }, 'FF TCP objects skipped'));
    const framer = new JsonObjectFramer({ maxObjectBytes: limits.maxObjectBytes, topLevelKeys: FF_TOP_LEVEL_KEYS });
    let held = 0; // this connection's share of `buffered`
    let inFlight = 0;
    let closedFor: string | null = null;
    const close = (reason: string) => {
      closedFor ??= reason;
      socket.destroy();
    };
    const firstByte = setTimeout(() => {
      ctx.count('tcp.first_byte_timeouts');
      close('first_byte_timeout');
    }, limits.firstByteTimeoutSec * 1000);
    socket.setTimeout(limits.idleTimeoutSec * 1000);
    socket.on('timeout', () => {
      ctx.count('tcp.idle_timeouts');
      close('idle_timeout');
    });
    socket.on('error', (err) => ctx.log.debug({ peer, err }, 'FF TCP socket error'));

    const reject = (reason: string, detail: string, err?: unknown) => {
      stats.rejected += 1;
      rejectedBy[reason] = (rejectedBy[reason] ?? 0) + 1;
      ctx.count(`tcp.rejected.${reason}`);
      ctx.reportRejected(err ?? (reason === 'oversize' ? 'PAYLOAD_TOO_LARGE' : reason in ERROR_CODES ? reason : 'BAD_USER_INPUT'));
      skippedLog.add(reason);
      ctx.log.debug({ peer, reason, detail: detail.slice(0, 200) }, 'FF TCP object skipped');
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
        pending = ctx.publish(ffEventInput(json, ctx, [], text.length), { deadlineMs: TCP_DEADLINE_MS, spool: true });
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
      failedLog.add(e instanceof AppError ? e.code : 'INTERNAL');
      ctx.log.debug({ peer, err: e }, 'FF TCP event could not be stored');
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
    /** Keeps `buffered` up to date; the connection whose unfinished object would pass the budget is closed. */
    const account = () => {
      const now = framer.bufferedBytes;
      buffered += now - held;
      held = now;
      if (buffered > limits.maxBufferedBytes) {
        ctx.count('tcp.buffer_limit_closed');
        ctx.reportRejected('PAYLOAD_TOO_LARGE');
        refusedLog.add('buffer_limit');
        buffered -= held;
        held = 0;
        close('buffer_limit');
      }
    };
    socket.on('data', (chunk: Buffer) => {
      clearTimeout(firstByte);
      if (closedFor) return;
      consume(framer.push(chunk));
      account();
    });
    socket.once('close', () => {
      clearTimeout(firstByte);
      consume(framer.end());
      buffered -= held;
      held = 0;
      skippedLog.stop();
      open -= 1;
      const left = (perIp.get(peer) ?? 1) - 1;
      if (left > 0) perIp.set(peer, left);
      else perIp.delete(peer);
      ctx.log.info({ peer, ...stats, rejectedBy, closedFor }, 'FF TCP connection closed');
    });
  };
}
