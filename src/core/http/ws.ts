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
 * - per idle socket the server keeps little (issue 19: 10,000 idle subscribers): one keepalive and
 *   slow-consumer sweep for all sockets instead of a timer each, no logger or HTTP request object
 *   per socket, and a subscriber's envelop functions dropped once its operation has started;
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

/**
 * What onSubscribe hands to execute/subscribe: the subscriber's envelop functions, and the
 * shared-path key. graphql-ws keeps the execution args (and so this) for the operation's life: the
 * functions are dropped once called, so they do not hold their envelop context that long.
 */
interface OperationRoot {
  execute?: (a: ExecutionArgs) => unknown;
  subscribe?: SubscribeFn;
  shared?: { key: string; sink: FrameSink };
}

/** What a connection needs from its server. */
interface ConnectionHub {
  clock: Clock;
  metrics: Metrics;
  log: Logger;
}

function uncork(c: WsConnection): void {
  c.corked = false;
  c.raw?.uncork();
}

/**
 * One graphql-ws connection: the socket graphql-ws talks to (protocol, send, close, onMessage) and
 * its `extra` (auth, owner, windowed sends), with the state of the keepalive and slow-consumer sweep.
 * A class, so that an idle connection's behaviour lives on the prototype: under tsx (keepNames)
 * every closure instance also gets its own `name` property, about 300 bytes each.
 */
class WsConnection {
  readonly protocol: string;
  /** The underlying TCP socket (frames sent in one tick leave in one write: corked until the next tick). */
  readonly raw: Duplex | undefined;
  corked = false;
  /** A pong (or the connection) since the last ping; when that ping went; whether frames went out since the last pong. */
  alive = true;
  pingAt = 0;
  sentSincePong = false;
  /** Frames handed to ws but not yet to the kernel, their bytes, and since when the oldest of them waits. */
  pending = 0;
  pendingBytes = 0;
  oldestPendingAt = 0;
  auth?: AuthInfo;
  /** Whose socket it is for limits.wsMaxSocketsPerKey, once counted. */
  owner?: string;

  constructor(
    readonly socket: WebSocket,
    /** The client's address (the upgrade request itself is not kept). */
    readonly remoteAddress: string | undefined,
    private readonly hub: ConnectionHub,
  ) {
    this.protocol = socket.protocol;
    this.raw = (socket as unknown as { _socket?: Duplex })._socket;
  }

  /** A logger for this socket, made only when there is something to log. */
  log(): Logger {
    return this.hub.log.child({ ws: this.remoteAddress });
  }

  /** Sends a frame; resolves when it is handed to the kernel. */
  send(data: string): Promise<void> {
    return new Promise<void>((resolve) => {
      const socket = this.socket;
      if (socket.readyState !== socket.OPEN) return resolve();
      if (!this.corked && this.raw) {
        this.corked = true;
        this.raw.cork();
        process.nextTick(uncork, this);
      }
      const clock = this.hub.clock;
      if (this.pending === 0) this.oldestPendingAt = clock.nowMs();
      this.sentSincePong = true;
      this.pending += 1;
      this.pendingBytes += data.length;
      socket.send(data, () => {
        this.pending -= 1;
        this.pendingBytes -= data.length;
        if (this.pending > 0) this.oldestPendingAt = clock.nowMs();
        this.hub.metrics.deliveries.inc();
        resolve();
      });
    });
  }

  /** Sends a shared-path frame; answers a promise to wait for only when the socket's unsent window is full. */
  sendWindowed(data: string): Promise<void> | undefined {
    const sent = this.send(data);
    return this.pendingBytes > UNSENT_WINDOW_BYTES ? sent : undefined;
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
  }

  onMessage(cb: (data: string) => Promise<void>): void {
    this.socket.on('message', (data) => this.receive(cb, String(data)));
  }

  private receive(cb: (data: string) => Promise<void>, data: string): void {
    // Not awaited here: a subscribe message's handler runs as long as its subscription.
    cb(data).catch((err) => {
      this.log().error({ err }, 'graphql-ws message handling failed');
      this.socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
  }
}

/** A shared-path subscriber's frames: its graphql-ws id and its connection's windowed send. */
class ConnectionSink implements FrameSink {
  constructor(
    readonly id: string,
    private readonly conn: WsConnection,
  ) {}

  send(frame: string): Promise<void> | undefined {
    return this.conn.sendWindowed(frame);
  }
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
  const release = (extra: WsConnection) => {
    if (!extra.owner) return;
    const left = (socketsPerOwner.get(extra.owner) ?? 1) - 1;
    if (left > 0) socketsPerOwner.set(extra.owner, left);
    else socketsPerOwner.delete(extra.owner);
    extra.owner = undefined;
  };
  const server = makeServer<ConnectionInitMessage['payload'], WsConnection>({
    onConnect: (ctx) => {
      const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
      try {
        ctx.extra.auth = options.auth.authenticate(typeof header === 'string' ? header : undefined);
      } catch {
        return false; // graphql-ws closes with 4403 Forbidden
      }
      const owner = ctx.extra.auth.keyName ? `key:${ctx.extra.auth.keyName}` : `ip:${ctx.extra.remoteAddress}`;
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
      // The contextValue is built below (services, auth): no plugin reads the initial context's request here.
      const { schema, execute, subscribe, parse, validate } = options.yoga.getEnveloped({ params });
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
        root.shared = { key: sharedOperationKey(params.query, params.operationName, params.variables, auth), sink: new ConnectionSink(id, ctx.extra) };
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
    execute: (args) => {
      const root = args.rootValue as OperationRoot;
      const execute = root.execute!;
      root.execute = root.subscribe = undefined;
      return execute(args) as never;
    },
    subscribe: (args) => {
      const root = args.rootValue as OperationRoot;
      const subscribe = root.subscribe!;
      root.execute = root.subscribe = undefined;
      return (root.shared ? shared.subscribe(root.shared.key, args, subscribe, root.shared.sink) : subscribe(args)) as never;
    },
  });

  // One sweep over every socket, every min(keepAliveMs, slowConsumerMs), runs while sockets are open.
  const slowMs = options.slowConsumerMs ?? 30_000;
  const keepAliveMs = options.keepAliveMs ?? 12_000;
  const conns = new Set<WsConnection>();
  let sweepTimer: ReturnType<Clock['setInterval']> | null = null;
  const closeSlow = (c: WsConnection) => {
    const socket = c.socket;
    conns.delete(c);
    options.metrics.slowClosed.inc();
    socket.close(CLOSE_SLOW_CONSUMER, 'Subscriber too slow: resume with after=<last seq>');
    setTimeout(() => socket.terminate(), 1000).unref();
  };
  const check = (c: WsConnection) => {
    const socket = c.socket;
    const now = clock.nowMs();
    if (c.pending > 0) {
      // Unsent frames: a missing pong only means the client is not reading (the ping waits behind
      // them); the slow-consumer rule decides, so a stalled reader gets 4429, not a silent terminate.
      c.alive = true;
      if (now - c.oldestPendingAt > slowMs) closeSlow(c);
      return;
    }
    if (!c.alive) {
      // No pong, but frames went out since the last pong: they may sit unread in the kernel's buffers
      // (a client that stopped reading, not a dead one), the ping behind them. The slow-consumer
      // rule decides, counted from the unanswered ping; a socket with nothing unread is dead.
      if (c.sentSincePong) {
        if (now - c.pingAt > slowMs) closeSlow(c);
        return;
      }
      conns.delete(c);
      return socket.terminate();
    }
    c.alive = false;
    c.pingAt = now;
    socket.ping();
  };
  const track = (c: WsConnection) => {
    conns.add(c);
    sweepTimer ??= clock
      .setInterval(
        () => {
          for (const c of conns) check(c);
        },
        Math.min(keepAliveMs, slowMs),
      )
      .unref();
  };
  const untrack = (c: WsConnection) => {
    conns.delete(c);
    if (conns.size === 0 && sweepTimer) {
      clock.clearInterval(sweepTimer);
      sweepTimer = null;
    }
  };

  const hub: ConnectionHub = { clock, metrics: options.metrics, log: options.log };
  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const conn = new WsConnection(socket, request.socket.remoteAddress, hub);
    socket.on('error', (err) => conn.log().warn({ err }, 'websocket error'));
    socket.on('pong', () => {
      conn.alive = true;
      conn.sentSincePong = false;
    });
    track(conn);
    const closed = server.opened(conn, conn);
    socket.once('close', (code, reason) => {
      untrack(conn);
      release(conn);
      void closed(code, String(reason));
    });
  });

  return {
    wss,
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    async close() {
      if (sweepTimer) clock.clearInterval(sweepTimer);
      sweepTimer = null;
      conns.clear();
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
