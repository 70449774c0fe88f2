/**
 * Adapter instances and their lifecycle: config validated at boot (every problem named by path),
 * start with a timeout, ERROR + restart with exponential backoff on start failure or crash,
 * status changes reported, stop in reverse order.
 */
import type { Logger } from 'pino';
import { formatIssuePath } from '../errors.ts';
import type { AdapterEntry } from '../config/schema.ts';
import { parseCoercingStrings } from '../config/coerce.ts';
import type { Metrics } from '../ops/metrics.ts';
import { backoffDelay } from '../time/backoff.ts';
import { systemClock, type Clock, type Timer } from '../time/clock.ts';
import { createInstanceContext, type ContextDeps, type InstanceResources } from './context.ts';
import type { AdapterDefinition, AdapterStatus, BaseInstanceConfig, RunningAdapter } from './types.ts';
import type { AdapterInstanceInfo } from '../ports.ts';

export interface Instance {
  def: AdapterDefinition;
  config: BaseInstanceConfig;
  status: AdapterStatus;
  detail: string | null;
  since: Date;
  lastEventAt: Date | null;
  counters: Record<string, number>;
  running: RunningAdapter | null;
  resources: InstanceResources | null;
  attempts: number;
  retryTimer: Timer | null;
  /** When the next start attempt of a failed instance runs (epoch ms), null when none is scheduled. */
  retryAt: number | null;
  /** runExclusive work of the running instance: name → held here (false: standby, another instance runs it). */
  leases: Map<string, boolean>;
}

/** Validate adapter entries against the known definitions; returns problems as `adapters[i].path: message`. */
export function validateAdapterEntries(entries: AdapterEntry[], defs: ReadonlyMap<string, AdapterDefinition>): { configs: BaseInstanceConfig[]; problems: string[] } {
  const problems: string[] = [];
  const configs: BaseInstanceConfig[] = [];
  entries.forEach((entry, i) => {
    const def = defs.get(entry.type);
    if (!def) {
      problems.push(`adapters[${i}].type: unknown adapter type "${entry.type}" (known: ${[...defs.keys()].join(', ') || 'none'})`);
      return;
    }
    const r = parseCoercingStrings(def.configSchema, entry); // `tcpPort: ${FF_PORT}` is a string until here
    if (!r.success) for (const is of r.issues) problems.push(`${formatIssuePath(is.path, `adapters[${i}]`)}: ${is.message}`);
    else configs.push(r.data as BaseInstanceConfig);
  });
  return { configs, problems };
}

export interface InstanceReadiness {
  /** `type/id` */
  name: string;
  phase: 'up' | 'starting' | 'failed';
  status: AdapterStatus;
  detail: string | null;
}

export type InstanceAvailability = { available: true } | { available: false; retryAfterSec: number; message: string };

export interface RegistryOptions {
  deps: ContextDeps;
  metrics: Metrics;
  log: Logger;
  startTimeoutMs?: number;
  maxBackoffMs?: number;
  /** Restart delays draw from this (tests); default Math.random. */
  random?: () => number;
  onStatus?: (info: AdapterInstanceInfo) => void;
}

export class AdapterRegistry {
  private readonly instances: Instance[] = [];
  private stopping = false;
  private readonly clock: Clock;
  private readonly deps: ContextDeps;

  constructor(private readonly options: RegistryOptions) {
    this.clock = options.deps.clock ?? systemClock();
    this.deps = { ...options.deps, clock: this.clock };
  }

  add(def: AdapterDefinition, config: BaseInstanceConfig): void {
    this.instances.push({
      def,
      config,
      status: 'STOPPED',
      detail: null,
      since: this.clock.now(),
      lastEventAt: null,
      counters: {},
      running: null,
      resources: null,
      attempts: 0,
      retryTimer: null,
      retryAt: null,
      leases: new Map(),
    });
  }

  async startAll(): Promise<void> {
    await Promise.all(this.instances.map((i) => this.start(i)));
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const i of [...this.instances].reverse()) await this.stop(i, 'STOPPED', 'server stopping');
  }

  list(): AdapterInstanceInfo[] {
    return this.instances.map((i) => this.info(i));
  }

  find(type: string, id: string): Instance | undefined {
    return this.instances.find((i) => i.def.type === type && i.config.id === id);
  }

  /** The definition of a configured adapter type, or undefined when no instance of it is configured. */
  definition(type: string): AdapterDefinition | undefined {
    return this.instances.find((i) => i.def.type === type)?.def;
  }

  /**
   * Each instance's part in readiness: `up` once its start() returned (whatever status the adapter
   * reports since: a vendor that is down is DEGRADED/ERROR but the instance runs), `failed` when a
   * start (or restart after a crash) failed and it is retrying in the background, `starting` before
   * its first start finished.
   */
  readiness(): InstanceReadiness[] {
    return this.instances.map((i) => ({
      name: `${i.def.type}/${i.config.id}`,
      phase: i.running ? 'up' : i.attempts > 0 ? 'failed' : 'starting',
      status: i.status,
      detail: i.detail,
    }));
  }

  /**
   * Whether the routes of a configured instance can answer: null when no such instance is configured
   * (its routes are unknown, 404), `available` once it runs, else why not and when to retry.
   */
  availability(type: string, id: string): InstanceAvailability | null {
    const i = this.find(type, id);
    if (!i) return null;
    if (i.running) return { available: true };
    const name = `${type}/${id}`;
    if (i.attempts === 0) return { available: false, retryAfterSec: 1, message: `adapter instance ${name} is starting` };
    const wait = i.retryAt === null ? 5 : Math.ceil((i.retryAt - this.clock.nowMs()) / 1000);
    return { available: false, retryAfterSec: Math.min(60, Math.max(1, wait)), message: `adapter instance ${name} failed to start and is retrying: ${i.detail ?? 'unknown error'}` };
  }

  private info(i: Instance): AdapterInstanceInfo {
    const leases = [...i.leases].map(([name, held]) => ({ name, held }));
    return {
      type: i.def.type,
      id: i.config.id,
      version: i.def.version,
      status: i.status,
      detail: withStandby(i.detail, i.status, leases),
      since: i.since,
      lastEventAt: i.lastEventAt,
      counters: { ...i.counters },
      capabilities: i.def.capabilities,
      leases,
    };
  }

  private leaseChanged(i: Instance, name: string, held: boolean): void {
    const was = i.leases.get(name);
    if (was === held) return;
    i.leases.set(name, held);
    if (was === undefined && !held) return; // registered: standby until acquired
    this.options.log
      .child({ adapter: i.def.type, instance: i.config.id })
      .info({ exclusive: name, held }, held ? 'exclusive work runs on this instance' : 'exclusive work on standby (another instance may run it)');
    this.options.onStatus?.(this.info(i));
  }

  private setStatus(i: Instance, status: AdapterStatus, detail: string | null): void {
    if (i.status === status && i.detail === detail) return;
    i.status = status;
    i.detail = detail;
    i.since = this.clock.now();
    const labels = { adapter: i.def.type, instance: i.config.id };
    this.options.metrics.adapterStatus.set(labels, status === 'READY' ? 1 : status === 'DEGRADED' ? 0.5 : 0);
    const log = this.options.log.child(labels);
    if (status === 'ERROR') log.error({ detail }, 'adapter instance ERROR');
    else log.info({ status, detail }, 'adapter instance status');
    this.options.onStatus?.(this.info(i));
  }

  private async start(i: Instance): Promise<void> {
    if (this.stopping) return;
    i.retryTimer = null;
    i.retryAt = null;
    this.setStatus(i, 'STARTING', i.attempts ? `attempt ${i.attempts + 1}` : null);
    const resources = createInstanceContext(this.deps, i.def, i.config, {
      setStatus: (s, d) => {
        if (i.resources === resources && i.status !== 'STOPPED') this.setStatus(i, s, d ?? null);
      },
      count: (name, by) => {
        i.counters[name] = (i.counters[name] ?? 0) + by;
        this.options.metrics.adapterCounter.inc({ adapter: i.def.type, instance: i.config.id, counter: name }, by);
      },
      published: (at) => {
        i.lastEventAt = at;
      },
      fail: (err) => {
        if (i.resources === resources) void this.crash(i, err);
      },
      leaseChanged: (name, held) => {
        if (i.resources === resources) this.leaseChanged(i, name, held);
      },
    });
    i.resources = resources;
    const timeoutMs = this.options.startTimeoutMs ?? 30_000;
    const { clock } = this;
    let timer: Timer | undefined;
    const starting = Promise.resolve().then(() => i.def.start(resources.ctx));
    try {
      const running = await Promise.race([
        starting,
        new Promise<never>((_, rej) => {
          timer = clock.setTimeout(() => rej(new Error(`start did not finish within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      i.running = running;
      i.attempts = 0;
      if (i.status === 'STARTING') this.setStatus(i, 'READY', null);
    } catch (err) {
      starting
        .then(
          (late) => late.stop(),
          () => {},
        )
        .catch((e) => this.options.log.warn({ err: e }, 'stop() of a timed-out start failed')); // a start that finishes after its timeout is stopped
      await this.crash(i, err);
    } finally {
      clock.clearTimeout(timer);
    }
  }

  private async crash(i: Instance, err: unknown): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    await this.stop(i, 'ERROR', message);
    if (this.stopping) return;
    i.attempts += 1;
    const delay = backoffDelay(i.attempts, { baseMs: 500, capMs: this.options.maxBackoffMs ?? 60_000, random: this.options.random }); // attempt 1: 0.5–1 s
    this.setStatus(i, 'ERROR', `${message} (retry ${i.attempts} in ${Math.round(delay / 100) / 10} s)`);
    const { clock } = this;
    i.retryAt = clock.nowMs() + delay;
    i.retryTimer = clock.setTimeout(() => void this.start(i), delay).unref();
  }

  private async stop(i: Instance, status: AdapterStatus, detail: string): Promise<void> {
    this.clock.clearTimeout(i.retryTimer);
    i.retryTimer = null;
    i.retryAt = null;
    const { running, resources } = i;
    i.running = null;
    i.resources = null;
    i.leases.clear();
    try {
      // Exclusive work first: it may use what the adapter's stop() closes.
      await resources?.stopExclusive();
    } catch (err) {
      this.options.log.warn({ err, adapter: i.def.type, instance: i.config.id }, 'stopping exclusive work failed');
    }
    try {
      await running?.stop();
    } catch (err) {
      this.options.log.warn({ err, adapter: i.def.type, instance: i.config.id }, 'adapter stop() failed');
    }
    await resources?.release();
    this.setStatus(i, status, detail);
  }
}

/** A READY/DEGRADED instance whose exclusive work runs elsewhere says so in its detail. */
function withStandby(detail: string | null, status: AdapterStatus, leases: Array<{ name: string; held: boolean }>): string | null {
  const standby = leases.filter((l) => !l.held).map((l) => l.name);
  if (!standby.length || (status !== 'READY' && status !== 'DEGRADED')) return detail;
  const note = `standby: ${standby.join(', ')} ${standby.length > 1 ? 'run' : 'runs'} on another instance`;
  return detail ? `${detail}; ${note}` : note;
}
