/** Small display helpers shared by the pages. */
import type { EventKind, EventRowFragment } from '../generated/graphql.ts';

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${d.toLocaleTimeString(undefined, { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** The image to show small for an event: the plate crop, else the first image. */
export function thumbnailOf(e: Pick<EventRowFragment, 'media'>): EventRowFragment['media'][number] | null {
  const images = e.media.filter((m) => m.contentType.startsWith('image/'));
  return images.find((m) => m.role === 'PLATE_CROP') ?? images[0] ?? null;
}

export function plateOf(e: EventRowFragment): string | null {
  return 'plate' in e && typeof e.plate === 'string' ? e.plate : null;
}

/** The core kinds: what the filters offer until the server's EventKind enum is read (lib/event-kinds.ts), and when it cannot be. */
export const EVENT_KINDS: readonly EventKind[] = [
  'PLATE_READ',
  'LINE_CROSSED',
  'ZONE_ENTERED',
  'ZONE_LEFT',
  'MOTION_STARTED',
  'MOTION_ENDED',
  'LOITERING',
  'CROWD_APPEARED',
  'CROWD_DISAPPEARED',
  'TAILGATING',
  'OBJECT_ABANDONED',
  'OBJECT_APPEARED',
  'OBJECT_DISAPPEARED',
  'CAMERA_TAMPERED',
  'CAMERA_DISCONNECTED',
  'CAMERA_CONNECTED',
  'ANALYTICS_ALERT',
  'CUSTOM',
];

/** 1536 → "1.5 KB", null → "—" (binary units, one decimal). */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}
