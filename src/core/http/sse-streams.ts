/**
 * The open SSE responses (`Accept: text/event-stream` on /graphql) of each API key (of each client
 * address when no keys exist), bounded by limits.sseMaxStreamsPerKey: an SSE subscription holds a
 * response, a subscription and its buffer for as long as it lives, so one key opening thousands would
 * exhaust the server for every other client. The graphql-ws counterpart is limits.wsMaxSocketsPerKey.
 */
export class SseStreams {
  private readonly open = new Map<string, number>();

  constructor(readonly maxPerKey: number) {}

  /** Counts one more stream of `who` and returns its release, or null when `who` is at the limit. */
  acquire(who: string): (() => void) | null {
    const n = this.open.get(who) ?? 0;
    if (n >= this.maxPerKey) return null;
    this.open.set(who, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(who) ?? 1) - 1;
      if (left > 0) this.open.set(who, left);
      else this.open.delete(who);
    };
  }

  /** Open streams of `who` (tests, metrics). */
  count(who: string): number {
    return this.open.get(who) ?? 0;
  }
}
