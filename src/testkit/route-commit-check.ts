/**
 * Routes answer 2xx only after the event is committed. While this check runs, every publish() made
 * inside a route handler is held back (recorder.ts: the route wrapper hands its request to the
 * publish wrapper through AsyncLocalStorage) until the handler's answer finished or the detection
 * window (`routeCommitWindowMs`, default 300 ms) passed, then goes to the store. A handler that
 * awaits publish() cannot answer meanwhile: it answers once the window passed and the event is
 * stored. A handler that answers 2xx first is caught with its publish still held.
 *
 * The window only bounds how long a correct route is slowed down during the check; it does not
 * synchronise anything (the answer and the stored event are awaited as conditions). A mistaken
 * route whose answer needs longer than the window to go out (a huge body) could slip through: it
 * finds the mistake, it does not prove its absence.
 */
import type { AdapterRecording } from './recorder.ts';
import type { ConformanceCheck, ConformanceEnv, ConformanceSimulator } from './types.ts';
import { waitUntil } from './live.ts';

export interface RouteCommitCheckDeps {
  rec: AdapterRecording;
  sim: ConformanceSimulator;
  windowMs: number;
  timeoutMs: number;
  live(): Promise<void>;
  env(): ConformanceEnv;
  /** Wait until `n` events more than `before` are stored (throws saying what is missing). */
  stored(before: number, what: string): Promise<void>;
  count(): Promise<number>;
}

export const DEFAULT_ROUTE_COMMIT_WINDOW_MS = 300;

export function routeCommitCheck(deps: RouteCommitCheckDeps): ConformanceCheck {
  const { rec } = deps;
  return {
    name: 'routes: answer 2xx only after publish() resolved (the event is committed)',
    run: async () => {
      await deps.live();
      const from = rec.routeRequests.length;
      const before = await deps.count();
      const routePublished = () => rec.routeRequests.slice(from).filter((r) => !r.replay && r.publishes.length > 0);
      rec.hold = { windowMs: deps.windowMs };
      try {
        await deps.sim.produceEvent(deps.env());
        await deps.stored(before, 'the produced event to be stored');
        // An event polled from the vendor: its re-delivery may come through a route (a webhook).
        if (!routePublished().length && deps.sim.produceDuplicate) {
          await deps.sim.produceDuplicate(deps.env());
          await waitUntil(() => rec.pending === 0, deps.timeoutMs, 'the publish() calls of the duplicate delivery to settle');
        }
      } finally {
        rec.hold = null;
      }
      const mine = routePublished();
      if (!mine.length) return { skipped: 'no request to its routes led to a publish() when the simulator produced an event or a duplicate (a poll or socket adapter)' };
      await waitUntil(() => mine.every((r) => r.handlerDone), deps.timeoutMs, 'the route handlers to finish');
      const early = mine.find((r) => r.answeredWhileHeld !== undefined);
      if (early)
        throw new Error(
          `the route ${early.method} ${early.path} answered ${early.answeredWhileHeld} before publish() resolved: the vendor will not re-send an event that was never stored. Await ctx.publish() and answer 2xx after it resolved (an error status when it rejects)`,
        );
    },
  };
}
