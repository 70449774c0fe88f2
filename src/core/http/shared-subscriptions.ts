/**
 * Shared fan-out for `subscription { events … }` over graphql-ws: subscribers that run the same
 * operation (document, operation name, variables, scopes) share one SharedOperation, so each
 * event is executed and serialised once and the same payload bytes go to all of them; only the
 * frame's `id` differs, spliced around the shared payload.
 *
 * Each subscriber still subscribes through the envelop pipeline (scope check, argument coercion,
 * masked errors, the schema's own `events` resolver) and keeps its own EventSubscription: its own
 * bounded buffer, catch-up from the log, `after` replay, filter, ordering and socket backpressure.
 * Only what the resolver asks for (`subscribeEvents(filter, after)`) is taken from that pipeline:
 * once it answered a stream (the checks passed), that stream is closed at once — it would never be
 * pulled, and it holds the subscriber's execution context, envelop wrappers and per-request caches
 * (about 8 KB an idle subscriber) — and the EventSubscription is opened with the same arguments.
 * The per-event execution is the shared one. Operations that are not a single `events` root field
 * keep the ordinary per-subscriber path.
 *
 * Scopes: the share key includes the caller's scopes, so a shared execution (run with its first
 * subscriber's context) only ever serves keys with the same scopes; and a subscriber becomes a
 * member only after its own subscribe passed the `events` field's scope check (authorizeOnSubscribe,
 * src/schema/scopes.ts): a refused one gets its FORBIDDEN result and no frame of the shared stream.
 */
import { Kind, getOperationAST, type DocumentNode, type ExecutionArgs } from 'graphql';
import type { StoredEvent } from '../events/model.ts';
import type { AuthInfo, CoreServices, GraphQLContext } from '../ports.ts';
import { SharedOperation, type SubscribeFn } from './shared-operation.ts';

/** Where a shared subscriber's frames go: the graphql-ws subscription id and the socket's send. */
export interface FrameSink {
  id: string;
  /** Queues a frame; answers a promise to wait for (backpressure) when the socket has too much unsent. */
  send(frame: string): Promise<void> | undefined;
}

export interface SharedSubscriptionsOptions {
  services: CoreServices;
  /** Envelop subscribe for an operation's single shared execution stream. */
  subscribe: SubscribeFn;
  /** Turns an error thrown by a subscriber's stream into what the client may see. */
  maskError: (err: unknown) => Error;
}

/** A subscription whose only root field is `events` (no directives): its per-event result depends on the event alone. */
export function isSharedOperation(document: DocumentNode, operationName?: string | null): boolean {
  const op = getOperationAST(document, operationName);
  if (op?.operation !== 'subscription' || op.selectionSet.selections.length !== 1) return false;
  const sel = op.selectionSet.selections[0];
  return sel.kind === Kind.FIELD && sel.name.value === 'events' && !sel.directives?.length;
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` variables share. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/** What makes two subscribers' results identical: the operation, its variables and the caller's scopes. */
export function sharedOperationKey(query: string, operationName: string | null | undefined, variables: unknown, auth: AuthInfo): string {
  const scopes = auth.open ? '*' : [...auth.scopes].sort().join(' ');
  return `${scopes}\n${operationName ?? ''}\n${stableJson(variables ?? {})}\n${query}`;
}

const DONE: IteratorResult<never> = { value: undefined, done: true };

/** The stand-in event source of a shared subscriber's own (never pulled) execution stream. */
const NO_EVENTS: AsyncIterable<StoredEvent> = {
  [Symbol.asyncIterator]: () => ({ next: async () => DONE, return: async () => DONE }),
};

const isAsyncIterable = (x: unknown): x is AsyncIterable<unknown> => typeof x === 'object' && x !== null && typeof (x as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';

/**
 * One subscriber on the shared path. To graphql-ws it is a stream that yields nothing and ends when
 * the subscription does; it writes its `next` frames itself (payload shared, id its own), in order,
 * and stops pulling events while its socket's unsent window is full.
 */
class SharedSubscriber implements AsyncIterableIterator<never> {
  private closed = false;
  private running = false;
  private readonly prefix: string;

  constructor(
    private readonly op: SharedOperation,
    private readonly source: AsyncIterator<StoredEvent>,
    private readonly sink: FrameSink,
    private readonly onEnd: () => void,
    private readonly maskError: (err: unknown) => Error,
  ) {
    this.prefix = `{"id":${JSON.stringify(sink.id)},"type":"next","payload":`;
  }

  next(): Promise<IteratorResult<never>> {
    if (this.running || this.closed) return Promise.resolve(DONE);
    this.running = true;
    return this.run();
  }

  private async run(): Promise<IteratorResult<never>> {
    try {
      while (!this.closed) {
        const r = await this.source.next();
        if (r.done || this.closed) break;
        const payload = await this.op.render(r.value);
        if (this.closed) break;
        const full = this.sink.send(`${this.prefix}${payload}}`);
        if (full) await full;
      }
    } catch (err) {
      if (!this.closed) throw this.maskError(err);
    } finally {
      await this.end();
    }
    return DONE;
  }

  async return(): Promise<IteratorResult<never>> {
    await this.end();
    return DONE;
  }

  private async end(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onEnd();
    await this.source.return?.();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

export class SharedSubscriptions {
  private readonly operations = new Map<string, SharedOperation>();

  constructor(private readonly options: SharedSubscriptionsOptions) {}

  /**
   * Subscribes through `subscribe` (the subscriber's envelop pipeline), keeping the event source it
   * opens; answers what graphql-ws expects from `subscribe`: a stream, or an ExecutionResult with
   * errors. Falls back to the ordinary stream when the operation cannot be shared.
   */
  async subscribe(key: string, args: ExecutionArgs, subscribe: SubscribeFn, sink: FrameSink): Promise<unknown> {
    // Join first: a member counts for every event its source can see, so each executes once.
    const op = this.join(key, args);
    let member: SharedSubscriber | null = null;
    try {
      const services = this.options.services;
      // What the subscriber's `events` resolver asked for; it gets a stand-in that yields nothing.
      let asked: Parameters<CoreServices['subscribeEvents']> | null = null;
      const capture: CoreServices = Object.create(services, {
        subscribeEvents: {
          value: (...a: Parameters<CoreServices['subscribeEvents']>) => {
            asked = a;
            return NO_EVENTS;
          },
        },
      });
      const ctx = args.contextValue as GraphQLContext;
      const stream = await subscribe({ ...args, contextValue: { ...ctx, services: capture } });
      if (!asked || !isAsyncIterable(stream)) return stream;
      if (!(await op.ready)) {
        // Not shareable: the subscriber runs its own stream, on its own source.
        await stream[Symbol.asyncIterator]().return?.();
        return subscribe(args);
      }
      // The checks passed: the subscriber's own stream (never pulled) and what it holds can go.
      await stream[Symbol.asyncIterator]().return?.();
      const source = services.subscribeEvents(...(asked as Parameters<CoreServices['subscribeEvents']>))[Symbol.asyncIterator]();
      member = new SharedSubscriber(op, source, sink, () => this.leave(key, op), this.options.maskError);
      return member;
    } finally {
      if (!member) this.leave(key, op);
    }
  }

  private join(key: string, args: ExecutionArgs): SharedOperation {
    let op = this.operations.get(key);
    if (!op || op.broken) {
      op = new SharedOperation(args, this.options.services, this.options.subscribe);
      this.operations.set(key, op);
    }
    op.join();
    return op;
  }

  private leave(key: string, op: SharedOperation): void {
    if (op.leave() && this.operations.get(key) === op) this.operations.delete(key);
  }
}
