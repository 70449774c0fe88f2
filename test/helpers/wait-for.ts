/** Wait until `check` returns truthy (polling every 25 ms), or fail after `ms`; resolves with that value. */
export async function waitFor<T>(check: () => Promise<T> | T, ms = 5000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
