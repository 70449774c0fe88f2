/**
 * The console's only way to the server: /graphql. Queries and mutations over HTTP POST,
 * subscriptions over graphql-ws on the same path. Operations are the typed strings generated from
 * ../operations/*.graphql (`npm run codegen`).
 */
import { createClient } from 'graphql-ws';
import type { TypedDocumentString } from '../generated/graphql.ts';
import { getApiKey } from './auth.ts';

export interface GraphQLErrorShape {
  message: string;
  extensions?: { code?: string; [k: string]: unknown };
}

/** A failed operation: its first error's message and code (UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT…). */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly errors: GraphQLErrorShape[] = [],
  ) {
    super(message);
  }
}

function authHeaders(): Record<string, string> {
  const key = getApiKey();
  return key ? { authorization: `Bearer ${key}` } : {};
}

/** Run a query or mutation; throws RequestError when the server answers errors (or no data). */
export async function request<R, V>(doc: TypedDocumentString<R, V>, variables?: V, signal?: AbortSignal): Promise<R> {
  let res: Response;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...authHeaders() },
      body: JSON.stringify({ query: doc.toString(), variables }),
      signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new RequestError('the server cannot be reached', 'NETWORK');
  }
  let body: { data?: R | null; errors?: GraphQLErrorShape[] } = {};
  try {
    body = await res.json();
  } catch {
    throw new RequestError(`the server answered ${res.status}`, res.status === 401 ? 'UNAUTHENTICATED' : 'HTTP');
  }
  const errors = body.errors ?? [];
  if (errors.length > 0) {
    throw new RequestError(errors[0].message, errors[0].extensions?.code ?? (res.status === 401 ? 'UNAUTHENTICATED' : undefined), errors);
  }
  if (!body.data) throw new RequestError(`the server answered ${res.status} without data`, 'HTTP');
  return body.data;
}

export interface SubscriptionSink<R> {
  next(data: R): void;
  /** The server acknowledged the connection (the key was accepted). */
  connected?(): void;
  /** The socket closed or the server refused the operation; the caller decides whether to retry. */
  error(err: RequestError): void;
  complete?(): void;
}

/**
 * Subscribe on a socket of its own (graphql-ws, `connection_init` carries the key). No automatic
 * retry here: a caller that resumes (Live, with `after` = the last seq) reconnects itself.
 * Returns a function that ends the subscription and closes the socket.
 */
export function subscribe<R, V>(doc: TypedDocumentString<R, V>, variables: V, sink: SubscriptionSink<R>): () => void {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const client = createClient({
    url: `${scheme}://${location.host}/graphql`,
    connectionParams: () => authHeaders(),
    retryAttempts: 0,
    lazy: true,
    keepAlive: 15_000,
    on: { connected: () => sink.connected?.() },
  });
  let ended = false;
  const end = client.subscribe<R>(
    { query: doc.toString(), variables: variables as Record<string, unknown> },
    {
      next: (r) => {
        if (r.errors?.length) {
          const e = r.errors[0] as GraphQLErrorShape;
          sink.error(new RequestError(e.message, e.extensions?.code, r.errors as GraphQLErrorShape[]));
        } else if (r.data) sink.next(r.data as R);
      },
      error: (err) => {
        if (ended) return;
        const close = err as { code?: number; reason?: string };
        const code = close.code === 4403 ? 'UNAUTHENTICATED' : 'CLOSED';
        sink.error(new RequestError(close.reason || (err instanceof Error ? err.message : `connection closed${close.code ? ` (${close.code})` : ''}`), code));
      },
      complete: () => sink.complete?.(),
    },
  );
  return () => {
    ended = true;
    end();
    void client.dispose();
  };
}
