/**
 * One distinct subscription operation (document + operation name + variables + scopes) shared by
 * every subscriber that runs it: each event is executed and serialised once, and the resulting
 * payload JSON is handed to all of them (memoised per event seq).
 *
 * Execution goes through the envelop pipeline like any subscription: the operation is subscribed
 * once (scope check, error masking, the schema's own `events` resolver) with a context whose
 * `subscribeEvents` returns an EventFeed; events are pushed into the feed and the execution results
 * come out of the stream in the same order, one per event.
 */
import type { ExecutionArgs, ExecutionResult } from 'graphql';
import type { StoredEvent } from '../events/model.ts';
import type { CoreServices, GraphQLContext } from '../ports.ts';

export type SubscribeFn = (args: ExecutionArgs) => unknown;

/** Memoised payloads kept for subscribers that have not asked yet (a stalled one re-executes past this). */
const MAX_CACHED = 256;

/** A push-fed async iterator: what the shared operation's `events` field subscribes to. */
class EventFeed implements AsyncIterableIterator<StoredEvent> {
  private readonly items: StoredEvent[] = [];
  private waiter: ((r: IteratorResult<StoredEvent>) => void) | null = null;
  private done = false;

  push(e: StoredEvent): void {
    const w = this.waiter;
    if (w) {
      this.waiter = null;
      w({ value: e, done: false });
    } else this.items.push(e);
  }

  next(): Promise<IteratorResult<StoredEvent>> {
    const e = this.items.shift();
    if (e) return Promise.resolve({ value: e, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiter = resolve));
  }

  async return(): Promise<IteratorResult<StoredEvent>> {
    this.done = true;
    this.items.length = 0;
    const w = this.waiter;
    this.waiter = null;
    w?.({ value: undefined, done: true });
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** The payload of a graphql-ws `next` frame, serialised as graphql-ws does (errors last, via toJSON). */
export function serialiseResult(result: ExecutionResult): string {
  const { errors, ...rest } = result;
  return JSON.stringify(errors ? { ...rest, errors: errors.map((e) => e.toJSON()) } : rest);
}

const isAsyncIterable = (x: unknown): x is AsyncIterable<ExecutionResult> => typeof x === 'object' && x !== null && typeof (x as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';

export class SharedOperation {
  /** Resolves to null when the operation cannot be shared (subscribe answered errors): subscribers run it on their own. */
  readonly ready: Promise<SharedOperation | null>;
  private members = 0;
  private readonly cache = new Map<bigint, { payload: Promise<string>; waiting: number }>();
  private readonly feed = new EventFeed();
  private readonly waiters: Array<{ resolve(json: string): void; reject(err: unknown): void }> = [];
  private results: AsyncIterator<ExecutionResult> | null = null;
  private pumping = false;
  private failure: unknown = null;
  private closed = false;

  constructor(args: ExecutionArgs, services: CoreServices, subscribe: SubscribeFn) {
    const feed = this.feed;
    const feedServices: CoreServices = Object.create(services, { subscribeEvents: { value: () => feed } });
    const ctx = args.contextValue as GraphQLContext;
    const groupArgs: ExecutionArgs = { ...args, contextValue: { ...ctx, services: feedServices }, rootValue: undefined };
    this.ready = Promise.resolve()
      .then(() => subscribe(groupArgs))
      .then(
        (r) => {
          if (!isAsyncIterable(r)) return null;
          this.results = r[Symbol.asyncIterator]();
          if (this.closed) void this.results.return?.();
          return this;
        },
        () => null,
      );
  }

  join(): void {
    this.members += 1;
  }

  /** Returns true when the last member left (the operation is closed). */
  leave(): boolean {
    this.members -= 1;
    if (this.members > 0) return false;
    this.close();
    return true;
  }

  /** Its execution stream failed: members get the error, new subscribers need a new operation. */
  get broken(): boolean {
    return this.failure !== null;
  }

  /** The payload JSON for one event: executed on the first request, shared with the other members. */
  render(e: StoredEvent): Promise<string> {
    const hit = this.cache.get(e.seq);
    if (hit) {
      if (--hit.waiting <= 0) this.cache.delete(e.seq);
      return hit.payload;
    }
    const payload = this.execute(e);
    if (this.members > 1) {
      this.cache.set(e.seq, { payload, waiting: this.members - 1 });
      if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    }
    return payload;
  }

  private execute(e: StoredEvent): Promise<string> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const p = new Promise<string>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.feed.push(e);
    if (!this.pumping) void this.pump();
    return p;
  }

  /** Pulls one result per pushed event, in order, while events wait. */
  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.waiters.length > 0) {
        const r = await this.results!.next();
        if (r.done) throw new Error('shared subscription ended');
        this.waiters.shift()!.resolve(serialiseResult(r.value));
      }
    } catch (err) {
      this.failure = err;
      for (const w of this.waiters.splice(0)) w.reject(err);
      this.cache.clear();
    } finally {
      this.pumping = false;
    }
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cache.clear();
    void this.feed.return();
    void this.results?.return?.();
  }
}
