/**
 * Admin (admin keys only; hidden in the navigation otherwise): the retention policies in force
 * (edit and save with setRetentionPolicies), free disk space and what each adapter stored, and the
 * audit log of admin actions, newest first, paged by its keyset cursor.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { AuditLogDocument, RetentionPoliciesDocument, SetRetentionPoliciesDocument, StorageDocument } from '../generated/graphql.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { formatBytes, formatTime } from '../lib/format.ts';
import { type RequestError, request } from '../lib/graphql.ts';
import { EMPTY_RETENTION_ROW, type RetentionRow, toRetentionInput, toRetentionRow } from '../lib/retention-rows.ts';
import { useQuery } from '../lib/use-query.ts';
import { useCan } from '../lib/viewer.ts';

const AUDIT_PAGE = 25;
const ARGS_SHOWN = 300;

export default function AdminPage() {
  const can = useCan();
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">Admin</h1>
      {can('admin') ? (
        <>
          <Storage />
          <Retention />
          <AuditLog />
        </>
      ) : (
        <p>This page needs a key with the admin scope.</p>
      )}
    </section>
  );
}

function Storage() {
  const q = useQuery(StorageDocument, {});
  const usage = [...(q.data?.storageUsage ?? [])].sort((a, b) => b.mediaBytes - a.mediaBytes || b.events - a.events);
  return (
    <section aria-labelledby="disk-title">
      <div className="page-head">
        <h2 id="disk-title">Disk</h2>
        <button type="button" className="secondary" onClick={q.reload} disabled={q.loading}>
          Read again
        </button>
      </div>
      <ErrorNote error={q.error} />
      <table className="results disk">
        <caption className="sr-only">Free space of the directories the server writes to</caption>
        <thead>
          <tr>
            <th scope="col">Directory</th>
            <th scope="col">Free</th>
            <th scope="col">Total</th>
            <th scope="col">Watermark</th>
            <th scope="col">New images</th>
          </tr>
        </thead>
        <tbody>
          {q.data?.diskSpace.map((d) => (
            <tr key={d.path} data-path={d.path}>
              <td className="wrap">{d.path}</td>
              <td>{d.error ? <span className="error">{d.error}</span> : formatBytes(d.freeBytes)}</td>
              <td>{formatBytes(d.totalBytes)}</td>
              <td>{d.minFreeBytes ? formatBytes(d.minFreeBytes) : 'off'}</td>
              <td>{d.mediaRefused ? <span className="error">refused (below the watermark)</span> : 'accepted'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="results usage">
        <caption>Stored per adapter instance and kind</caption>
        <thead>
          <tr>
            <th scope="col">Adapter</th>
            <th scope="col">Kind</th>
            <th scope="col">Events</th>
            <th scope="col">Images</th>
          </tr>
        </thead>
        <tbody>
          {usage.map((u) => (
            <tr key={`${u.adapter}/${u.instance}/${u.kind}`}>
              <td>
                {u.adapter}/{u.instance}
              </td>
              <td>{u.kind}</td>
              <td>{u.events.toLocaleString()}</td>
              <td>{formatBytes(u.mediaBytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {q.data && usage.length === 0 && <p className="muted">Nothing stored yet.</p>}
    </section>
  );
}

const COLUMNS: ReadonlyArray<[keyof RetentionRow, string]> = [
  ['kinds', 'Kinds'],
  ['adapters', 'Adapters'],
  ['cameraIds', 'Cameras'],
  ['siteIds', 'Sites'],
  ['events', 'Keep events'],
  ['media', 'Keep media'],
];

function Retention() {
  const q = useQuery(RetentionPoliciesDocument, {});
  const [rows, setRows] = useState<RetentionRow[] | null>(null);
  const [error, setError] = useState<RequestError | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (q.data) setRows(q.data.retentionPolicies.map(toRetentionRow));
  }, [q.data]);
  const edit = (i: number, field: keyof RetentionRow, value: string) => {
    setSaved(false);
    setRows((all) => all?.map((r, j) => (j === i ? { ...r, [field]: value } : r)) ?? null);
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const r = await request(SetRetentionPoliciesDocument, { input: (rows ?? []).map(toRetentionInput) });
      setRows(r.setRetentionPolicies.map(toRetentionRow));
      setSaved(true);
    } catch (err) {
      setError(err as RequestError);
    }
  };
  return (
    <form onSubmit={(e) => void save(e)} aria-labelledby="retention-title">
      <h2 id="retention-title">Retention</h2>
      <p className="muted">
        First matching policy wins; lists are comma-separated (empty: any); durations in whole hours or days (12h, 30d; empty: for ever / as long as the event). Saving applies from the next pass; no
        policies: the config's.
      </p>
      <ErrorNote error={q.error ?? error} />
      <table className="results retention">
        <caption className="sr-only">Retention policies, in order</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            {COLUMNS.map(([f, label]) => (
              <th key={f} scope="col">
                {label}
              </th>
            ))}
            <th scope="col">
              <span className="sr-only">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows?.map((r, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: policies are ordered and have no id
            <tr key={i}>
              <td>{i + 1}</td>
              {COLUMNS.map(([f, label]) => (
                <td key={f}>
                  <input
                    aria-label={`Policy ${i + 1} ${label}`}
                    value={r[f]}
                    onChange={(e) => edit(i, f, e.target.value)}
                    maxLength={2000}
                    size={f === 'events' || f === 'media' ? 6 : f === 'kinds' ? 24 : 12}
                  />
                </td>
              ))}
              <td>
                <button type="button" className="link" onClick={() => setRows((all) => all?.filter((_, j) => j !== i) ?? null)}>
                  Remove policy {i + 1}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows && rows.length === 0 && <p className="muted">No policies: every event and image is kept.</p>}
      <div className="inline">
        <button type="button" className="secondary" disabled={(rows?.length ?? 0) >= 100} onClick={() => setRows((all) => [...(all ?? []), EMPTY_RETENTION_ROW])}>
          Add a policy
        </button>
        <button type="submit" disabled={!rows}>
          Save policies
        </button>
        {saved && (
          <span className="note" role="status">
            Saved.
          </span>
        )}
      </div>
    </form>
  );
}

function AuditLog() {
  const [after, setAfter] = useState<string | null>(null);
  const q = useQuery(AuditLogDocument, { first: AUDIT_PAGE, after });
  const page = q.data?.auditLog;
  return (
    <section aria-labelledby="audit-title">
      <div className="page-head">
        <h2 id="audit-title">Audit log</h2>
        <button type="button" className="secondary" onClick={q.reload} disabled={q.loading}>
          Refresh
        </button>
      </div>
      <ErrorNote error={q.error} />
      <table className="results audit">
        <caption className="sr-only">Admin actions, newest first</caption>
        <thead>
          <tr>
            <th scope="col">At</th>
            <th scope="col">Key</th>
            <th scope="col">Action</th>
            <th scope="col">Outcome</th>
            <th scope="col">Arguments</th>
          </tr>
        </thead>
        <tbody>
          {page?.edges.map(({ node: a }) => {
            const args = JSON.stringify(a.args);
            return (
              <tr key={a.id} data-action={a.action}>
                <td>{formatTime(a.at)}</td>
                <td>{a.keyId ?? <span className="muted">open</span>}</td>
                <td>{a.action}</td>
                <td className={a.outcome === 'ok' ? undefined : 'error'}>{a.outcome}</td>
                <td>
                  <code className="wrap" title={args.length > ARGS_SHOWN ? args : undefined}>
                    {args.length > ARGS_SHOWN ? `${args.slice(0, ARGS_SHOWN)}…` : args}
                  </code>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {page && page.edges.length === 0 && <p className="muted">No admin actions recorded.</p>}
      <nav className="pager" aria-label="Pages of the audit log">
        <button type="button" className="secondary" disabled={!after} onClick={() => setAfter(null)}>
          Newest
        </button>
        <button type="button" disabled={!page?.pageInfo.hasNextPage} onClick={() => setAfter(page?.pageInfo.endCursor ?? null)}>
          Older →
        </button>
      </nav>
    </section>
  );
}
