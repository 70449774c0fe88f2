/**
 * Sinks: every outbound webhook and MQTT sink with its state, lag, cursor, last error and latest
 * deliveries, refreshed every few seconds and after each action. With `admin`: create a webhook sink
 * (its signing secret is shown once), create an MQTT sink, pause, resume, replay from a seq, delete.
 * Reading sinks needs `admin` too (the API's scope).
 */
import { type FormEvent, useMemo, useState } from 'react';
import {
  CreateMqttSinkDocument,
  CreateWebhookSinkDocument,
  DeleteSinkDocument,
  PauseSinkDocument,
  ReplaySinkDocument,
  ResumeSinkDocument,
  RuleFormOptionsDocument,
  type SinkRowFragment,
  SinksDocument,
} from '../generated/graphql.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { FilterPicker } from '../components/filter-picker.tsx';
import { describeFilter } from '../lib/describe-filter.ts';
import { filterNames } from '../lib/filter-names.ts';
import { type FilterPicks, NO_PICKS, toEventFilter } from '../lib/filter-picks.ts';
import { formatTime } from '../lib/format.ts';
import { type RequestError, request } from '../lib/graphql.ts';
import { usePolling } from '../lib/use-polling.ts';
import { useQuery } from '../lib/use-query.ts';
import { useCan } from '../lib/viewer.ts';

const POLL_MS = 3_000;

export default function SinksPage() {
  const can = useCan();
  if (!can('admin'))
    return (
      <section aria-labelledby="sinks-title">
        <h1 id="sinks-title">Sinks</h1>
        <p>Sinks need a key with the admin scope.</p>
      </section>
    );
  return <Sinks />;
}

function Sinks() {
  const sinks = useQuery(SinksDocument, {});
  const options = useQuery(RuleFormOptionsDocument, {});
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  usePolling(sinks.reload, POLL_MS);
  const names = useMemo(() => filterNames(options.data), [options.data]);
  const list = sinks.data?.sinks ?? [];
  return (
    <section aria-labelledby="sinks-title">
      <h1 id="sinks-title">Sinks</h1>
      <p className="muted">Outbound webhooks (signed, Standard Webhooks) and MQTT: matching events in log order, at least once. State and lag refresh every few seconds.</p>
      <ErrorNote error={sinks.error} />
      {secret && <SecretOnce {...secret} onDone={() => setSecret(null)} />}
      <ul className="cards sinks">
        {list.map((s) => (
          <SinkCard key={s.id} sink={s} names={names} onChanged={sinks.reload} />
        ))}
      </ul>
      {sinks.data && list.length === 0 && <p className="muted">No sinks yet.</p>}
      <NewSink
        cameras={options.data?.cameras.edges.map((e) => e.node) ?? []}
        lists={options.data?.plateLists ?? []}
        onCreated={(created) => {
          if (created) setSecret(created);
          sinks.reload();
        }}
      />
    </section>
  );
}

/** A new webhook sink's signing secret: shown here once, never again (the API does not return it later). */
function SecretOnce({ name, secret, onDone }: { name: string; secret: string; onDone(): void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('Copied.');
    } catch {
      setCopied('Copying was refused: select the secret and copy it.');
    }
  };
  return (
    <section className="card secret" role="status" aria-labelledby="secret-title">
      <h2 id="secret-title">Signing secret of {name}</h2>
      <p>
        <code data-secret="">{secret}</code>{' '}
        <button type="button" className="secondary" onClick={() => void copy()}>
          Copy secret
        </button>{' '}
        {copied && <span className="note">{copied}</span>}
      </p>
      <p>
        <strong>Save it now: you will not see it again.</strong> The receiver verifies each delivery's signature with it.
      </p>
      <button type="button" onClick={onDone}>
        I have saved it
      </button>
    </section>
  );
}

function SinkCard({ sink: s, names, onChanged }: { sink: SinkRowFragment; names: Record<string, string>; onChanged(): void }) {
  const [error, setError] = useState<RequestError | null>(null);
  const [fromSeq, setFromSeq] = useState('');
  const run = async (what: () => Promise<unknown>) => {
    setError(null);
    try {
      await what();
      onChanged();
    } catch (err) {
      setError(err as RequestError);
    }
  };
  const replay = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await request(ReplaySinkDocument, { id: s.id, fromSeq: fromSeq.trim() });
      setFromSeq('');
    });
  };
  const running = s.state === 'ACTIVE' || s.state === 'FAILING';
  return (
    <li className="card sink" data-sink={s.name} aria-labelledby={`sink-${s.id}`}>
      <h2 id={`sink-${s.id}`}>
        {s.name}{' '}
        <span className={`badge state-${s.state.toLowerCase()}`} data-state={s.state}>
          {s.state}
        </span>{' '}
        <span className="muted">
          {s.kind}
          {s.origin === 'config' ? ', config' : ''}
        </span>
      </h2>
      <dl className="fields">
        <div>
          <dt>{s.kind === 'MQTT' ? 'Broker' : 'URL'}</dt>
          <dd className="wrap">{s.url}</dd>
        </div>
        {s.kind === 'MQTT' && (
          <div>
            <dt>Topic</dt>
            <dd>
              {s.topic} (QoS {s.qos})
            </dd>
          </div>
        )}
        <div>
          <dt>Events</dt>
          <dd>{describeFilter(s.filter, names)}</dd>
        </div>
        <div>
          <dt>Lag</dt>
          <dd data-lag={s.lag}>{s.lag} events</dd>
        </div>
        <div>
          <dt>Delivered up to</dt>
          <dd>{s.lastDeliveredSeq ? `#${s.lastDeliveredSeq}` : '—'}</dd>
        </div>
        {s.lastError && (
          <div>
            <dt>Last error</dt>
            <dd className="error">{s.lastError}</dd>
          </div>
        )}
      </dl>
      <ErrorNote error={error} />
      <table className="results deliveries">
        <caption>Latest deliveries</caption>
        <thead>
          <tr>
            <th scope="col">Seq</th>
            <th scope="col">Status</th>
            <th scope="col">Tries</th>
            <th scope="col">At</th>
          </tr>
        </thead>
        <tbody>
          {s.deliveries.edges.map(({ node: d }) => (
            <tr key={d.messageId} data-seq={d.seq}>
              <td>#{d.seq}</td>
              <td title={d.error ?? undefined}>
                {d.status}
                {d.httpStatus ? ` (${d.httpStatus})` : ''}
              </td>
              <td>{d.attempts}</td>
              <td>{formatTime(d.at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {s.deliveries.edges.length === 0 && <p className="muted">Nothing delivered yet.</p>}
      <div className="inline">
        {running ? (
          <button type="button" className="secondary" onClick={() => void run(() => request(PauseSinkDocument, { id: s.id }))}>
            Pause
          </button>
        ) : (
          <button type="button" onClick={() => void run(() => request(ResumeSinkDocument, { id: s.id }))}>
            Resume
          </button>
        )}
        <button
          type="button"
          className="link"
          onClick={() => {
            if (confirm(`Delete the sink ${s.name}, its cursor and deliveries?`)) void run(() => request(DeleteSinkDocument, { id: s.id }));
          }}
        >
          Delete
        </button>
      </div>
      <form className="inline" onSubmit={replay} aria-label={`Replay ${s.name}`}>
        <label htmlFor={`replay-${s.id}`}>Replay from seq</label>
        <input id={`replay-${s.id}`} value={fromSeq} onChange={(e) => setFromSeq(e.target.value)} required pattern="[0-9]{1,20}" inputMode="numeric" size={8} />
        <button type="submit" className="secondary">
          Replay
        </button>
      </form>
    </li>
  );
}

function NewSink({
  cameras,
  lists,
  onCreated,
}: {
  cameras: readonly { id: string; name: string }[];
  lists: readonly { id: string; name: string }[];
  onCreated(secret: { name: string; secret: string } | null): void;
}) {
  const [kind, setKind] = useState<'WEBHOOK' | 'MQTT'>('WEBHOOK');
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [topic, setTopic] = useState('usa/{site}/{camera}/{kind}');
  const [qos, setQos] = useState('1');
  const [picks, setPicks] = useState<FilterPicks>(NO_PICKS);
  const [error, setError] = useState<RequestError | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const filter = toEventFilter(picks);
    const common = { name: name.trim(), url: url.trim(), filter: Object.keys(filter).length > 0 ? filter : null };
    try {
      if (kind === 'WEBHOOK') {
        const r = await request(CreateWebhookSinkDocument, { input: common });
        onCreated({ name: r.createWebhookSink.sink.name, secret: r.createWebhookSink.secret });
      } else {
        await request(CreateMqttSinkDocument, { input: { ...common, topic: topic.trim(), qos: Number(qos) } });
        onCreated(null);
      }
      setName('');
      setUrl('');
      setPicks(NO_PICKS);
    } catch (err) {
      setError(err as RequestError);
    }
  };

  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="new-sink-title">
      <h2 id="new-sink-title">New sink</h2>
      <ErrorNote error={error} />
      <label htmlFor="sink-kind">Kind</label>
      <select id="sink-kind" value={kind} onChange={(e) => setKind(e.target.value as 'WEBHOOK' | 'MQTT')}>
        <option value="WEBHOOK">Webhook</option>
        <option value="MQTT">MQTT</option>
      </select>
      <label htmlFor="sink-name">Name</label>
      <input id="sink-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} autoComplete="off" />
      <label htmlFor="sink-url">{kind === 'WEBHOOK' ? 'URL (http or https)' : 'Broker URL (mqtt:// or mqtts://)'}</label>
      <input id="sink-url" type="url" value={url} onChange={(e) => setUrl(e.target.value)} required maxLength={2000} autoComplete="off" />
      {kind === 'MQTT' && (
        <>
          <label htmlFor="sink-topic">
            Topic ({'{site}'}, {'{camera}'}, {'{kind}'}, {'{adapter}'})
          </label>
          <input id="sink-topic" value={topic} onChange={(e) => setTopic(e.target.value)} required maxLength={500} />
          <label htmlFor="sink-qos">QoS</label>
          <select id="sink-qos" value={qos} onChange={(e) => setQos(e.target.value)}>
            <option>0</option>
            <option>1</option>
            <option>2</option>
          </select>
        </>
      )}
      <FilterPicker idPrefix="sink" value={picks} onChange={setPicks} cameras={cameras} lists={lists} />
      <button type="submit">Create sink</button>
    </form>
  );
}
