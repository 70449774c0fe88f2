/**
 * Event: its images, every field, the plate lists it matched, the events around it on the same
 * camera, its vendor payload, and "Play video around it" (Event.video: an archive HLS session of
 * a source of the camera that records, played with hls.js).
 */
import { useState } from 'react';
import { EventDetailDocument, EventVideoDocument } from '../generated/graphql.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { HlsPlayer } from '../components/hls-player.tsx';
import { Thumb } from '../components/thumb.tsx';
import { withAccessToken } from '../lib/auth.ts';
import { formatTime, plateOf } from '../lib/format.ts';
import { type RequestError, request } from '../lib/graphql.ts';
import { Link } from '../lib/router.ts';
import { useQuery } from '../lib/use-query.ts';
import { useCan } from '../lib/viewer.ts';

export default function EventPage({ params }: { params: Record<string, string> }) {
  const id = params.id;
  const can = useCan();
  const q = useQuery(EventDetailDocument, { id });
  const [video, setVideo] = useState<{ url: string | null; error: RequestError | Error | null; loading: boolean }>({ url: null, error: null, loading: false });

  const e = q.data?.event;
  if (q.loading && !e) return <p>Loading…</p>;
  if (q.error && !e) return <ErrorNote error={q.error} />;
  if (!e)
    return (
      <>
        <h1>Event not found</h1>
        <p>
          <Link to="/events">Search events</Link>
        </p>
      </>
    );

  const plate = plateOf(e);
  const play = async () => {
    setVideo({ url: null, error: null, loading: true });
    try {
      const r = await request(EventVideoDocument, { id, beforeSec: 10, afterSec: 20 });
      const s = r.event?.video;
      if (!s) setVideo({ url: null, error: new Error('No source of this camera records video (ARCHIVE_STREAM).'), loading: false });
      else setVideo({ url: s.playlistUrl, error: null, loading: false });
    } catch (err) {
      setVideo({ url: null, error: err as RequestError, loading: false });
    }
  };

  const fields: Array<[string, string | number | null | undefined]> = [
    ['Kind', e.kind],
    ['Vendor type', e.vendorType],
    ['Seq', e.seq],
    ['Occurred', formatTime(e.occurredAt)],
    ['Received', formatTime(e.receivedAt)],
    ['Source', `${e.source.adapter}/${e.source.instance}`],
    ['Camera', e.camera ? `${e.camera.name} (${e.camera.status})` : null],
    ['Site', e.camera?.site?.name],
  ];
  if ('plate' in e) {
    fields.push(
      ['Plate', e.plate],
      ['Normalized', e.plateNormalized],
      ['Confidence', e.confidence != null ? `${Math.round(e.confidence * 100)} %` : null],
      ['Direction', e.direction],
      ['Phase', 'phase' in e ? e.phase : null],
      ['Country', 'country' in e ? e.country : null],
      ['Region', 'region' in e ? e.region : null],
      ['Track', 'trackId' in e ? e.trackId : null],
    );
    if ('vehicle' in e && e.vehicle) fields.push(['Vehicle', [e.vehicle.color, e.vehicle.make, e.vehicle.model, e.vehicle.type].filter(Boolean).join(' ')]);
  }
  if ('ruleName' in e) fields.push(['Rule', e.ruleName], ['Object', e.objectClass]);
  const matches = 'listMatches' in e ? e.listMatches : [];

  return (
    <article aria-labelledby="event-title">
      <h1 id="event-title">
        {plate ?? e.kind} <span className="muted">#{e.seq}</span>
      </h1>
      <div className="event-grid">
        <div>
          <h2>Images</h2>
          {e.media.length === 0 && <p className="muted">No images.</p>}
          <div className="media">
            {e.media.map((m) =>
              m.contentType.startsWith('image/') ? (
                <figure key={m.id}>
                  <img src={withAccessToken(m.url)} loading="lazy" alt={`${m.role.toLowerCase().replace('_', ' ')}${plate ? ` of ${plate}` : ''}`} />
                  <figcaption>{m.role}</figcaption>
                </figure>
              ) : (
                <p key={m.id}>
                  <a href={withAccessToken(m.url)}>
                    {m.role} ({m.contentType})
                  </a>
                </p>
              ),
            )}
          </div>
          <h2>Video</h2>
          {can('streams') ? (
            <>
              <button type="button" onClick={() => void play()} disabled={video.loading}>
                Play video around it
              </button>
              <ErrorNote error={video.error} />
              {video.url && <HlsPlayer playlistUrl={video.url} label={`Video around event ${e.seq}`} />}
            </>
          ) : (
            <p className="muted">Video needs the streams scope.</p>
          )}
        </div>
        <div>
          <h2>Fields</h2>
          <dl className="fields">
            {fields.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{v ?? '—'}</dd>
              </div>
            ))}
          </dl>
          <h2>List matches</h2>
          {matches.length === 0 ? (
            <p className="muted">None.</p>
          ) : (
            <ul className="matches">
              {matches.map((m) => (
                <li key={`${m.listName}-${m.entry.plate}`} data-list={m.listName}>
                  <strong>{m.kind}</strong> {m.list ? <Link to={`/lists?list=${encodeURIComponent(m.list.id)}`}>{m.listName}</Link> : m.listName}: {m.entry.plate}
                  {m.entry.label ? ` (${m.entry.label})` : ''}, distance {m.distance}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      <h2>Related events (same camera, ±30 s)</h2>
      {e.related.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul className="related">
          {e.related.map((r) => (
            <li key={r.id}>
              <Thumb event={r} /> <Link to={`/events/${encodeURIComponent(r.id)}`}>{plateOf(r) ?? r.kind}</Link> <span className="muted">{formatTime(r.occurredAt)}</span> {r.source.adapter}/
              {r.source.instance} {r.vendorType}
            </li>
          ))}
        </ul>
      )}
      <details>
        <summary>Vendor payload (raw)</summary>
        <pre>{JSON.stringify(e.raw, null, 2)}</pre>
      </details>
    </article>
  );
}
