/**
 * Cameras by site, filtered by site, status and capability (in the URL): status, capabilities and
 * sources; a live player for LIVE_STREAM cameras; trigger/create an event where the camera can
 * (scope events:write); link cameras and unlink sources for admins.
 */
import { type FormEvent, useState } from 'react';
import {
  type Capability,
  type CameraFilter,
  type CameraStatus,
  CamerasDocument,
  type CamerasQuery,
  CreateEventDocument,
  LinkCamerasDocument,
  StartStreamDocument,
  StopStreamDocument,
  TriggerEventDocument,
  UnlinkCameraSourceDocument,
} from '../generated/graphql.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { HlsPlayer } from '../components/hls-player.tsx';
import { type RequestError, request } from '../lib/graphql.ts';
import { Link, useSearch } from '../lib/router.ts';
import { useQuery } from '../lib/use-query.ts';
import { useCan } from '../lib/viewer.ts';

type CameraNode = CamerasQuery['cameras']['edges'][number]['node'];
const CAPABILITIES: Capability[] = ['TRIGGER_EVENT', 'CREATE_EVENT', 'LIVE_STREAM', 'ARCHIVE_STREAM', 'SNAPSHOT', 'CLIP'];
const STATUSES: CameraStatus[] = ['ONLINE', 'OFFLINE', 'UNKNOWN'];

export default function CamerasPage() {
  const [search, setSearch] = useSearch();
  const filter: CameraFilter = {};
  if (search.get('site')) filter.siteIds = [search.get('site') as string];
  if (search.get('status')) filter.statuses = [search.get('status') as CameraStatus];
  if (search.get('capability')) filter.capabilities = [search.get('capability') as Capability];
  const q = useQuery(CamerasDocument, { filter });
  const cameras = q.data?.cameras.edges.map((e) => e.node) ?? [];
  const groups = new Map<string, { name: string; cameras: CameraNode[] }>();
  for (const c of cameras) {
    const key = c.site?.key ?? '';
    if (!groups.has(key)) groups.set(key, { name: c.site?.name ?? 'No site', cameras: [] });
    groups.get(key)?.cameras.push(c);
  }
  const set = (k: string, v: string) => setSearch({ site: search.get('site'), status: search.get('status'), capability: search.get('capability'), [k]: v || null }, { replace: true });

  return (
    <section aria-labelledby="cameras-title">
      <h1 id="cameras-title">Cameras</h1>
      <div className="toolbar">
        <label>
          Site{' '}
          <select value={search.get('site') ?? ''} onChange={(e) => set('site', e.target.value)}>
            <option value="">all</option>
            {q.data?.sites.map((s) => (
              <option key={s.id} value={s.key}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status{' '}
          <select value={search.get('status') ?? ''} onChange={(e) => set('status', e.target.value)}>
            <option value="">all</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Capability{' '}
          <select value={search.get('capability') ?? ''} onChange={(e) => set('capability', e.target.value)}>
            <option value="">any</option>
            {CAPABILITIES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </div>
      <ErrorNote error={q.error} />
      {[...groups.entries()].map(([key, g]) => (
        <section key={key} aria-label={`Site ${g.name}`}>
          <h2>{g.name}</h2>
          <ul className="cards">
            {g.cameras.map((c) => (
              <CameraCard key={c.id} camera={c} all={cameras} onChanged={q.reload} />
            ))}
          </ul>
        </section>
      ))}
      {!q.loading && cameras.length === 0 && <p className="muted">No cameras match.</p>}
    </section>
  );
}

function CameraCard({ camera: c, all, onChanged }: { camera: CameraNode; all: CameraNode[]; onChanged(): void }) {
  const can = useCan();
  const [error, setError] = useState<RequestError | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [eventType, setEventType] = useState('door_bell');
  const [stream, setStream] = useState<{ id: string; url: string } | null>(null);
  const [linkFrom, setLinkFrom] = useState('');
  const has = (cap: Capability) => c.capabilities.includes(cap);
  const act = async (what: () => Promise<string | null>) => {
    setError(null);
    setNote(null);
    try {
      setNote(await what());
    } catch (e) {
      setError(e as RequestError);
    }
  };
  const fire = (mode: 'trigger' | 'create') => (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const input = { cameraId: c.id, type: eventType, idempotencyKey: `console-${crypto.randomUUID()}` };
      const r = mode === 'trigger' ? (await request(TriggerEventDocument, { input })).triggerEvent : (await request(CreateEventDocument, { input })).createEvent;
      return r.accepted ? `${mode === 'trigger' ? 'Triggered' : 'Created'} ${eventType}${r.vendorEventId ? ` (vendor id ${r.vendorEventId})` : ''}` : 'The vendor did not accept it';
    });
  };
  const titleId = `cam-${c.id.replace(/[^\w-]/g, '')}`;

  return (
    <li className="card camera" aria-labelledby={titleId} data-camera={c.key ?? c.name}>
      <h3 id={titleId}>
        {c.name} <span className={`badge ${c.status.toLowerCase()}`}>{c.status}</span>
      </h3>
      <p className="muted">
        {c.key ? `${c.key} · ` : ''}
        <Link to={`/events?camera=${encodeURIComponent(c.id)}`}>events</Link>
      </p>
      <ul className="caps" aria-label="Capabilities">
        {c.capabilities.map((cap) => (
          <li key={cap} className="cap">
            {cap}
          </li>
        ))}
      </ul>
      <ul className="sources" aria-label="Sources">
        {c.sources.map((s) => (
          <li key={`${s.adapter}/${s.instance}/${s.vendorId}`}>
            {s.adapter}/{s.instance}/{s.vendorId} <span className={`badge ${s.status.toLowerCase()}`}>{s.status}</span>
            {can('admin') && c.sources.length > 1 && (
              <button
                type="button"
                className="link"
                onClick={() =>
                  void act(async () => {
                    await request(UnlinkCameraSourceDocument, { input: { cameraId: c.id, source: { adapter: s.adapter, instance: s.instance, vendorId: s.vendorId } } });
                    onChanged();
                    return 'Unlinked';
                  })
                }
              >
                Unlink
              </button>
            )}
          </li>
        ))}
      </ul>
      {(has('TRIGGER_EVENT') || has('CREATE_EVENT')) && can('events:write') && (
        <form className="inline" onSubmit={fire(has('TRIGGER_EVENT') ? 'trigger' : 'create')}>
          <label htmlFor={`${titleId}-type`}>Event type</label>
          <input id={`${titleId}-type`} value={eventType} onChange={(e) => setEventType(e.target.value)} maxLength={200} required />
          {has('TRIGGER_EVENT') && <button type="submit">Trigger</button>}
          {has('CREATE_EVENT') && (
            <button type="button" className="secondary" onClick={fire('create')}>
              Create
            </button>
          )}
        </form>
      )}
      {has('LIVE_STREAM') &&
        can('streams') &&
        (stream ? (
          <>
            <HlsPlayer playlistUrl={stream.url} label={`Live video of ${c.name}`} />
            <button
              type="button"
              className="secondary"
              onClick={() =>
                void act(async () => {
                  const id = stream.id;
                  setStream(null);
                  await request(StopStreamDocument, { id });
                  return null;
                })
              }
            >
              Stop live
            </button>
          </>
        ) : (
          <button
            type="button"
            onClick={() =>
              void act(async () => {
                const s = (await request(StartStreamDocument, { input: { cameraId: c.id, mode: 'LIVE' } })).startStream;
                setStream({ id: s.id, url: s.playlistUrl });
                return null;
              })
            }
          >
            Watch live
          </button>
        ))}
      {can('admin') && all.length > 1 && (
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            if (!linkFrom) return;
            void act(async () => {
              await request(LinkCamerasDocument, { input: { into: c.id, from: [linkFrom] } });
              setLinkFrom('');
              onChanged();
              return 'Linked';
            });
          }}
        >
          <label htmlFor={`${titleId}-link`}>Link into this</label>
          <select id={`${titleId}-link`} value={linkFrom} onChange={(e) => setLinkFrom(e.target.value)}>
            <option value="">choose a camera</option>
            {all
              .filter((o) => o.id !== c.id)
              .map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
          </select>
          <button type="submit" className="secondary" disabled={!linkFrom}>
            Link
          </button>
        </form>
      )}
      {note && (
        <p className="note" role="status">
          {note}
        </p>
      )}
      <ErrorNote error={error} />
    </li>
  );
}
