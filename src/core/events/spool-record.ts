/**
 * The boundary between the writer and the spool (spool.ts): a pending write's storable parts become
 * the spool's record, and a replayed record becomes a write again. The event travels as the JSON
 * the event INSERT takes (eventRowJson: column names as keys, times as ISO text), so an event
 * ingest already serialised is not serialised again; rowOf is its inverse. Lines written by
 * earlier releases have this shape: a change here needs a reader for them.
 */
import { eventRowJson, type CameraRow, type InsertableEventRow, type MediaRow } from '../db/event-insert.ts';
import type { SpoolRecord } from './spool.ts';

/** The parts of a pending write (writer.ts) that are spooled. */
export interface SpoolableWrite {
  row: InsertableEventRow;
  /** `eventRowJson(row)` when the caller has it. */
  rowJson?: string;
  mediaRows: MediaRow[];
  camera?: CameraRow;
}

export function toSpoolRecord(w: SpoolableWrite): SpoolRecord {
  return { event: w.rowJson ?? eventRowJson(w.row), media: w.mediaRows, camera: w.camera ?? null };
}

export function fromSpoolRecord(r: SpoolRecord): SpoolableWrite & { rowJson: string } {
  return { row: rowOf(JSON.parse(r.event)), rowJson: r.event, mediaRows: r.media as MediaRow[], camera: (r.camera ?? undefined) as CameraRow | undefined };
}

/** The inverse of `eventRowJson` (event-insert.ts): column names back to the row, ISO text back to Dates. */
function rowOf(r: Record<string, any>): InsertableEventRow {
  return {
    typeName: r.type_name,
    kind: r.kind,
    vendorType: r.vendor_type,
    occurredAt: new Date(r.occurred_at),
    receivedAt: new Date(r.received_at),
    adapter: r.adapter,
    instance: r.instance,
    cameraId: r.camera_id,
    dedupeKey: r.dedupe_key,
    plateNormalized: r.plate_normalized,
    trackId: r.track_id,
    plate: r.plate,
    analytics: r.analytics,
    data: r.data,
    raw: r.raw,
    media: r.media,
    listMatches: r.list_matches ?? null,
  };
}
