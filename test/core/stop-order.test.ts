/**
 * The order docs/adapters.md §9 states for stopping an instance (here after ctx.fail(), before the
 * restart): runExclusive work is aborted and
 * awaited first; then stop() runs while ctx.signal is NOT aborted yet and the instance's routes
 * already answer 503; ctx.signal aborts after stop() returns. A plugin's loop therefore needs its
 * own signal to be ended by stop().
 */
import { describe, expect, it } from 'vitest';
import { defineAdapter, sendJson, z } from '../../src/sdk.ts';
import { startTestApp } from '../helpers/app.ts';
import { waitFor } from '../helpers/wait-for.ts';

describe('stopping an adapter instance', () => {
  it('aborts and awaits exclusive work, then calls stop() with ctx.signal still live and routes answering 503, then aborts ctx.signal', async () => {
    const seen: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const signals: AbortSignal[] = [];
    const def = defineAdapter({
      type: 'order',
      version: '1.0.0',
      configSchema: z.object({ type: z.literal('order'), id: z.string() }).strict(),
      capabilities: [],
      graphqlPrefix: 'Order',
      start(ctx) {
        if (signals.push(ctx.signal) > 1) return { stop: () => {} }; // the restart
        ctx.signal.addEventListener('abort', () => seen.push('ctx.signal aborted'));
        ctx.route('GET', '/ping', ({ res }) => sendJson(res, 200, { ok: true }));
        ctx.route('POST', '/crash', ({ res }) => {
          ctx.fail(new Error('vendor socket hung up'));
          sendJson(res, 202, {});
        });
        ctx.runExclusive('loop', async (signal) => {
          await ctx.clock.sleep(Number.POSITIVE_INFINITY, signal);
          seen.push('exclusive work returned');
        });
        return {
          async stop() {
            seen.push(`stop() called, ctx.signal.aborted=${ctx.signal.aborted}`);
            await held;
            seen.push('stop() returns');
          },
        };
      },
    });
    const t = await startTestApp({ adapters: [def], config: { adapters: [{ type: 'order', id: 'a' }] } });
    expect((await fetch(`${t.url}/adapters/order/a/ping`)).status).toBe(200);

    try {
      expect((await fetch(`${t.url}/adapters/order/a/crash`, { method: 'POST' })).status).toBe(202);
      await waitFor(() => seen.includes('stop() called, ctx.signal.aborted=false'), 5000, 'stop() to be called');
      expect(seen).toEqual(['exclusive work returned', 'stop() called, ctx.signal.aborted=false']);
      expect(signals[0].aborted).toBe(false);
      const during = await fetch(`${t.url}/adapters/order/a/ping`);
      expect(during.status).toBe(503);
      expect(((await during.json()) as { error: { code: string } }).error.code).toBe('SERVICE_UNAVAILABLE');
      release();
      await waitFor(() => signals[0].aborted, 5000, 'ctx.signal to abort');
      expect(seen).toEqual(['exclusive work returned', 'stop() called, ctx.signal.aborted=false', 'stop() returns', 'ctx.signal aborted']);
    } finally {
      release();
      await t.close();
    }
  });
});
