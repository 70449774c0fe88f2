/**
 * Rules: every rule with what it acts on (its `when` in words), its actions, cooldown and last
 * firing; the selected rule's runs (status, attempts, error, the event) paged, refreshed every few
 * seconds. With `admin`: create a rule (camera/kind/list picks and trigger/createEvent/sink
 * actions), enable or disable it, delete it. Reading rules needs `admin` too (the API's scope).
 */
import { type FormEvent, useMemo, useState } from 'react';
import {
  type RuleActionInput,
  type RuleRowFragment,
  CreateRuleDocument,
  DeleteRuleDocument,
  RuleFormOptionsDocument,
  RuleRunsDocument,
  RulesDocument,
  UpdateRuleDocument,
} from '../generated/graphql.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { FilterPicker } from '../components/filter-picker.tsx';
import { describeFilter } from '../lib/describe-filter.ts';
import { filterNames } from '../lib/filter-names.ts';
import { type FilterPicks, NO_PICKS, toEventFilter } from '../lib/filter-picks.ts';
import { formatTime } from '../lib/format.ts';
import { type RequestError, request } from '../lib/graphql.ts';
import { Link, useSearch } from '../lib/router.ts';
import { usePolling } from '../lib/use-polling.ts';
import { useQuery } from '../lib/use-query.ts';
import { useCan } from '../lib/viewer.ts';

const RUNS_PAGE = 20;
const POLL_MS = 3_000;

type ActionKind = 'trigger' | 'createEvent' | 'sink';
interface ActionDraft {
  kind: ActionKind;
  cameraId: string;
  type: string;
  sinkId: string;
}
const NEW_ACTION: ActionDraft = { kind: 'trigger', cameraId: '', type: '', sinkId: '' };

function toActionInput(a: ActionDraft): RuleActionInput {
  if (a.kind === 'sink') return { sink: { sinkId: a.sinkId } };
  const camera = { cameraId: a.cameraId, type: a.type.trim() };
  return a.kind === 'trigger' ? { trigger: camera } : { createEvent: camera };
}

function describeAction(a: RuleRowFragment['actions'][number], sinkNames: Record<string, string>): string {
  if (a.trigger) return `trigger ${a.trigger.type} on ${a.trigger.camera?.name ?? a.trigger.cameraId}`;
  if (a.createEvent) return `create ${a.createEvent.type} on ${a.createEvent.camera?.name ?? a.createEvent.cameraId}`;
  if (a.sink) return `deliver to ${sinkNames[a.sink.sinkId] ?? a.sink.sinkId}`;
  return '?';
}

export default function RulesPage() {
  const can = useCan();
  if (!can('admin'))
    return (
      <section aria-labelledby="rules-title">
        <h1 id="rules-title">Rules</h1>
        <p>Rules and their runs need a key with the admin scope.</p>
      </section>
    );
  return <Rules />;
}

function Rules() {
  const [search, setSearch] = useSearch();
  const selected = search.get('rule');
  const rules = useQuery(RulesDocument, {});
  const options = useQuery(RuleFormOptionsDocument, {});
  const [error, setError] = useState<RequestError | null>(null);
  usePolling(rules.reload, POLL_MS);

  const names = useMemo(() => filterNames(options.data), [options.data]);

  const run = async (what: () => Promise<unknown>) => {
    setError(null);
    try {
      await what();
      rules.reload();
    } catch (err) {
      setError(err as RequestError);
    }
  };
  const list = rules.data?.rules ?? [];
  const current = list.find((r) => r.id === selected) ?? null;

  return (
    <section aria-labelledby="rules-title">
      <h1 id="rules-title">Rules</h1>
      <p className="muted">When a stored event matches a rule, its actions run once per event (retried on failure), in log order.</p>
      <ErrorNote error={rules.error ?? error} />
      <table className="results">
        <caption className="sr-only">Rules</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Enabled</th>
            <th scope="col">When</th>
            <th scope="col">Actions</th>
            <th scope="col">Cooldown</th>
            <th scope="col">Last fired</th>
            <th scope="col">Manage</th>
          </tr>
        </thead>
        <tbody>
          {list.map((r) => (
            <tr key={r.id} aria-current={r.id === selected ? 'true' : undefined} data-rule={r.name}>
              <td>
                <button type="button" className="link" onClick={() => setSearch({ rule: r.id })} aria-label={`Runs of ${r.name}`}>
                  {r.name}
                </button>
                {r.origin === 'config' && <span className="muted"> (config)</span>}
              </td>
              <td>
                {r.enabled ? 'yes' : <span className="muted">no</span>}{' '}
                <button
                  type="button"
                  className="link"
                  aria-label={`${r.enabled ? 'Disable' : 'Enable'} ${r.name}`}
                  onClick={() => void run(() => request(UpdateRuleDocument, { input: { id: r.id, enabled: !r.enabled } }))}
                >
                  {r.enabled ? 'Disable' : 'Enable'}
                </button>
              </td>
              <td>{describeFilter(r.when, names)}</td>
              <td>
                {r.actions.map((a, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: actions are positional (RuleRun.action is the index)
                  <div key={i}>
                    {i + 1}. {describeAction(a, names)}
                  </div>
                ))}
              </td>
              <td>{r.cooldownSec ? `${r.cooldownSec} s` : '—'}</td>
              <td>{formatTime(r.lastFiredAt)}</td>
              <td>
                <button
                  type="button"
                  className="link"
                  aria-label={`Delete ${r.name}`}
                  onClick={() => {
                    if (confirm(`Delete the rule ${r.name} and its runs?`))
                      void run(async () => {
                        await request(DeleteRuleDocument, { id: r.id });
                        if (r.id === selected) setSearch({});
                      });
                  }}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rules.data && list.length === 0 && <p className="muted">No rules yet.</p>}
      {current && <RuleRuns key={current.id} rule={current} />}
      <NewRule
        cameras={options.data?.cameras.edges.map((e) => e.node) ?? []}
        lists={options.data?.plateLists ?? []}
        sinks={options.data?.sinks ?? []}
        onCreated={(id) => {
          rules.reload();
          setSearch({ rule: id });
        }}
      />
    </section>
  );
}

function RuleRuns({ rule }: { rule: RuleRowFragment }) {
  const [after, setAfter] = useState<string | null>(null);
  const q = useQuery(RuleRunsDocument, { id: rule.id, first: RUNS_PAGE, after });
  usePolling(q.reload, POLL_MS, after === null); // the first page gets new runs; older pages do not change
  const runs = q.data?.node && 'runs' in q.data.node ? q.data.node.runs : null;
  return (
    <section className="card runs" aria-labelledby="runs-title">
      <h2 id="runs-title">Runs of {rule.name}</h2>
      <ErrorNote error={q.error} />
      <table className="results">
        <caption className="sr-only">Runs of {rule.name}, newest first</caption>
        <thead>
          <tr>
            <th scope="col">At</th>
            <th scope="col">Status</th>
            <th scope="col">Action</th>
            <th scope="col">Attempts</th>
            <th scope="col">Event</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {runs?.edges.map(({ node: r }) => (
            <tr key={r.id} data-status={r.status}>
              <td>{formatTime(r.at)}</td>
              <td>
                <span className={`badge run-${r.status.toLowerCase()}`}>{r.status}</span>
                {r.status === 'PENDING' && r.nextAttemptAt && <span className="muted"> next {formatTime(r.nextAttemptAt)}</span>}
              </td>
              <td>{r.action + 1}</td>
              <td>{r.attempts}</td>
              <td>
                {r.event ? (
                  <Link to={`/events/${encodeURIComponent(r.event.id)}`}>
                    {'plate' in r.event && r.event.plate ? r.event.plate : r.event.kind} <span className="seq">#{r.event.seq}</span>
                  </Link>
                ) : (
                  <span className="muted">gone</span>
                )}
              </td>
              <td>{r.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {runs && runs.edges.length === 0 && <p className="muted">No runs yet: it runs for events stored from its creation on.</p>}
      <nav className="pager" aria-label="Pages of runs">
        <button type="button" className="secondary" disabled={!after} onClick={() => setAfter(null)}>
          Newest
        </button>
        <button type="button" disabled={!runs?.pageInfo.hasNextPage} onClick={() => setAfter(runs?.pageInfo.endCursor ?? null)}>
          Older →
        </button>
      </nav>
    </section>
  );
}

interface CameraOption {
  id: string;
  name: string;
  capabilities: readonly string[];
}

function NewRule({
  cameras,
  lists,
  sinks,
  onCreated,
}: {
  cameras: readonly CameraOption[];
  lists: readonly { id: string; name: string }[];
  sinks: readonly { id: string; name: string }[];
  onCreated(id: string): void;
}) {
  const [name, setName] = useState('');
  const [picks, setPicks] = useState<FilterPicks>(NO_PICKS);
  const [actions, setActions] = useState<ActionDraft[]>([NEW_ACTION]);
  const [cooldown, setCooldown] = useState('0');
  const [error, setError] = useState<RequestError | null>(null);
  const setAction = (i: number, patch: Partial<ActionDraft>) => setActions((all) => all.map((a, j) => (j === i ? { ...a, ...patch } : a)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const r = await request(CreateRuleDocument, { input: { name: name.trim(), when: toEventFilter(picks), actions: actions.map(toActionInput), cooldownSec: Number(cooldown) } });
      setName('');
      setPicks(NO_PICKS);
      setActions([NEW_ACTION]);
      onCreated(r.createRule.id);
    } catch (err) {
      setError(err as RequestError);
    }
  };

  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="new-rule-title">
      <h2 id="new-rule-title">New rule</h2>
      <ErrorNote error={error} />
      <label htmlFor="rule-name">Name</label>
      <input id="rule-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} autoComplete="off" />
      <FilterPicker idPrefix="rule" value={picks} onChange={setPicks} cameras={cameras} lists={lists} />
      {actions.map((a, i) => {
        const capable = cameras.filter((c) => c.capabilities.includes(a.kind === 'trigger' ? 'TRIGGER_EVENT' : 'CREATE_EVENT'));
        const n = actions.length > 1 ? ` ${i + 1}` : '';
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: the drafts are positional
          <fieldset key={i} className="inline">
            <legend>Action{n}</legend>
            <label htmlFor={`rule-action-${i}`}>Do</label>
            <select id={`rule-action-${i}`} value={a.kind} onChange={(e) => setAction(i, { kind: e.target.value as ActionKind })}>
              <option value="trigger">trigger an event on a camera</option>
              <option value="createEvent">create an event on a camera</option>
              <option value="sink">deliver to a sink</option>
            </select>
            {a.kind === 'sink' ? (
              <>
                <label htmlFor={`rule-sink-${i}`}>Sink</label>
                <select id={`rule-sink-${i}`} value={a.sinkId} onChange={(e) => setAction(i, { sinkId: e.target.value })} required>
                  <option value="">—</option>
                  {sinks.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
                </select>
              </>
            ) : (
              <>
                <label htmlFor={`rule-camera-${i}`}>On camera</label>
                <select id={`rule-camera-${i}`} value={a.cameraId} onChange={(e) => setAction(i, { cameraId: e.target.value })} required>
                  <option value="">—</option>
                  {capable.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </select>
                <label htmlFor={`rule-type-${i}`}>Event type</label>
                <input id={`rule-type-${i}`} value={a.type} onChange={(e) => setAction(i, { type: e.target.value })} required maxLength={64} autoComplete="off" />
              </>
            )}
            {actions.length > 1 && (
              <button type="button" className="link" onClick={() => setActions((all) => all.filter((_, j) => j !== i))}>
                Remove action{n}
              </button>
            )}
          </fieldset>
        );
      })}
      <div className="inline">
        <button type="button" className="secondary" disabled={actions.length >= 10} onClick={() => setActions((all) => [...all, NEW_ACTION])}>
          Add an action
        </button>
        <label htmlFor="rule-cooldown">Cooldown (s, per camera)</label>
        <input id="rule-cooldown" type="number" min={0} max={86400} value={cooldown} onChange={(e) => setCooldown(e.target.value)} />
      </div>
      <button type="submit">Create rule</button>
    </form>
  );
}
