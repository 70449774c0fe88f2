/**
 * Plate tracks: the events of one vehicle pass (same device and carID) folded into what a gate or
 * parking frontend needs. carID is a runtime counter that repeats after reboots, so a track is the
 * latest run of events with that id whose neighbours are less than TRACK_GAP_MS apart. Pure.
 */
import type { Direction, MediaRef, PlatePhase, StoredEvent } from '../../sdk.ts';

export const TRACK_GAP_MS = 10 * 60 * 1000;

export interface PlateTrack {
  trackId: string;
  deviceId: string;
  carId: string;
  bestPlate: string;
  bestPlateNormalized: string;
  bestConfidence: number | null;
  direction: Direction;
  phase: PlatePhase;
  firstSeen: Date;
  lastSeen: Date;
  closed: boolean;
  cameraId: string | null;
  events: StoredEvent[];
  media: MediaRef[];
}

/** Events of one track id in any order → the latest pass, or null when none carry plate fields. */
export function foldTrack(events: readonly StoredEvent[]): PlateTrack | null {
  const withPlate = events.filter((e) => e.plate).sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || (a.seq < b.seq ? -1 : 1));
  if (withPlate.length === 0) return null;
  let start = withPlate.length - 1;
  while (start > 0 && withPlate[start].occurredAt.getTime() - withPlate[start - 1].occurredAt.getTime() < TRACK_GAP_MS) start -= 1;
  const pass = withPlate.slice(start);
  const last = pass[pass.length - 1];
  let best = pass[0];
  for (const e of pass) {
    const c = e.plate!.confidence ?? -1;
    const b = best.plate!.confidence ?? -1;
    if (c > b || (c === b && e.plate!.phase === 'RELIABLE')) best = e;
  }
  const direction = [...pass].reverse().find((e) => e.plate!.direction !== 'UNKNOWN')?.plate?.direction ?? 'UNKNOWN';
  const media = new Map<string, MediaRef>();
  for (const e of pass) for (const m of e.media) media.set(m.id, m);
  const [deviceId, ...rest] = (last.plate!.trackId ?? ':').split(':');
  return {
    trackId: last.plate!.trackId ?? '',
    deviceId,
    carId: rest.join(':'),
    bestPlate: best.plate!.plate,
    bestPlateNormalized: best.plate!.plateNormalized,
    bestConfidence: best.plate!.confidence ?? null,
    direction,
    phase: pass.some((e) => e.plate!.phase === 'LOST') ? 'LOST' : last.plate!.phase,
    firstSeen: pass[0].occurredAt,
    lastSeen: last.occurredAt,
    closed: pass.some((e) => e.plate!.phase === 'LOST'),
    cameraId: last.cameraId,
    events: pass,
    media: [...media.values()],
  };
}
