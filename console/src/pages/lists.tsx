/**
 * Lists: plate lists (ALLOW / DENY / WATCH) with their size; create and delete a list, add and
 * remove plates, browse entries (paged, filtered by plate). Changing lists needs `admin`; the
 * selected list and the entry filter are in the URL.
 */
import { type FormEvent, useState } from 'react';
import { AddPlatesDocument, CreatePlateListDocument, DeletePlateListDocument, PlateListEntriesDocument, type PlateListKind, PlateListsDocument, RemovePlatesDocument } from '../generated/graphql.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { formatTime } from '../lib/format.ts';
import { type RequestError, request } from '../lib/graphql.ts';
import { useSearch } from '../lib/router.ts';
import { useQuery } from '../lib/use-query.ts';
import { useCan } from '../lib/viewer.ts';

const PAGE = 50;

export default function ListsPage() {
  const can = useCan();
  const [search, setSearch] = useSearch();
  const selected = search.get('list');
  const lists = useQuery(PlateListsDocument, {});
  const [error, setError] = useState<RequestError | null>(null);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<PlateListKind>('WATCH');
  const [maxDistance, setMaxDistance] = useState('0');

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const r = await request(CreatePlateListDocument, { input: { name: name.trim(), kind, maxDistance: Number(maxDistance) } });
      setName('');
      lists.reload();
      setSearch({ list: r.createPlateList.id });
    } catch (err) {
      setError(err as RequestError);
    }
  };

  return (
    <section aria-labelledby="lists-title">
      <h1 id="lists-title">Plate lists</h1>
      <ErrorNote error={lists.error ?? error} />
      <div className="lists-grid">
        <div>
          <table className="results">
            <caption className="sr-only">Plate lists</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Max distance</th>
                <th scope="col">Plates</th>
              </tr>
            </thead>
            <tbody>
              {lists.data?.plateLists.map((l) => (
                <tr key={l.id} aria-current={l.id === selected ? 'true' : undefined}>
                  <td>
                    <button type="button" className="link" onClick={() => setSearch({ list: l.id })}>
                      {l.name}
                    </button>
                  </td>
                  <td>{l.kind}</td>
                  <td>{l.maxDistance}</td>
                  <td>{l.size}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {lists.data?.plateLists.length === 0 && <p className="muted">No lists yet.</p>}
          {can('admin') && (
            <form className="card" onSubmit={(e) => void create(e)} aria-labelledby="new-list-title">
              <h2 id="new-list-title">New list</h2>
              <label htmlFor="list-name">Name</label>
              <input id="list-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
              <label htmlFor="list-kind">Kind</label>
              <select id="list-kind" value={kind} onChange={(e) => setKind(e.target.value as PlateListKind)}>
                <option>WATCH</option>
                <option>ALLOW</option>
                <option>DENY</option>
              </select>
              <label htmlFor="list-distance">Max distance (0: exact, look-alikes free)</label>
              <select id="list-distance" value={maxDistance} onChange={(e) => setMaxDistance(e.target.value)}>
                {[0, 1, 2, 3].map((d) => (
                  <option key={d}>{d}</option>
                ))}
              </select>
              <button type="submit">Create list</button>
            </form>
          )}
        </div>
        {selected && (
          <ListEntries
            key={selected}
            id={selected}
            plate={search.get('plate')}
            onChanged={lists.reload}
            onDeleted={() => {
              setSearch({});
              lists.reload();
            }}
            setPlate={(p) => setSearch({ list: selected, plate: p }, { replace: true })}
          />
        )}
      </div>
    </section>
  );
}

function ListEntries({ id, plate, setPlate, onChanged, onDeleted }: { id: string; plate: string | null; setPlate(p: string | null): void; onChanged(): void; onDeleted(): void }) {
  const can = useCan();
  const [after, setAfter] = useState<string | null>(null);
  const q = useQuery(PlateListEntriesDocument, { id, first: PAGE, after, plate: plate || null });
  const [error, setError] = useState<RequestError | null>(null);
  const [newPlate, setNewPlate] = useState('');
  const [label, setLabel] = useState('');
  const list = q.data?.node && 'entries' in q.data.node ? q.data.node : null;

  const run = async (what: () => Promise<unknown>) => {
    setError(null);
    try {
      await what();
      q.reload();
      onChanged();
    } catch (err) {
      setError(err as RequestError);
    }
  };
  const add = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await request(AddPlatesDocument, { input: { listId: id, entries: [{ plate: newPlate.trim(), label: label.trim() || null }] } });
      setNewPlate('');
      setLabel('');
    });
  };

  if (!list) return q.loading ? <p>Loading…</p> : <ErrorNote error={q.error ?? new Error('No such list')} />;
  return (
    <section className="card" aria-labelledby="entries-title">
      <h2 id="entries-title">
        {list.name}{' '}
        <span className="muted">
          {list.kind}, {list.size} plates
        </span>
      </h2>
      <ErrorNote error={error ?? q.error} />
      {can('admin') && (
        <form className="inline" onSubmit={add} aria-label="Add a plate">
          <label htmlFor="entry-plate">Plate</label>
          <input id="entry-plate" value={newPlate} onChange={(e) => setNewPlate(e.target.value)} required maxLength={100} autoComplete="off" />
          <label htmlFor="entry-label">Label</label>
          <input id="entry-label" value={label} onChange={(e) => setLabel(e.target.value)} maxLength={200} />
          <button type="submit">Add plate</button>
        </form>
      )}
      <div className="inline">
        <label htmlFor="entry-filter">Find plate</label>
        <input id="entry-filter" defaultValue={plate ?? ''} onChange={(e) => setPlate(e.target.value.trim() || null)} autoComplete="off" />
      </div>
      <table className="results">
        <caption className="sr-only">Entries of {list.name}</caption>
        <thead>
          <tr>
            <th scope="col">Plate</th>
            <th scope="col">Label</th>
            <th scope="col">Valid</th>
            {can('admin') && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {list.entries.edges.map(({ node: en }) => (
            <tr key={en.plateNormalized}>
              <td>
                {en.plate} {en.plate !== en.plateNormalized && <span className="muted">({en.plateNormalized})</span>}
              </td>
              <td>{en.label ?? ''}</td>
              <td>{en.validFrom || en.validTo ? `${formatTime(en.validFrom)} – ${formatTime(en.validTo)}` : 'always'}</td>
              {can('admin') && (
                <td>
                  <button type="button" className="link" onClick={() => void run(() => request(RemovePlatesDocument, { input: { listId: id, plates: [en.plate] } }))} aria-label={`Remove ${en.plate}`}>
                    Remove
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <nav className="pager" aria-label="Pages of entries">
        <button type="button" className="secondary" disabled={!after} onClick={() => setAfter(null)}>
          First
        </button>
        <button type="button" disabled={!list.entries.pageInfo.hasNextPage} onClick={() => setAfter(list.entries.pageInfo.endCursor ?? null)}>
          Next →
        </button>
      </nav>
      {can('admin') && (
        <button
          type="button"
          className="danger"
          onClick={() => {
            if (confirm(`Delete the list ${list.name} and its ${list.size} plates?`)) void request(DeletePlateListDocument, { id }).then(onDeleted, (err) => setError(err as RequestError));
          }}
        >
          Delete list
        </button>
      )}
    </section>
  );
}
