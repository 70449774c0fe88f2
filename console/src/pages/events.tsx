/**
 * Events: search the history by plate (exact, `1AB*` prefix, or fuzzy with OCR look-alikes),
 * camera, site, kind and time range; newest first, keyset paging (`after` = the page's end cursor).
 * Every filter and the page cursor are in the URL.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { type EventFilter, type EventKind, FilterOptionsDocument, SearchEventsDocument } from '../generated/graphql.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { Thumb } from '../components/thumb.tsx';
import { useEventKinds } from '../lib/event-kinds.ts';
import { formatTime, plateOf } from '../lib/format.ts';
import { Link, useSearch } from '../lib/router.ts';
import { useQuery } from '../lib/use-query.ts';

const PAGE = 25;
const FIELDS = ['plate', 'fuzzy', 'camera', 'site', 'kind', 'from', 'to'] as const;
type Field = (typeof FIELDS)[number];

/** datetime-local value (local time) ↔ ISO instant. */
const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined);

export function filterFromSearch(s: URLSearchParams): EventFilter {
  const plate = s.get('plate')?.trim();
  const f: EventFilter = {};
  if (plate) {
    if (s.get('fuzzy')) f.plateFuzzy = { plate, maxDistance: Math.min(3, Math.max(0, Number(s.get('fuzzy')) || 1)) };
    else f.plate = plate;
  }
  if (s.get('camera')) f.cameraIds = [s.get('camera') as string];
  if (s.get('site')) f.siteIds = [s.get('site') as string];
  if (s.get('kind')) f.kinds = [s.get('kind') as EventKind];
  if (s.get('from')) f.from = toIso(s.get('from') as string);
  if (s.get('to')) f.to = toIso(s.get('to') as string);
  return f;
}

export default function EventsPage() {
  const [search, setSearch] = useSearch();
  const current = Object.fromEntries(FIELDS.map((k) => [k, search.get(k) ?? ''])) as Record<Field, string>;
  const [form, setForm] = useState(current);
  const query = search.toString();
  // Back/forward (or a link) changed the URL: the form shows its filters.
  // biome-ignore lint/correctness/useExhaustiveDependencies: follows the URL only
  useEffect(() => setForm(Object.fromEntries(FIELDS.map((k) => [k, search.get(k) ?? ''])) as Record<Field, string>), [query]);
  const after = search.get('after');
  const options = useQuery(FilterOptionsDocument, {});
  const kinds = useEventKinds();
  const result = useQuery(SearchEventsDocument, { first: PAGE, after, filter: filterFromSearch(search) });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSearch({ ...form });
  };
  const field = (k: Field) => ({
    id: `f-${k}`,
    name: k,
    value: form[k],
    onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value })),
  });
  const edges = result.data?.events.edges ?? [];
  const pageInfo = result.data?.events.pageInfo;

  return (
    <section aria-labelledby="events-title">
      <h1 id="events-title">Events</h1>
      <form className="filters" onSubmit={submit} aria-label="Event search">
        <div>
          <label htmlFor="f-plate">Plate</label>
          <input {...field('plate')} placeholder="1AB1234 or 1AB*" autoComplete="off" />
        </div>
        <div className="check">
          <input type="checkbox" id="f-fuzzy" checked={!!form.fuzzy} onChange={(e) => setForm((f) => ({ ...f, fuzzy: e.target.checked ? '1' : '' }))} />
          <label htmlFor="f-fuzzy">Fuzzy (one edit, look-alikes free)</label>
        </div>
        <div>
          <label htmlFor="f-camera">Camera</label>
          <select {...field('camera')}>
            <option value="">any</option>
            {options.data?.cameras.edges.map(({ node: c }) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-site">Site</label>
          <select {...field('site')}>
            <option value="">any</option>
            {options.data?.sites.map((s) => (
              <option key={s.id} value={s.key}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-kind">Kind</label>
          <select {...field('kind')}>
            <option value="">any</option>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-from">From</label>
          <input type="datetime-local" step={1} {...field('from')} />
        </div>
        <div>
          <label htmlFor="f-to">To</label>
          <input type="datetime-local" step={1} {...field('to')} />
        </div>
        <div className="actions">
          <button type="submit">Search</button>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setForm(Object.fromEntries(FIELDS.map((k) => [k, ''])) as Record<Field, string>);
              setSearch({});
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <ErrorNote error={result.error} />
      <table className="results" aria-busy={result.loading}>
        <caption className="sr-only">Events, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Image</th>
            <th scope="col">Time</th>
            <th scope="col">Plate / kind</th>
            <th scope="col">Camera</th>
            <th scope="col">Site</th>
            <th scope="col">Vendor</th>
            <th scope="col">Seq</th>
          </tr>
        </thead>
        <tbody>
          {edges.map(({ node: e }) => (
            <tr key={e.id}>
              <td>
                <Thumb event={e} />
              </td>
              <td>{formatTime(e.occurredAt)}</td>
              <td>
                <Link to={`/events/${encodeURIComponent(e.id)}`}>{plateOf(e) ?? e.kind}</Link>
                {plateOf(e) ? null : <span className="muted"> {e.vendorType}</span>}
              </td>
              <td>{e.camera?.name ?? '—'}</td>
              <td>{e.camera?.site?.name ?? ''}</td>
              <td>
                {e.source.adapter}/{e.source.instance}
              </td>
              <td>{e.seq}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!result.loading && edges.length === 0 && <p className="muted">No events match.</p>}
      <nav className="pager" aria-label="Pages of results">
        <button type="button" className="secondary" disabled={!after} onClick={() => setSearch({ ...current, after: null })}>
          Newest
        </button>
        <button type="button" disabled={!pageInfo?.hasNextPage} onClick={() => setSearch({ ...current, after: pageInfo?.endCursor })}>
          Older →
        </button>
      </nav>
    </section>
  );
}
