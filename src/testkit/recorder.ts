/**
 * Wraps an adapter definition so the conformance kit sees what the adapter does through its
 * context: every publish (input, result or error), every status it reports, every stop() call,
 * every request its routes serve (with the body, for a replay) and every capability handler call.
 * Behaviour is unchanged, except while a check asks to hold publishes made inside route handlers
 * (`rec.hold`, the answers-after-commit check).
 *
 * Route bodies are captured by a tee: the handler gets a fresh IncomingMessage on the same socket
 * (same headers, method, url, remote address) fed chunk by chunk from the original, with its
 * backpressure, while the kit keeps a copy of up to ROUTE_BODY_LIMIT bytes. The handler reads as
 * it always does (pipe, data events, async iteration) and as early as it likes; nothing is read
 * ahead of it, and a route that answers without reading still gets its body drained as Node would.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { IncomingMessage, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AdapterContext, AdapterDefinition, AdapterStatus, CapabilityHandlers, RouteRequest, RunningAdapter } from '../core/adapter/types.ts';
import type { EventInput, PublishResult } from '../core/events/model.ts';

/** Bytes of a route request body the kit keeps for a replay; a larger body is not replayable. */
export const ROUTE_BODY_LIMIT = 10 * 1024 * 1024;
/** Route requests kept (the newest). */
const ROUTE_REQUESTS_KEPT = 200;
/** Header that marks the kit's own replayed requests (not a credential). */
export const REPLAY_HEADER = 'x-conformance-replay';

export interface PublishRecord {
  instanceStart: number;
  input: EventInput;
  result?: PublishResult;
  error?: unknown;
  /** The route request whose handler made this publish, when one did. */
  route?: RouteRequestRecord;
}

export interface RouteRequestRecord {
  method: string;
  /** As received: /adapters/{type}/{id}{path}?{query}. */
  url: string;
  /** Below /adapters/{type}/{id}. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Header names and values as sent (names in their case). */
  rawHeaders: string[];
  /** The whole body once it was read; null until then, or when it was larger than ROUTE_BODY_LIMIT. */
  body: Buffer | null;
  bodyTooLarge: boolean;
  /** publish() calls made inside the handler (async context of the handler). */
  publishes: PublishRecord[];
  /** Status of the answer once it was sent. */
  status?: number;
  /** The handler's promise settled. */
  handlerDone: boolean;
  /** Value of REPLAY_HEADER when the kit sent it. */
  replay?: string;
  /** Set by a held publish: the answer finished (with this status) while its publish was held. */
  answeredWhileHeld?: number;
  res: ServerResponse;
}

export interface CapabilityCallRecord {
  handler: string;
  input: unknown;
  result?: unknown;
  error?: unknown;
}

export interface AdapterRecording {
  starts: number;
  publishes: PublishRecord[];
  /** publish() calls not settled yet. */
  pending: number;
  statuses: Array<{ status: Exclude<AdapterStatus, 'STARTING' | 'STOPPED'>; detail?: string }>;
  stopCalls: number;
  stopErrors: unknown[];
  /** The RunningAdapter of the latest start (unwrapped: its own fields, e.g. a bound port). */
  running: RunningAdapter | null;
  /** Requests served by the adapter's routes (the newest ROUTE_REQUESTS_KEPT). */
  routeRequests: RouteRequestRecord[];
  /** Calls of the capability handlers (triggerEvent, createEvent, lock, unlock, …; not streams). */
  capabilityCalls: CapabilityCallRecord[];
  /**
   * While set, a publish() made inside a route handler waits before it reaches the store until the
   * handler's answer finished or `windowMs` passed, whichever comes first (see the route-commit check).
   */
  hold: { windowMs: number } | null;
}

export function newRecording(): AdapterRecording {
  return { starts: 0, publishes: [], pending: 0, statuses: [], stopCalls: 0, stopErrors: [], running: null, routeRequests: [], capabilityCalls: [], hold: null };
}

const routeContext = new AsyncLocalStorage<RouteRequestRecord>();

/** The handler's request: a new IncomingMessage on the same socket, fed from `orig` while a copy of the body is kept. */
function teeRequest(orig: IncomingMessage, res: ServerResponse, record: RouteRequestRecord): IncomingMessage {
  const copy = new IncomingMessage(orig.socket);
  copy.method = orig.method;
  copy.url = orig.url;
  copy.headers = orig.headers;
  copy.rawHeaders = orig.rawHeaders;
  copy.httpVersion = orig.httpVersion;
  copy.httpVersionMajor = orig.httpVersionMajor;
  copy.httpVersionMinor = orig.httpVersionMinor;
  const state = copy as unknown as { _consuming: boolean; _readableState: { readingMore: boolean } };
  // Reading the copy pulls from the original (IncomingMessage's own _read would resume the socket).
  copy._read = () => {
    if (!state._consuming) {
      state._readableState.readingMore = false;
      state._consuming = true;
    }
    orig.resume();
  };
  const chunks: Buffer[] = [];
  let size = 0;
  orig.on('data', (chunk: Buffer) => {
    if (!record.bodyTooLarge) {
      size += chunk.length;
      if (size > ROUTE_BODY_LIMIT) {
        record.bodyTooLarge = true;
        chunks.length = 0;
      } else chunks.push(chunk);
    }
    if (!copy.push(chunk)) orig.pause();
  });
  orig.on('end', () => {
    if (!record.bodyTooLarge) record.body = Buffer.concat(chunks);
    copy.complete = true;
    copy.trailers = orig.trailers;
    copy.push(null);
  });
  orig.on('error', (e) => copy.destroy(e));
  orig.on('aborted', () => {
    if (!copy.destroyed) copy.destroy();
  });
  // Answered without reading the whole body: drain the rest, as Node does with an unread request.
  res.on('finish', () => {
    if (!copy.readableEnded) {
      copy.resume();
      orig.resume();
    }
  });
  return copy;
}

function recordRoute(rec: AdapterRecording, r: RouteRequest, handler: (r: RouteRequest) => Promise<void> | void): Promise<void> {
  const replay = r.req.headers[REPLAY_HEADER];
  const record: RouteRequestRecord = {
    method: r.req.method ?? 'GET',
    url: r.req.url ?? '/',
    path: r.path,
    headers: { ...r.req.headers },
    rawHeaders: [...r.req.rawHeaders],
    body: null,
    bodyTooLarge: false,
    publishes: [],
    handlerDone: false,
    replay: typeof replay === 'string' ? replay : undefined,
    res: r.res,
  };
  rec.routeRequests.push(record);
  if (rec.routeRequests.length > ROUTE_REQUESTS_KEPT) rec.routeRequests.splice(0, rec.routeRequests.length - ROUTE_REQUESTS_KEPT);
  r.res.on('finish', () => {
    record.status = r.res.statusCode;
  });
  const req = teeRequest(r.req, r.res, record);
  return routeContext
    .run(record, async () => handler({ ...r, req }))
    .finally(() => {
      record.handlerDone = true;
    });
}

/** Wait until `res` finished or closed, or `windowMs` passed; the status when it finished meanwhile. */
function heldUntilAnswered(res: ServerResponse, windowMs: number): Promise<number | undefined> {
  if (res.writableFinished) return Promise.resolve(res.statusCode);
  if (res.destroyed) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const done = (status: number | undefined) => {
      clearTimeout(timer);
      res.off('finish', onFinish);
      res.off('close', onClose);
      resolve(status);
    };
    const onFinish = () => done(res.statusCode);
    const onClose = () => done(res.writableFinished ? res.statusCode : undefined);
    const timer = setTimeout(() => done(undefined), windowMs);
    res.on('finish', onFinish);
    res.on('close', onClose);
  });
}

/** The running adapter's capability handlers, each call recorded (streams passed through). */
function recordedCapabilities(caps: Partial<CapabilityHandlers> | undefined, rec: AdapterRecording): Partial<CapabilityHandlers> | undefined {
  if (!caps) return caps;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(caps as Record<string, unknown>)) {
    if (typeof value !== 'function') {
      out[name] = value;
      continue;
    }
    const fn = value as (input: unknown) => unknown;
    out[name] = async (input: unknown) => {
      const call: CapabilityCallRecord = { handler: name, input };
      rec.capabilityCalls.push(call);
      try {
        call.result = await fn.call(caps, input);
        return call.result;
      } catch (e) {
        call.error = e;
        throw e;
      }
    };
  }
  return out as Partial<CapabilityHandlers>;
}

export function recordingDefinition(def: AdapterDefinition, rec: AdapterRecording): AdapterDefinition {
  return {
    ...def,
    start: async (ctx: AdapterContext) => {
      const startNo = ++rec.starts;
      const watched: AdapterContext = {
        ...ctx,
        publish: async (input, opts) => {
          const route = routeContext.getStore();
          const r: PublishRecord = { instanceStart: startNo, input, route };
          rec.publishes.push(r);
          route?.publishes.push(r);
          rec.pending++;
          try {
            if (route && rec.hold) {
              const answered = await heldUntilAnswered(route.res, rec.hold.windowMs);
              if (answered !== undefined && answered >= 200 && answered < 300) route.answeredWhileHeld = answered;
            }
            r.result = await ctx.publish(input, opts);
            return r.result;
          } catch (e) {
            r.error = e;
            throw e;
          } finally {
            rec.pending--;
          }
        },
        route: (method, path, handler) => ctx.route(method, path, (r) => recordRoute(rec, r, handler)),
        setStatus: (status, detail) => {
          rec.statuses.push({ status, detail });
          ctx.setStatus(status, detail);
        },
      };
      const running = await def.start(watched);
      rec.running = running;
      // Everything of the original (api, its own fields) through the prototype; stop() counted, capabilities recorded.
      const wrapped = Object.create(running) as RunningAdapter;
      wrapped.capabilities = recordedCapabilities(running.capabilities, rec);
      wrapped.stop = async () => {
        rec.stopCalls++;
        try {
          await running.stop();
        } catch (e) {
          rec.stopErrors.push(e);
          throw e;
        }
      };
      return wrapped;
    },
  };
}
