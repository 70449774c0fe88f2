/**
 * One instance status from the health of its parts (event polling, channel listing, a vendor
 * socket…), for `ctx.setStatus`. Adapters keep which parts they have and what each last reported;
 * this is only the rule that turns those into one status and one detail, so every adapter reads
 * the same way to an operator. Pure.
 */

export interface PartHealth {
  status: 'READY' | 'DEGRADED' | 'ERROR';
  /** Why the part is not READY, shown to operators (ignored for a READY part). */
  detail?: string;
}

/**
 * READY when every part is READY (no detail). Otherwise ERROR when a part is ERROR
 * (`errorWhen: 'any'`, the worst of the parts: each part is essential) or only when every part is
 * ERROR (`'all'`: the parts are independent, so one still working leaves the instance useful), and
 * DEGRADED when not ERROR. The detail lists the details of the parts that are not READY, in the
 * order given, joined by `; `.
 */
export function combineHealth(parts: readonly PartHealth[], errorWhen: 'any' | 'all' = 'any'): { status: PartHealth['status']; detail: string | undefined } {
  const troubled = parts.filter((p) => p.status !== 'READY');
  if (troubled.length === 0) return { status: 'READY', detail: undefined };
  const errors = troubled.filter((p) => p.status === 'ERROR').length;
  const error = errorWhen === 'any' ? errors > 0 : errors === parts.length;
  const detail = troubled
    .map((p) => p.detail)
    .filter((d) => d !== undefined && d !== '')
    .join('; ');
  return { status: error ? 'ERROR' : 'DEGRADED', detail: detail || undefined };
}
