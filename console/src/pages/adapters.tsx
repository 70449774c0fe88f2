/**
 * Adapters: every configured instance with its status, detail, counters and leases, updated live
 * by `adapterStatusChanged` (and reloaded after a reconnect, so nothing stays stale).
 */
import { useEffect, useState } from 'react';
import { type AdapterRowFragment, AdapterStatusChangedDocument, AdaptersDocument } from '../generated/graphql.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { formatTime } from '../lib/format.ts';
import { subscribe } from '../lib/graphql.ts';
import { useQuery } from '../lib/use-query.ts';

const keyOf = (a: AdapterRowFragment) => `${a.type}/${a.id}`;

export default function AdaptersPage() {
  const q = useQuery(AdaptersDocument, {});
  const [live, setLive] = useState<Record<string, AdapterRowFragment>>({});
  const [connected, setConnected] = useState(false);
  const { reload } = q;

  useEffect(() => {
    let stop: (() => void) | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let cancelled = false;
    const connect = (again: boolean) => {
      if (cancelled) return;
      if (again) reload(); // catch up on what changed while disconnected
      stop = subscribe(
        AdapterStatusChangedDocument,
        {},
        {
          connected: () => setConnected(true),
          next: (d) => {
            setLive((m) => ({ ...m, [keyOf(d.adapterStatusChanged)]: d.adapterStatusChanged }));
          },
          error: () => {
            stop?.();
            setConnected(false);
            if (!cancelled) retry = setTimeout(() => connect(true), 2_000);
          },
        },
      );
    };
    connect(false);
    return () => {
      cancelled = true;
      if (retry) clearTimeout(retry);
      stop?.();
    };
  }, [reload]);

  const rows = (q.data?.adapters ?? []).map((a) => live[keyOf(a)] ?? a);
  return (
    <section aria-labelledby="adapters-title">
      <div className="page-head">
        <h1 id="adapters-title">Adapters</h1>
        <p className="muted" aria-live="polite">
          {connected ? 'status changes arrive live' : 'reconnecting…'}
        </p>
      </div>
      <ErrorNote error={q.error} />
      <ul className="cards">
        {rows.map((a) => (
          <li key={keyOf(a)} className="card" aria-label={`Adapter ${keyOf(a)}`} data-adapter={keyOf(a)}>
            <h2>
              {a.type}/{a.id} <span className={`badge ${a.status.toLowerCase()}`}>{a.status}</span>
            </h2>
            <p className="muted">
              version {a.version} · since {formatTime(a.since)} · last event {formatTime(a.lastEventAt)}
            </p>
            {a.detail && <p>{a.detail}</p>}
            <ul className="caps" aria-label="Capabilities">
              {a.capabilities.map((c) => (
                <li className="cap" key={c}>
                  {c}
                </li>
              ))}
            </ul>
            {a.leases.length > 0 && (
              <p>
                Leases:{' '}
                {a.leases.map((l) => (
                  <span key={l.name} className={`badge ${l.held ? 'online' : 'unknown'}`}>
                    {l.name} {l.held ? 'held here' : 'standby'}
                  </span>
                ))}
              </p>
            )}
            {a.counters.length > 0 && (
              <details>
                <summary>Counters ({a.counters.length})</summary>
                <table className="counters">
                  <tbody>
                    {a.counters.map((c) => (
                      <tr key={c.name}>
                        <th scope="row">{c.name}</th>
                        <td>{c.value}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
