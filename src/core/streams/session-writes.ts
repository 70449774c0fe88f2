/**
 * The stream sessions' database writes: each session's writes run in order (a delete never
 * overtakes the save before it), failures are logged (the vendor session goes on), and shutdown
 * can wait for every write in flight.
 */
import type { Logger } from 'pino';
import type { Session } from './session.ts';

export class SessionWrites {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly log: Logger) {}

  /** Queue `write` behind the session's earlier writes. */
  persist(s: Session, write: () => Promise<void>): void {
    const p = (s.persisting ?? Promise.resolve()).then(write).catch((err) => this.log.error({ err, session: s.id }, 'stream session not persisted'));
    s.persisting = p;
    this.track(p);
    void p.finally(() => {
      if (s.persisting === p) s.persisting = null;
    });
  }

  /** Count a write done elsewhere (e.g. a viewer's use) so that shutdown waits for it. */
  track(p: Promise<unknown>): void {
    const q = p.then(() => {});
    this.inFlight.add(q);
    void q.finally(() => this.inFlight.delete(q));
  }

  /** Resolves when every write started so far has finished. */
  async settled(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }
}
