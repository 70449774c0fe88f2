/**
 * FF-Events (CAMMRA / AXIS License Plate Verifier) adapter: HTTP multipart/JSON push and raw TCP
 * push of licence plate reads. Built on the public SDK only.
 */
import { defineAdapter } from '../../sdk.ts';
import { ffConfigSchema } from './config.ts';
import { ffHttpHandler } from './http.ts';
import { addFfSchema } from './schema.ts';
import { ffTcpHandler } from './tcp.ts';

export const ffAdapter = defineAdapter({
  type: 'ff',
  version: '1.0.0',
  sdk: '^2.0.0',
  description: 'FF-Events LPR push (HTTP multipart/JSON and TCP)',
  configSchema: ffConfigSchema,
  capabilities: [],
  graphqlPrefix: 'Ff',
  graphql: (builder, refs) => addFfSchema(builder, refs, 'ff'),
  async start(ctx) {
    ctx.route('POST', '/events', ffHttpHandler(ctx));
    const tcp = ctx.config.tcpPort === undefined ? null : await ctx.listenTcp({ port: ctx.config.tcpPort, host: ctx.config.tcpHost, onConnection: ffTcpHandler(ctx) });
    if (tcp) ctx.log.info({ port: tcp.port }, 'FF TCP push listener ready');
    if (tcp && ctx.config.auth && ctx.config.allowIps.length === 0) {
      // Only with allowUnauthenticatedTcp: true (the config refuses it otherwise).
      const note = `TCP port ${tcp.port} accepts events from any address without credentials (allowUnauthenticatedTcp); auth protects HTTP only`;
      ctx.log.warn(note);
      ctx.setStatus('READY', note);
    }
    return {
      tcpPort: tcp?.port,
      stop: async () => {
        await tcp?.close();
      },
    };
  },
});
