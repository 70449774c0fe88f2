/**
 * Live: events as they arrive over graphql-ws. The newest 50 are loaded first, then the
 * subscription continues `after` the newest seq seen; after a disconnect (or Pause → Resume) it
 * resubscribes `after` the last seq received, so nothing is missed and nothing shown twice (the
 * server replays the gap; rows are also de-duplicated by seq). At 200 events/s the page stays
 * responsive: arrivals are batched (one render per 100 ms at most, in an animation frame), at most MAX_ROWS are kept in memory,
 * and only the rows in view are rendered (fixed-height rows). Images load lazily.
 */
import { useEffect, useRef, useState } from 'react';
import { type EventKind, type EventRowFragment, LiveEventsDocument, SearchEventsDocument } from '../generated/graphql.ts';
import { Thumb } from '../components/thumb.tsx';
import { request, subscribe } from '../lib/graphql.ts';
import { useEventKinds } from '../lib/event-kinds.ts';
import { formatTime, plateOf } from '../lib/format.ts';
import { Link, useSearch } from '../lib/router.ts';

/** Rows kept in memory (older ones are dropped; Events searches the whole history). */
export const MAX_ROWS = 500;
const ROW_HEIGHT = 64;
const VIEW_ROWS = 12;
const INITIAL = 50;
/** Arrivals are shown at most this often (one render per batch, in an animation frame). */
const BATCH_MS = 100;

type Status = 'connecting' | 'live' | 'paused' | 'reconnecting';

const seqNum = (s: string) => BigInt(s);

export default function LivePage() {
  const [search, setSearch] = useSearch();
  const kind = (search.get('kind') as EventKind | null) ?? null;
  const kinds = useEventKinds();
  const [rows, setRows] = useState<EventRowFragment[]>([]);
  const [status, setStatus] = useState<Status>('connecting');
  const [error, setError] = useState<string | null>(null);
  const [received, setReceived] = useState(0);
  const [paused, setPaused] = useState(false);
  const [scrollTop, setScrollTop] = useState(0);
  const lastSeq = useRef<string | null>(null);
  const pending = useRef<EventRowFragment[]>([]);
  const frame = useRef<number | null>(null);

  // Filter change: start over.
  // biome-ignore lint/correctness/useExhaustiveDependencies: restart on the filter only
  useEffect(() => {
    lastSeq.current = null;
    pending.current = [];
    setRows([]);
    setReceived(0);
  }, [kind]);

  useEffect(() => {
    if (paused) {
      setStatus('paused');
      return;
    }
    const filter = kind ? { kinds: [kind] } : undefined;
    let stop: (() => void) | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let attempt = 0;
    let cancelled = false;

    const flush = () => {
      frame.current = null;
      const batch = pending.current;
      pending.current = [];
      if (batch.length === 0) return;
      batch.reverse(); // newest first
      setReceived((n) => n + batch.length);
      setRows((prev) => (batch.length >= MAX_ROWS ? batch.slice(0, MAX_ROWS) : [...batch, ...prev].slice(0, MAX_ROWS)));
    };
    const accept = (e: EventRowFragment) => {
      if (lastSeq.current !== null && seqNum(e.seq) <= seqNum(lastSeq.current)) return; // already shown
      lastSeq.current = e.seq;
      pending.current.push(e);
      if (pending.current.length > MAX_ROWS) pending.current.splice(0, pending.current.length - MAX_ROWS);
      if (frame.current === null) frame.current = window.setTimeout(() => requestAnimationFrame(flush), BATCH_MS);
    };

    const connect = () => {
      if (cancelled) return;
      setStatus(attempt === 0 ? 'connecting' : 'reconnecting');
      stop = subscribe(
        LiveEventsDocument,
        { after: lastSeq.current, filter },
        {
          connected: () => {
            attempt = 0;
            setStatus('live');
            setError(null);
          },
          next: (d) => accept(d.events),
          error: (err) => {
            stop?.();
            if (cancelled) return;
            setError(err.message);
            if (err.code === 'UNAUTHENTICATED' || err.code === 'FORBIDDEN') return setStatus('reconnecting');
            attempt++;
            setStatus('reconnecting');
            retry = setTimeout(connect, Math.min(10_000, 500 * 2 ** Math.min(attempt, 5)));
          },
          complete: () => {
            if (!cancelled) retry = setTimeout(connect, 500);
          },
        },
      );
    };

    const start = async () => {
      if (lastSeq.current === null) {
        // Seed with the newest events, then continue after the newest: no gap between the two.
        try {
          const r = await request(SearchEventsDocument, { first: INITIAL, filter });
          if (cancelled) return;
          const seeded = r.events.edges.map((e) => e.node);
          lastSeq.current = seeded[0]?.seq ?? '0';
          setRows(seeded);
        } catch (e) {
          if (cancelled) return;
          setError((e as Error).message);
          lastSeq.current = null;
        }
      }
      connect();
    };
    void start();
    return () => {
      cancelled = true;
      if (retry) clearTimeout(retry);
      if (frame.current !== null) clearTimeout(frame.current);
      frame.current = null;
      flush();
      stop?.();
    };
  }, [paused, kind]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - 2);
  const visible = rows.slice(first, first + VIEW_ROWS + 6);

  return (
    <section aria-labelledby="live-title">
      <div className="page-head">
        <h1 id="live-title">Live</h1>
        <p className={`status ${status}`} aria-live="polite" data-status={status}>
          {status === 'live' && '● live'}
          {status === 'connecting' && 'connecting…'}
          {status === 'reconnecting' && `reconnecting… ${error ?? ''}`}
          {status === 'paused' && 'paused'}
          {lastSeq.current && <span className="muted"> · last seq {lastSeq.current}</span>}
          <span className="muted"> · {received} received</span>
        </p>
      </div>
      <div className="toolbar">
        <button type="button" onClick={() => setPaused((p) => !p)} aria-pressed={paused}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <label>
          Kind{' '}
          <select value={kind ?? ''} onChange={(e) => setSearch({ kind: e.target.value || null }, { replace: true })}>
            <option value="">all</option>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
      </div>
      {/* Only the rows in view are in the DOM; their links take keyboard focus (and scroll it into view). */}
      <section className="live-list" aria-label="Live events, newest first" style={{ height: ROW_HEIGHT * VIEW_ROWS }} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
        <ul style={{ height: rows.length * ROW_HEIGHT }}>
          {visible.map((e, i) => (
            <LiveRow key={e.seq} event={e} top={(first + i) * ROW_HEIGHT} />
          ))}
        </ul>
      </section>
      {rows.length === 0 && <p className="muted">No events yet{paused ? '' : ': they appear here as they arrive'}.</p>}
    </section>
  );
}

function LiveRow({ event: e, top }: { event: EventRowFragment; top: number }) {
  const plate = plateOf(e);
  return (
    <li className="live-row" style={{ top, height: ROW_HEIGHT }} data-seq={e.seq}>
      <Thumb event={e} />
      <span className="seq" title="seq">
        #{e.seq}
      </span>
      <span className="time">{formatTime(e.occurredAt)}</span>
      <Link to={`/events/${encodeURIComponent(e.id)}`} className="plate">
        {plate ?? e.kind}
      </Link>
      <span className="kind">{plate ? e.kind : e.vendorType}</span>
      <span className="camera">{e.camera?.name ?? '—'}</span>
      <span className="site">{e.camera?.site?.name ?? ''}</span>
      <span className="vendor">
        {e.source.adapter}/{e.source.instance}
      </span>
    </li>
  );
}
