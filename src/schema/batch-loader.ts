/**
 * Per-request batching for fields resolved once per item (PlateListMatch.list, PlateList.size): the
 * keys asked for while one turn of the event loop runs go to the store in one call. Loaders live on
 * the GraphQL context (a WeakMap, so the context keeps its shape and they go with the request); no
 * value is kept past its batch, so a long-lived subscription context never answers stale data.
 */
export type BatchLoad<K, V> = (keys: readonly K[]) => Promise<ReadonlyMap<K, V>>;

export function batchLoader<K, V>(load: BatchLoad<K, V>): (key: K) => Promise<V | undefined> {
  let pending: Map<K, Array<{ resolve: (v: V | undefined) => void; reject: (e: unknown) => void }>> | null = null;
  const dispatch = async (batch: NonNullable<typeof pending>) => {
    try {
      const values = await load([...batch.keys()]);
      for (const [k, waiters] of batch) for (const w of waiters) w.resolve(values.get(k));
    } catch (e) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(e);
    }
  };
  return (key) =>
    new Promise<V | undefined>((resolve, reject) => {
      if (!pending) {
        const batch = new Map<K, Array<{ resolve: (v: V | undefined) => void; reject: (e: unknown) => void }>>();
        pending = batch;
        setImmediate(() => {
          pending = null;
          void dispatch(batch);
        });
      }
      const waiters = pending.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else pending.set(key, [{ resolve, reject }]);
    });
}

/** One value per GraphQL context (request), made on first use. */
export function perContext<C extends object, T>(make: (ctx: C) => T): (ctx: C) => T {
  const byContext = new WeakMap<C, T>();
  return (ctx) => {
    let v = byContext.get(ctx);
    if (v === undefined) byContext.set(ctx, (v = make(ctx)));
    return v;
  };
}
