/**
 * Flow-controlled publisher for the fan-out benchmark, used identically by our server and the bare
 * floor: publishes `batch` events at a time while fewer than `window` events per subscriber are
 * still unsent (deliveries counted by each server when a frame is handed to the kernel), so
 * neither side is measured filling unbounded buffers and ours never overflows into log catch-up.
 */
export interface PumpOptions {
  total: number;
  subscribers: number;
  batch: number;
  window: number;
  publish(from: number, to: number): void;
  /** Deliveries completed so far (monotonic). */
  delivered(): number | Promise<number>;
}

export async function pump(options: PumpOptions): Promise<{ ms: number; waits: number }> {
  const started = performance.now();
  const base = await options.delivered();
  let sent = 0;
  let waits = 0;
  const limit = options.window * options.subscribers;
  while (sent < options.total) {
    const inFlight = sent * options.subscribers - ((await options.delivered()) - base);
    if (inFlight + options.batch * options.subscribers <= limit) {
      const to = Math.min(options.total, sent + options.batch);
      options.publish(sent, to);
      sent = to;
    } else waits++;
    await new Promise<void>((r) => setImmediate(r));
  }
  return { ms: performance.now() - started, waits };
}
