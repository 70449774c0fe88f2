/** Relay connection arguments ↔ keyset pages on `seq` (cursors are seq strings). */
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { EventFilter, EventPageRead, PageArgs } from '../core/db/event-repo.ts';
import type { StoredEvent } from '../core/events/model.ts';
import type { GraphQLContext } from '../core/ports.ts';
import { MAX_SEQ, seqOf } from './ids.ts';
import { selectsFieldNamed, selectsFragmentOn } from './selected-fields.ts';

export const MAX_PAGE = 500;

const bad = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

export function parseSeqCursor(name: string, v: string | null | undefined): bigint | null {
  if (v == null) return null;
  const seq = seqOf(v);
  if (seq === null) throw bad(`${name}: expected a seq cursor (digits, at most ${MAX_SEQ}), got ${JSON.stringify(v.slice(0, 40))}`);
  return seq;
}

export function eventConnectionArgs(args: { first?: number | null; after?: string | null; last?: number | null; before?: string | null }): PageArgs {
  for (const k of ['first', 'last'] as const) {
    const n = args[k];
    if (n != null && (n < 0 || n > MAX_PAGE)) throw bad(`${k}: expected 0..${MAX_PAGE}, got ${n}`);
  }
  if (args.first != null && args.last != null) throw bad('first and last: pass one of them, not both');
  return {
    first: args.first ?? (args.last == null ? 50 : null),
    last: args.last ?? null,
    after: parseSeqCursor('after', args.after),
    before: parseSeqCursor('before', args.before),
  };
}

/**
 * A page of events. Their vendor payloads (`raw`, the largest column) are read only when the
 * operation asks for `raw`, or for fields of an event type an adapter defined (`vendorEventTypes`):
 * an adapter's resolvers get the whole StoredEvent, as SDK 1 and 2 promise, and may read `raw`.
 */
export async function resolveEventConnection(ctx: GraphQLContext, filter: EventFilter | null, page: PageArgs, info: GraphQLResolveInfo, vendorEventTypes: ReadonlySet<string>) {
  const needsRaw = selectsFieldNamed(info, 'raw') || selectsFragmentOn(info, vendorEventTypes);
  const read: EventPageRead = needsRaw ? page : { ...page, omitRaw: true };
  const r = await ctx.services.listEvents(filter, read);
  return connectionOf(r.events, r.hasNextPage, r.hasPreviousPage, (e: StoredEvent) => e.seq.toString());
}

export function connectionOf<T>(nodes: T[], hasNextPage: boolean, hasPreviousPage: boolean, cursor: (n: T) => string) {
  const edges = nodes.map((node) => ({ node, cursor: cursor(node) }));
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
