/**
 * Idempotency keys for mutations that act on VXG: the first call with a key runs; its result is
 * stored (`idem:<key>` in the instance state, with the time) and a retry with the same key answers
 * it without calling VXG again. Calls with one key run one at a time (in-process lock), so two
 * concurrent calls still act once. A key reused with different input is refused (BAD_USER_INPUT).
 *
 * When the first call's outcome is unknown (VXG did not answer in time: it may have acted), the
 * call's request is remembered as `pending`; a retry first asks `reconcile` whether VXG has it.
 */
import { createHash } from 'node:crypto';
import { badInput, type InstanceState } from '../../sdk.ts';

export interface ActionResult {
  accepted: boolean;
  vendorEventId: string | null;
}

interface Entry<P> {
  fp: string;
  at: number;
  result?: ActionResult;
  pending?: P;
}

/** A stable fingerprint of a request (key order independent). */
export function fingerprint(value: unknown): string {
  const canon = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canon)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canon(value) ?? null))
    .digest('hex');
}

export class IdempotencyStore {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly o: { state: InstanceState; ttlMs: number; now: () => number }) {}

  /**
   * Run `act` once per key. `prepare` fixes what is sent (e.g. the time when none was given) and is
   * kept as `pending` while the outcome is unknown; `reconcile(pending)` looks for it at the vendor.
   */
  async run<P>(
    key: string | null | undefined,
    request: unknown,
    prepare: () => P,
    act: (p: P) => Promise<ActionResult>,
    opts: { reconcile?: (p: P) => Promise<ActionResult | null>; unknownOutcome?: (e: unknown) => boolean } = {},
  ): Promise<ActionResult> {
    if (!key) return act(prepare());
    if (key.length > 200) throw badInput('idempotencyKey: at most 200 characters');
    const prev = this.locks.get(key) ?? Promise.resolve();
    const mine = prev.catch(() => {}).then(() => this.runLocked(key, fingerprint(request), prepare, act, opts));
    const tail = mine.catch(() => {});
    this.locks.set(key, tail);
    void tail.then(() => {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    });
    return mine;
  }

  private async runLocked<P>(
    key: string,
    fp: string,
    prepare: () => P,
    act: (p: P) => Promise<ActionResult>,
    opts: { reconcile?: (p: P) => Promise<ActionResult | null>; unknownOutcome?: (e: unknown) => boolean },
  ): Promise<ActionResult> {
    const stateKey = `idem:${key}`;
    const now = this.o.now();
    const stored = await this.o.state.get<Entry<P> | null>(stateKey);
    const live = stored && now - stored.at < this.o.ttlMs ? stored : null;
    if (live && live.fp !== fp) throw badInput('idempotencyKey: this key was already used with a different request');
    if (live?.result) return live.result;
    let p: P;
    if (live?.pending !== undefined) {
      p = live.pending;
      const found = await opts.reconcile?.(p);
      if (found) {
        await this.o.state.set(stateKey, { fp, at: live.at, result: found } satisfies Entry<P>);
        return found;
      }
    } else {
      p = prepare();
    }
    let result: ActionResult;
    try {
      result = await act(p);
    } catch (e) {
      if (opts.unknownOutcome?.(e)) await this.o.state.set(stateKey, { fp, at: live?.at ?? now, pending: p } satisfies Entry<P>);
      else if (live?.pending !== undefined) await this.o.state.set(stateKey, null);
      throw e;
    }
    // The vendor has acted: answer its result even if remembering it fails (then a retry acts again).
    await this.o.state.set(stateKey, { fp, at: now, result } satisfies Entry<P>).catch(() => {});
    return result;
  }
}
