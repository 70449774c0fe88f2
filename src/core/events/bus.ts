/**
 * The event bus carries committed events, in seq order, from the writer to subscription fan-out.
 * In-process here; a Redis-backed bus implements the same interface for several instances.
 */
import type { StoredEvent } from './model.ts';

export type BusListener = (events: readonly StoredEvent[]) => void;

export interface EventBus {
  publish(events: readonly StoredEvent[]): void;
  subscribe(listener: BusListener): () => void;
  close(): Promise<void>;
}

/** Hand events to every listener; one throwing does not keep them from the others. */
export function notifyListeners(listeners: Iterable<BusListener>, events: readonly StoredEvent[], onError: (err: unknown) => void): void {
  for (const l of listeners) {
    try {
      l(events);
    } catch (err) {
      onError(err);
    }
  }
}

export class LocalEventBus implements EventBus {
  private readonly listeners = new Set<BusListener>();
  constructor(private readonly onListenerError: (err: unknown) => void = () => {}) {}

  publish(events: readonly StoredEvent[]): void {
    if (events.length === 0) return;
    notifyListeners(this.listeners, events, this.onListenerError);
  }

  subscribe(listener: BusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
