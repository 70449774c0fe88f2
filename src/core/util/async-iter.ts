/**
 * Map an async iterator without an async generator, so return() reaches the source at once even
 * while a next() is pending (an async generator would only see it after its current await).
 * `fn` returning undefined skips the value.
 */
export function mapAsyncIterator<T, U>(source: AsyncIterator<T>, fn: (v: T) => Promise<U | undefined> | U | undefined): AsyncIterableIterator<U> {
  const it: AsyncIterableIterator<U> = {
    async next() {
      for (;;) {
        const r = await source.next();
        if (r.done) return { value: undefined, done: true };
        const mapped = await fn(r.value);
        if (mapped !== undefined) return { value: mapped, done: false };
      }
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}
