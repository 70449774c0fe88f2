/** Run a query when its variables change; `reload()` runs it again (after a mutation). */
import { useCallback, useEffect, useState } from 'react';
import type { TypedDocumentString } from '../generated/graphql.ts';
import { RequestError, request } from './graphql.ts';

export interface QueryState<R> {
  data: R | null;
  error: RequestError | null;
  loading: boolean;
  reload(): void;
}

export function useQuery<R, V>(doc: TypedDocumentString<R, V>, variables: V, options: { skip?: boolean } = {}): QueryState<R> {
  const [state, setState] = useState<{ data: R | null; error: RequestError | null; loading: boolean }>({ data: null, error: null, loading: !options.skip });
  const [tick, setTick] = useState(0);
  const key = JSON.stringify(variables);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the variables are compared by value (key)
  useEffect(() => {
    if (options.skip) return;
    const abort = new AbortController();
    setState((s) => ({ ...s, loading: true, error: null }));
    request(doc, variables, abort.signal).then(
      (data) => setState({ data, error: null, loading: false }),
      (error) => {
        if (!abort.signal.aborted) setState((s) => ({ data: s.data, error: error instanceof RequestError ? error : new RequestError(String(error), undefined), loading: false }));
      },
    );
    return () => abort.abort();
  }, [doc, key, tick, options.skip]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
