/** graphql-ws client over a real socket. */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export function wsClient(baseUrl: string, connectionParams?: Record<string, unknown>): Client {
  return createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
  });
}

/** Collect `n` results of a subscription, then complete it. */
export async function collect<T = any>(client: Client, query: string, variables: Record<string, unknown>, n: number, onStarted?: () => void): Promise<T[]> {
  const out: T[] = [];
  const it = client.iterate<T>({ query, variables });
  onStarted?.();
  for await (const r of it) {
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    out.push(r.data as T);
    if (out.length >= n) break;
  }
  return out;
}
