/**
 * The adapters' part of `/ready`: not ready while an instance's first start runs, nor while one
 * failed to start (and retries in the background), unless the operator allows failed instances
 * (`readiness.allowFailedAdapters`). An instance that runs but whose vendor is down (DEGRADED, or
 * ERROR reported by the adapter itself) is listed but keeps the server ready: other servers would
 * reach the same vendor no better.
 */
import type { InstanceReadiness } from './registry.ts';

export interface AdapterReadiness {
  ok: boolean;
  /** `adapters`: started | starting | failed: a/b, c/d; plus `adapter <type/id>` for every instance that is not READY. */
  checks: Record<string, string>;
}

export function adapterReadiness(instances: readonly InstanceReadiness[], allowFailed: boolean): AdapterReadiness {
  const failed = instances.filter((i) => i.phase === 'failed').map((i) => i.name);
  const starting = instances.some((i) => i.phase === 'starting');
  const checks: Record<string, string> = {
    adapters: failed.length ? `failed: ${failed.join(', ')}` : starting ? 'starting' : 'started',
  };
  for (const i of instances) {
    if (i.phase === 'up' && i.status === 'READY') continue;
    const what = i.phase === 'failed' ? 'failed to start' : i.phase === 'starting' ? 'starting' : i.status;
    checks[`adapter ${i.name}`] = i.detail ? `${what}: ${i.detail}` : what;
  }
  return { ok: !starting && (allowFailed || failed.length === 0), checks };
}
