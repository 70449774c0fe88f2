/**
 * Execution stops when the HTTP client goes away (yoga's useExecutionCancellation, with a cheaper
 * signal). The request's own signal (@whatwg-node/server's) is a Proxy whose every property read
 * stringifies the property name, and the executor reads it at every field (`signal.throwIfAborted()`)
 * and object: 50 events of a history page were ~3,000 such reads, a few percent of the request's CPU.
 * The executor gets a native AbortSignal instead, aborted (with the same reason) by one listener on
 * the request's signal.
 */
import type { Plugin } from 'graphql-yoga';

function nativeSignalOf(context: unknown): AbortSignal | undefined {
  const signal = (context as { request?: { signal?: AbortSignal } } | undefined)?.request?.signal;
  if (!signal) return undefined;
  if (signal.aborted) return AbortSignal.abort(signal.reason);
  const controller = new AbortController();
  signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  return controller.signal;
}

export function useExecutionCancellation(): Plugin {
  return {
    onExecute({ args }) {
      (args as { signal?: AbortSignal }).signal = nativeSignalOf(args.contextValue);
    },
    onSubscribe({ args }) {
      (args as { signal?: AbortSignal }).signal = nativeSignalOf(args.contextValue);
    },
  };
}
