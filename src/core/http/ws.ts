/**
 * graphql-ws on /graphql, through the same envelop plugins as HTTP (yoga.getEnveloped).
 * - connection_init must carry a valid key when auth is on (else close 4403);
 * - a parse or validation error (limits included) is an `error` message for that operation only;
 * - frames over `maxPayload` close the socket (1009);
 * - each send resolves when the frame is handed to the kernel, so a client that stops reading
 *   stops its subscriptions pulling events (graphql-ws path: after each frame; shared path: once
 *   UNSENT_WINDOW_BYTES are unsent): they fall back to catching up from the log, memory stays
 *   bounded. A client that has not drained a frame for `slowConsumerMs` is closed with 4429 and
 *   can resume with `after`;
 * - subscribers of the same `events` operation share its execution and serialisation per event
 *   (shared-subscriptions.ts); other operations run per subscriber through graphql-ws;
 * - frames sent to a socket within one tick leave in one write (corked until the next tick);
 * - limits: at most `maxSocketsPerKey` sockets per API key (per client address when no keys exist;
 *   one more is closed with 4430 at connection_init) and `maxOperationsPerSocket` operations at
 *   once on a socket (one more gets a LIMIT_EXCEEDED error for that operation only).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { makeServer, CloseCode, type ConnectionInitMessage } from 'graphql-ws';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import type { Logger } from 'pino';
import type { ApiKeyAuth } from '../auth/api-keys.ts';
import type { AuthInfo, CoreServices } from '../ports.ts';
import type { Metrics } from '../ops/metrics.ts';
import { maskError, type Yoga } from './yoga.ts';
import { SharedSubscriptions, isSharedOperation, sharedOperationKey, type FrameSink } from './shared-subscriptions.ts';
import type { SubscribeFn } from './shared-operation.ts';
import { systemClock, type Clock } from '../time/clock.ts';

export const CLOSE_SLOW_CONSUMER = 4429;
/** connection_init of a socket beyond limits.wsMaxSocketsPerKey. */
export const CLOSE_TOO_MANY_SOCKETS = 4430;
/** Shared-path frames a socket may have queued but not yet handed to the kernel before its subscribers wait. */
const UNSENT_WINDOW_BYTES = 64 * 1024;

export interface WsOptions {
  yoga: Yoga;
  auth: ApiKeyAuth;
  services: CoreServices;
  log: Logger;
  metrics: Metrics;
  maxPayload: number;
  slowConsumerMs?: number;
  keepAliveMs?: number;
  /** limits.wsMaxSocketsPerKey / wsMaxOperationsPerSocket; absent = unbounded. */
  maxSocketsPerKey?: number;
  maxOperationsPerSocket?: number;
  /** Keepalive pings and the slow-consumer rule (default: real time). */
  clock?: Clock;
}

interface Extra {
  socket: WebSocket;
  request: IncomingMessage;
  /** Sends a frame; resolves when it is handed to the kernel. */
  send(frame: string): Promise<void>;
  /** Sends a shared-path frame; answers a promise to wait for only when the socket's unsent window is full. */
  sendWindowed(frame: string): Promise<void> | undefined;
  auth?: AuthInfo;
  /** Whose socket it is for limits.wsMaxSocketsPerKey, once counted. */
  owner?: string;
}

/** What onSubscribe hands to execute/subscribe: the subscriber's envelop functions, and the shared-path key. */
interface OperationRoot {
  execute: (a: ExecutionArgs) => unknown;
  subscribe: SubscribeFn;
  shared?: { key: string; sink: FrameSink };
}

export function createWsServer(options: WsOptions) {
  const clock = options.clock ?? systemClock();
  const shared = new SharedSubscriptions({
    services: options.services,
    subscribe: (args) => options.yoga.getEnveloped({} as never).subscribe(args),
    maskError: maskError(options.log),
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload });
  const socketsPerOwner = new Map<string, number>();
  const release = (extra: Extra) => {
    if (!extra.owner) return;
    const left = (socketsPerOwner.get(extra.owner) ?? 1) - 1;
    if (left > 0) socketsPerOwner.set(extra.owner, left);
    else socketsPerOwner.delete(extra.owner);
    extra.owner = undefined;
  };
  const server = makeServer<ConnectionInitMessage['payload'], Extra>({
    onConnect: (ctx) => {
      const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
      try {
        ctx.extra.auth = options.auth.authenticate(typeof header === 'string' ? header : undefined);
      } catch {
        return false; // graphql-ws closes with 4403 Forbidden
      }
      const owner = ctx.extra.auth.keyName ? `key:${ctx.extra.auth.keyName}` : `ip:${ctx.extra.request.socket.remoteAddress}`;
      const open = socketsPerOwner.get(owner) ?? 0;
      if (open >= (options.maxSocketsPerKey ?? Infinity)) {
        options.metrics.limitRefused.inc({ limit: 'wsMaxSocketsPerKey' });
        ctx.extra.socket.close(CLOSE_TOO_MANY_SOCKETS, `Too many sockets for this API key (limits.wsMaxSocketsPerKey = ${options.maxSocketsPerKey})`);
        return false;
      }
      socketsPerOwner.set(owner, open + 1);
      ctx.extra.owner = owner;
      return true;
    },
    onSubscribe: async (ctx, id, params) => {
      // ctx.subscriptions holds this operation too (graphql-ws registers it before onSubscribe).
      if (Object.keys(ctx.subscriptions).length > (options.maxOperationsPerSocket ?? Infinity)) return [tooManyOperations(options)];
      const { schema, execute, subscribe, parse, validate } = options.yoga.getEnveloped({ req: ctx.extra.request, socket: ctx.extra.socket, params });
      // Parse and validation errors (the depth/alias/token limits throw theirs) answer this
      // operation alone; the socket and its other operations live on.
      let document;
      try {
        document = parse(params.query);
        const errors = validate(schema, document);
        if (errors.length) return errors;
      } catch (e) {
        if (e instanceof GraphQLError) return [e];
        throw e;
      }
      const auth = ctx.extra.auth!;
      const root: OperationRoot = { execute, subscribe };
      if (isSharedOperation(document, params.operationName)) {
        root.shared = { key: sharedOperationKey(params.query, params.operationName, params.variables, auth), sink: { id, send: ctx.extra.sendWindowed } };
      }
      const args: ExecutionArgs = {
        schema,
        document,
        operationName: params.operationName,
        variableValues: params.variables,
        contextValue: { services: options.services, auth },
        rootValue: root,
      };
      return args;
    },
    execute: (args) => (args.rootValue as OperationRoot).execute(args) as never,
    subscribe: (args) => {
      const root = args.rootValue as OperationRoot;
      return (root.shared ? shared.subscribe(root.shared.key, args, root.subscribe, root.shared.sink) : root.subscribe(args)) as never;
    },
  });

  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const log = options.log.child({ ws: request.socket.remoteAddress });
    socket.on('error', (err) => log.warn({ err }, 'websocket error'));
    const slowMs = options.slowConsumerMs ?? 30_000;
    let pending = 0;
    let oldestPendingAt = 0;
    const keepAliveMs = options.keepAliveMs ?? 12_000;
    let alive = true;
    socket.on('pong', () => (alive = true));
    const timer = clock.setInterval(
      () => {
        if (pending > 0) {
          // Unsent frames: a missing pong only means the client is not reading (the ping waits behind
          // them); the slow-consumer rule decides, so a stalled reader gets 4429, not a silent terminate.
          alive = true;
          if (clock.nowMs() - oldestPendingAt <= slowMs) return;
          options.metrics.slowClosed.inc();
          socket.close(CLOSE_SLOW_CONSUMER, 'Subscriber too slow: resume with after=<last seq>');
          setTimeout(() => socket.terminate(), 1000).unref();
          return;
        }
        if (!alive) return socket.terminate();
        alive = false;
        socket.ping();
      },
      Math.min(keepAliveMs, slowMs),
    );
    timer.unref();

    // Frames sent in one tick leave in one write (a batch of events → one syscall per socket).
    const raw = (socket as unknown as { _socket?: Duplex })._socket;
    let corked = false;
    const uncork = () => {
      corked = false;
      raw?.uncork();
    };
    let pendingBytes = 0;
    const send = (data: string) =>
      new Promise<void>((resolve) => {
        if (socket.readyState !== socket.OPEN) return resolve();
        if (!corked && raw) {
          corked = true;
          raw.cork();
          process.nextTick(uncork);
        }
        if (pending === 0) oldestPendingAt = clock.nowMs();
        pending += 1;
        pendingBytes += data.length;
        socket.send(data, () => {
          pending -= 1;
          pendingBytes -= data.length;
          if (pending > 0) oldestPendingAt = clock.nowMs();
          options.metrics.deliveries.inc();
          resolve();
        });
      });
    const sendWindowed = (data: string) => {
      const sent = send(data);
      return pendingBytes > UNSENT_WINDOW_BYTES ? sent : undefined;
    };
    const extra: Extra = { socket, request, send, sendWindowed };
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send,
        close: (code, reason) => socket.close(code, reason),
        onMessage: (cb) =>
          socket.on('message', async (data) => {
            try {
              await cb(String(data));
            } catch (err) {
              log.error({ err }, 'graphql-ws message handling failed');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            }
          }),
      },
      extra,
    );
    socket.once('close', (code, reason) => {
      clock.clearInterval(timer);
      release(extra);
      void closed(code, String(reason));
    });
  });

  return {
    wss,
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    async close() {
      for (const c of wss.clients) c.close(1001, 'Server going away');
      await new Promise<void>((r) => wss.close(() => r()));
      for (const c of wss.clients) c.terminate();
    },
  };
}

function tooManyOperations(options: WsOptions): GraphQLError {
  options.metrics.limitRefused.inc({ limit: 'wsMaxOperationsPerSocket' });
  return new GraphQLError(`Too many operations on this socket (limits.wsMaxOperationsPerSocket = ${options.maxOperationsPerSocket}): complete one first`, { extensions: { code: 'LIMIT_EXCEEDED' } });
}
