/**
 * The adapter conformance checks as plain async functions (no test framework): each throws an
 * Error saying what is wrong. runAdapterConformance() runs them as vitest tests; a test can also
 * run them itself (e.g. to show that a broken adapter fails).
 *
 * Order matters: the static checks need nothing running; the live ones share one simulator and
 * one server (started by the first live check), restart it on the same database, and the last
 * one stops everything and looks for what was left behind.
 */
import { defaultAdapters } from '../app.ts';
import { validateAdapterEntries } from '../core/adapter/registry.ts';
import type { AdapterDefinition } from '../core/adapter/types.ts';
import { eventInputSchema } from '../core/events/model.ts';
import { formatIssuePath } from '../core/errors.ts';
import { pluginAdapterProblems, takenBy } from '../core/plugins/validate.ts';
import { buildSchema } from '../schema/build.ts';
import { unprefixedGraphqlNames } from '../schema/graphql-names.ts';
import { LeakTracker } from './leaks.ts';
import { LiveServer, waitUntil } from './live.ts';
import { newRecording, recordingDefinition, type PublishRecord } from './recorder.ts';
import type { ConformanceCheck, ConformanceOptions } from './types.ts';
import { healthCheck } from './health-check.ts';
import { startDownCheck } from './start-down-check.ts';
import { routeAuthCheck } from './route-auth-check.ts';
import { DEFAULT_ROUTE_COMMIT_WINDOW_MS, routeCommitCheck } from './route-commit-check.ts';
import { capabilityCheck } from './capability-check.ts';
import { declaredScopesCheck, operationsCheck } from './operations-check.ts';

export type { ConformanceCheck } from './types.ts';

export interface ConformanceSuite {
  title: string;
  checks: ConformanceCheck[];
  /** Per-check time limit that covers the configured timeouts. */
  timeoutMs: number;
  /** Stop whatever is still running (call it even when checks failed). */
  teardown(): Promise<void>;
}

const errText = (e: unknown) => (e instanceof Error ? `${(e as { code?: string }).code ? `${(e as { code?: string }).code}: ` : ''}${e.message}` : String(e));

function patched(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base, ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete out[k];
  return out;
}

export function createConformanceSuite(adapter: AdapterDefinition, options: ConformanceOptions): ConformanceSuite {
  const type = adapter.type;
  const id = options.instanceId ?? 'conformance';
  const t = { startMs: 10_000, eventMs: 10_000, healthMs: 10_000, settleMs: 3_000, ...options.timeouts };
  const rec = newRecording();
  const server = new LiveServer(recordingDefinition(adapter, rec), options.logLevel ?? 'silent');
  const leaks = new LeakTracker();
  const sim = options.simulator;
  let overrides: Record<string, unknown> = {};
  let simRunning = false;
  let started: Promise<void> | null = null;
  /** Stored events per produceEvent() (measured by the events check). */
  let perEvent = 0;

  const instance = () => ({ type, id, ...options.config, ...overrides });
  const env = () => server.env(type, id);
  const events = () => server.events(type, id);
  const statusText = () => {
    const i = server.info(type, id);
    return i ? `status ${i.status}${i.detail ? `: ${i.detail}` : ''}` : 'no such instance';
  };
  const waitReady = () => waitUntil(() => server.info(type, id)?.status === 'READY', t.startMs, `${type}/${id} to be READY`, statusText);
  const refused = (list: PublishRecord[]) => list.filter((p) => p.error !== undefined);
  /** Wait for `n` more stored events than `before`, with every publish settled. */
  const storedAtLeast = (before: number, n: number, what: string) =>
    waitUntil(
      async () => {
        const all = await events();
        return all.length >= before + n && rec.pending === 0 && all;
      },
      t.eventMs,
      what,
      () => `${statusText()}; ${rec.publishes.length} publish() calls, ${refused(rec.publishes).length} refused${refused(rec.publishes).length ? `: ${errText(refused(rec.publishes)[0].error)}` : ''}`,
    );

  const live = () =>
    (started ??= (async () => {
      leaks.start();
      overrides = (await sim.start()) ?? {};
      simRunning = true;
      await server.start(instance());
    })());

  const checks: ConformanceCheck[] = [
    {
      name: 'definition: valid, needs an SDK this server provides, type and GraphQL prefix not used by another adapter',
      run: async () => {
        const others = (options.otherAdapters ?? defaultAdapters).filter((a) => a !== adapter && a.type !== adapter.type);
        const { problems } = pluginAdapterProblems([adapter], `adapter "${type}"`, takenBy(others, 'the built-in adapter'), unprefixedGraphqlNames);
        const mine = problems.filter((p) => !p.includes('adds GraphQL names without its prefix')); // the graphql check's business
        if (mine.length) throw new Error(mine.join('\n'));
        buildSchema([...others, adapter]); // beside the built-ins without a clash
      },
    },
    {
      name: 'starts against its simulator and reports READY',
      run: async () => {
        await live();
        await waitReady();
      },
    },
    {
      name: 'config: the valid config passes; each invalid one is refused naming its path; unknown keys are refused',
      run: async () => {
        await live();
        const defs = new Map([[type, adapter]]);
        const wrong: string[] = [];
        const valid = validateAdapterEntries([instance() as never], defs).problems;
        if (valid.length) wrong.push(`the valid config is refused: ${valid.join('; ')}`);
        for (const c of options.invalidConfigs ?? []) {
          const { problems } = validateAdapterEntries([patched(instance(), c.patch) as never], defs);
          const at = `${formatIssuePath(
            c.path
              ? c.path
                  .split(/\.|\[(\d+)\]/)
                  .filter(Boolean)
                  .map((p) => (/^\d+$/.test(p) ? Number(p) : p))
              : [],
            'adapters[0]',
          )}:`;
          const hit = problems.find((p) => p.startsWith(at));
          if (!hit) wrong.push(`${JSON.stringify(c.patch)} should be refused with a problem at "${at}", got ${problems.length ? problems.join(' | ') : 'no problem (accepted)'}`);
          else if (c.message && !(typeof c.message === 'string' ? hit.includes(c.message) : c.message.test(hit))) wrong.push(`"${hit}" does not match ${String(c.message)}`);
        }
        const unknown = validateAdapterEntries([{ ...instance(), conformanceUnknownKey: 1 } as never], defs).problems;
        if (!unknown.some((p) => p.includes('conformanceUnknownKey')))
          wrong.push(`an unknown key (conformanceUnknownKey) is not refused: make the config schema .strict() (${unknown.length ? unknown.join(' | ') : 'accepted'})`);
        if (wrong.length) throw new Error(wrong.join('\n'));
      },
    },
    {
      name: `graphql: every type and field it adds starts with its prefix "${adapter.graphqlPrefix}"`,
      run: async () => {
        const names = unprefixedGraphqlNames(adapter);
        if (names.length) throw new Error(`names without the prefix "${adapter.graphqlPrefix}": ${names.join(', ')}`);
      },
    },
    declaredScopesCheck(adapter),
    {
      name: 'events: what it publishes validates, carries a dedupe key and shows as its own GraphQL type',
      run: async () => {
        await live();
        const before = (await events()).length;
        const from = rec.publishes.length;
        await sim.produceEvent(env());
        const all = await storedAtLeast(before, 1, 'the produced event to be stored');
        perEvent = all.length - before;
        const mine = rec.publishes.slice(from);
        const bad = refused(mine);
        if (bad.length)
          throw new Error(
            `publish() refused ${bad.length} of ${mine.length} events: ${bad
              .slice(0, 3)
              .map((p) => errText(p.error))
              .join('; ')}`,
          );
        const wrong: string[] = [];
        const schema = server.running.schema;
        for (const p of mine) {
          const r = eventInputSchema.safeParse(p.input);
          if (!r.success) wrong.push(`invalid event: ${r.error.issues.map((i) => `${formatIssuePath(i.path)}: ${i.message}`).join('; ')}`);
          else if (!p.input.dedupeKey?.trim()) wrong.push('an event without a dedupe key');
          if (!p.input.typeName.startsWith(adapter.graphqlPrefix)) wrong.push(`typeName "${p.input.typeName}" does not start with "${adapter.graphqlPrefix}"`);
          const gt = schema.getType(p.input.typeName) as { getInterfaces?: () => Array<{ name: string }> } | undefined;
          if (!gt?.getInterfaces?.().some((i) => i.name === 'Event')) wrong.push(`typeName "${p.input.typeName}" is not a GraphQL type implementing Event: register it with refs.eventType()`);
        }
        const q = await server.gql(`query($f: EventFilter) { events(first: 50, filter: $f) { edges { node { __typename id kind } } } }`, { f: { adapters: [type], instances: [id] } });
        if (q.errors?.length) wrong.push(`reading its events through GraphQL failed: ${q.errors.map((e) => e.message).join('; ')}`);
        for (const e of q.data?.events.edges ?? []) if (!String(e.node.__typename).startsWith(adapter.graphqlPrefix)) wrong.push(`an event shows as ${e.node.__typename} in GraphQL`);
        if (wrong.length) throw new Error([...new Set(wrong)].join('\n'));
      },
    },
    {
      name: 'duplicates: an event the vendor delivers again is stored once',
      skip: sim.produceDuplicate ? undefined : 'no simulator.produceDuplicate hook',
      run: async () => {
        await live();
        if (!perEvent) throw new Error('the events check did not pass: nothing to compare with');
        const before = await events();
        await sim.produceDuplicate!(env());
        await sim.produceEvent(env()); // delivered after the duplicate: once it is stored, so is the duplicate
        const after = await storedAtLeast(before.length, perEvent, 'a new event after the duplicate');
        const seen = new Set(before.map((e) => e.seq));
        const added = after.filter((e) => !seen.has(e.seq));
        if (added.length !== perEvent)
          throw new Error(
            `after a duplicate delivery and one new event, ${added.length} events were stored (one new event stores ${perEvent}): the duplicate got another dedupe key. New keys: ${added.map((e) => e.dedupeKey).join(', ')}`,
          );
      },
    },
    // After the events and duplicates checks: they recorded the route requests that led to a publish.
    routeAuthCheck({ rec, type, id, timeoutMs: t.eventMs, credentials: options.credentials, live, appUrl: () => server.running.url() }),
    routeCommitCheck({
      rec,
      sim,
      windowMs: options.routeCommitWindowMs ?? DEFAULT_ROUTE_COMMIT_WINDOW_MS,
      timeoutMs: t.eventMs,
      live,
      env,
      count: async () => (await events()).length,
      stored: async (before, what) => {
        await storedAtLeast(before, perEvent || 1, what);
      },
    }),
    healthCheck({ server, sim, type, id, timeoutMs: t.healthMs, live, statusText }),
    {
      name: 'stop: stop() may be called twice',
      run: async () => {
        await live();
        const running = server.running.registry.find(type, id)?.running;
        if (!running) throw new Error(`${type}/${id} is not running (${statusText()})`);
        for (const n of ['first', 'second']) {
          try {
            await running.stop();
          } catch (e) {
            throw new Error(`stop() threw on the ${n} call: ${errText(e)}`);
          }
        }
      },
    },
    {
      name: 'restart: starts again on the same database and stores only new events',
      run: async () => {
        await live();
        const before = (await events()).length;
        const stopErrors = rec.stopErrors.length;
        await server.stopServer();
        if (rec.stopErrors.length > stopErrors) throw new Error(`stop() threw when the server stopped: ${errText(rec.stopErrors[stopErrors])}`);
        await server.start(instance());
        await waitReady();
        if (!perEvent) throw new Error('the events check did not pass: nothing to compare with');
        await sim.produceEvent(env());
        const after = await storedAtLeast(before, perEvent, 'a new event after the restart');
        if (after.length !== before + perEvent)
          throw new Error(`after a restart and one new event, ${after.length - before} events were stored (expected ${perEvent}): old events were published again under new dedupe keys`);
      },
    },
    startDownCheck({
      server,
      sim,
      type,
      id,
      timeoutMs: t.healthMs,
      instance,
      live,
      statusText,
      ingests: async (e) => {
        const before = (await events()).length;
        await sim.produceEvent(e);
        await storedAtLeast(before, perEvent || 1, 'a new event after the vendor came back');
      },
    }),
    // Late: what these mutations make the vendor do (events it creates) must not disturb the counts above.
    capabilityCheck({ server, rec, type, id, capabilities: adapter.capabilities, calls: options.capabilityCalls, live }),
    operationsCheck({ server, type, id, operations: options.operations, live }),
    {
      name: 'stop: leaves no timers, sockets or process listeners behind',
      run: async () => {
        await live();
        await server.stopServer();
        if (simRunning) await sim.stop();
        simRunning = false;
        const left = () => [...leaks.leaked().map((l) => `${l.kind} created at ${l.createdAt}`), ...leaks.addedProcessListeners()];
        await waitUntil(() => left().length === 0, t.settleMs, 'stopped resources to close').catch(() => {
          throw new Error(`still alive ${t.settleMs} ms after the server and the simulator stopped:\n  ${[...new Set(left())].join('\n  ')}`);
        });
      },
    },
  ];

  return {
    title: `adapter conformance: ${type} (${adapter.version})`,
    checks,
    timeoutMs: Math.max(t.startMs, t.eventMs, t.healthMs) * 3 + t.settleMs + 10_000, // the start-while-down check waits up to three times
    teardown: async () => {
      leaks.stop();
      await server.close().catch(() => {});
      if (simRunning) await Promise.resolve(sim.stop()).catch(() => {});
      simRunning = false;
    },
  };
}
