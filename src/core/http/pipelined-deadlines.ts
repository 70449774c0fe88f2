/**
 * Deadlines of a pipelined HTTP client (safe-fetch.ts with `pipelining` > 1: one connection carrying
 * many requests in order, as a webhook sink's client does), kept by one sweep per client instead of a
 * timer, an AbortController and abort listeners per request.
 */
import type { Agent } from 'undici';

/** A request of a pipelined client under way, as the deadline sweep sees it. */
export interface Tracked {
  dispatcher: Agent;
  until: number;
  signal: AbortSignal | undefined;
  /** Its own deadline passed. */
  timedOut: boolean;
  /** Why its connection was ended under it (another request's deadline, or the caller's abort). */
  brokenBy: string | null;
}

/** How often a pipelined client looks for requests past their deadline: the deadline's granularity. */
const SWEEP_MS = 250;

/**
 * One sweep every SWEEP_MS while requests are under way (the per-request timer, AbortController and
 * listeners were about 6% of a webhook sink's CPU per delivery in a profile, plus their garbage). A
 * request past its deadline (or whose caller's signal aborts) ends its dispatcher, which fails it and
 * every request queued behind it on that connection (they could not be answered before it anyway);
 * `replaced` swaps in a new dispatcher.
 */
export function pipelinedDeadlines(replaced: (broken: Agent) => void) {
  const pending = new Set<Tracked>();
  const watched = new WeakSet<AbortSignal>();
  let sweeper: NodeJS.Timeout | null = null;
  const breakAll = (dispatcher: Agent, reason: Error, brokenBy: string) => {
    for (const t of pending) if (t.dispatcher === dispatcher && !t.timedOut) t.brokenBy ??= brokenBy;
    replaced(dispatcher);
    dispatcher.destroy(reason).catch(() => {});
  };
  const sweep = () => {
    const now = Date.now();
    for (const t of pending) {
      if (t.until > now || t.timedOut || t.brokenBy) continue;
      t.timedOut = true;
      breakAll(t.dispatcher, new Error('deadline'), 'an earlier request on the connection got no answer in time');
    }
  };
  return {
    track(dispatcher: Agent, timeoutMs: number, signal: AbortSignal | undefined): Tracked {
      const t: Tracked = { dispatcher, until: Date.now() + timeoutMs, signal, timedOut: false, brokenBy: null };
      pending.add(t);
      sweeper ??= setInterval(sweep, SWEEP_MS).unref();
      if (signal && !watched.has(signal)) {
        watched.add(signal);
        signal.addEventListener(
          'abort',
          () => {
            for (const x of [...pending]) if (x.signal === signal && !x.brokenBy) breakAll(x.dispatcher, signal.reason ?? new Error('aborted'), 'aborted');
          },
          { once: true },
        );
      }
      return t;
    },
    done(t: Tracked): void {
      pending.delete(t);
      if (pending.size === 0 && sweeper) {
        clearInterval(sweeper);
        sweeper = null;
      }
    },
    stop(): void {
      if (sweeper) clearInterval(sweeper);
      sweeper = null;
    },
  };
}
