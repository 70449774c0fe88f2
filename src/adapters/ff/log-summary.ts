/**
 * Counts by reason, logged at most once per interval: the first occurrence at once, then whatever
 * accumulated at the end of each interval in which something happened. Input a peer controls
 * (junk objects, refused connections) then costs a bounded number of log lines, however much of
 * it arrives.
 */
export class LogSummary {
  private counts: Record<string, number> = {};
  private pending = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly emit: (counts: Record<string, number>) => void,
  ) {}

  add(reason: string, by = 1): void {
    this.counts[reason] = (this.counts[reason] ?? 0) + by;
    this.pending = true;
    if (!this.timer) this.flush();
  }

  /** Stops the timer; counts not yet logged are dropped (the caller's closing summary has the totals). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.counts = {};
    this.pending = false;
  }

  private flush(): void {
    this.timer = null;
    if (!this.pending) return;
    const counts = this.counts;
    this.counts = {};
    this.pending = false;
    this.emit(counts);
    this.timer = setTimeout(() => this.flush(), this.intervalMs);
    this.timer.unref();
  }
}
