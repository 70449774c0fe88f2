/**
 * When a subscriber listens: the server counts an `events` subscription (subscriptions_active) as it
 * starts listening on the bus, so a test that needs a live subscriber waits for the count, not a while.
 */
import type { Metrics } from '../../src/core/ops/metrics.ts';

/** The `events` subscriptions an app holds now. */
export async function eventSubscriptions(app: { metrics: Metrics }): Promise<number> {
  return (await app.metrics.subscriptions.get()).values.find((v) => v.labels.field === 'events')?.value ?? 0;
}
