/**
 * graphql-ws on /graphql, through the same envelop plugins as HTTP (yoga.getEnveloped).
 * - connection_init must carry a valid key when auth is on (else close 4403);
 * - frames over `maxPayload` close the socket (1009);
 * - each send resolves when the frame is handed to the kernel, so a client that stops reading
 *   stops its subscriptions pulling events: they fall back to catching up from the log, memory
 *   stays bounded. A client that has not drained a frame for `slowConsumerMs` is closed with 4429
 *   and can resume with `after`.
 */
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { makeServer, CloseCode, type ConnectionInitMessage } from 'graphql-ws';
import type { ExecutionArgs } from 'graphql';
import type { Logger } from 'pino';
import type { ApiKeyAuth } from '../auth/api-keys.ts';
import type { AuthInfo, CoreServices } from '../../schema/context.ts';
import type { Metrics } from '../ops/metrics.ts';
import type { Yoga } from './yoga.ts';

export const CLOSE_SLOW_CONSUMER = 4429;

export interface WsOptions {
  yoga: Yoga;
  auth: ApiKeyAuth;
  services: CoreServices;
  log: Logger;
  metrics: Metrics;
  maxPayload: number;
  slowConsumerMs?: number;
  keepAliveMs?: number;
}

interface Extra {
  socket: WebSocket;
  request: IncomingMessage;
  auth?: AuthInfo;
}

export function createWsServer(o: WsOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: o.maxPayload });
  const server = makeServer<ConnectionInitMessage['payload'], Extra>({
    onConnect: (ctx) => {
      const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
      try {
        ctx.extra.auth = o.auth.authenticate(typeof header === 'string' ? header : undefined);
        return true;
      } catch {
        return false; // graphql-ws closes with 4403 Forbidden
      }
    },
    onSubscribe: async (ctx, _id, params) => {
      const { schema, execute, subscribe, parse, validate } = o.yoga.getEnveloped({ req: ctx.extra.request, socket: ctx.extra.socket, params });
      let document;
      try {
        document = parse(params.query);
      } catch (e) {
        return [e as never];
      }
      const errors = validate(schema, document);
      if (errors.length) return errors;
      const args: ExecutionArgs = {
        schema,
        document,
        operationName: params.operationName,
        variableValues: params.variables,
        contextValue: { services: o.services, auth: ctx.extra.auth! },
        rootValue: { execute, subscribe },
      };
      return args;
    },
    execute: (args) => (args.rootValue as { execute: (a: ExecutionArgs) => unknown }).execute(args) as never,
    subscribe: (args) => (args.rootValue as { subscribe: (a: ExecutionArgs) => unknown }).subscribe(args) as never,
  });

  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const log = o.log.child({ ws: request.socket.remoteAddress });
    socket.on('error', (err) => log.warn({ err: err.message }, 'websocket error'));
    const slowMs = o.slowConsumerMs ?? 30_000;
    let pending = 0;
    let oldestPendingAt = 0;
    const keepAliveMs = o.keepAliveMs ?? 12_000;
    let alive = true;
    socket.on('pong', () => (alive = true));
    const timer = setInterval(() => {
      if (pending > 0 && Date.now() - oldestPendingAt > slowMs) {
        o.metrics.slowClosed.inc();
        socket.close(CLOSE_SLOW_CONSUMER, 'Subscriber too slow: resume with after=<last seq>');
        setTimeout(() => socket.terminate(), 1000).unref();
        return;
      }
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
    }, Math.min(keepAliveMs, slowMs));
    timer.unref();

    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            if (pending === 0) oldestPendingAt = Date.now();
            pending += 1;
            socket.send(data, () => {
              pending -= 1;
              if (pending > 0) oldestPendingAt = Date.now();
              o.metrics.deliveries.inc();
              resolve();
            });
          }),
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
      { socket, request },
    );
    socket.once('close', (code, reason) => {
      clearInterval(timer);
      void closed(code, String(reason));
    });
  });

  return {
    wss,
    handleUpgrade(req: IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    async close() {
      for (const c of wss.clients) c.close(1001, 'Server going away');
      await new Promise<void>((r) => wss.close(() => r()));
      for (const c of wss.clients) c.terminate();
    },
  };
}
