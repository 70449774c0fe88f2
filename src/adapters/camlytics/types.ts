/**
 * Camlytics event types: the unified EventKind and the label the app shows for each (from the
 * vendor's webhook documentation). Newer app versions add types: those map to ANALYTICS_ALERT and
 * keep their vendor name in `vendorType`. Pure data.
 */
import type { EventKind } from '../../sdk.ts';

export const CAMLYTICS_TYPES: Readonly<Record<string, { kind: EventKind; label: string }>> = {
  TripwireCrossed: { kind: 'LINE_CROSSED', label: 'Line crossed' },
  RegionJoin: { kind: 'ZONE_ENTERED', label: 'Zone joined' },
  RegionLeave: { kind: 'ZONE_LEFT', label: 'Zone left' },
  MotionInRegionOn: { kind: 'MOTION_STARTED', label: 'Motion started' },
  MotionInRegionOff: { kind: 'MOTION_ENDED', label: 'Motion finished' },
  Loitering: { kind: 'LOITERING', label: 'Object dwell' },
  CrowdOn: { kind: 'CROWD_APPEARED', label: 'Crowd appear' },
  CrowdOff: { kind: 'CROWD_DISAPPEARED', label: 'Crowd disappear' },
  Tailgating: { kind: 'TAILGATING', label: 'Tailgating' },
  AbandonedObject: { kind: 'OBJECT_ABANDONED', label: 'Abandoned item' },
  ObjectAppear: { kind: 'OBJECT_APPEARED', label: 'Object appear' },
  ObjectDisappear: { kind: 'OBJECT_DISAPPEARED', label: 'Object disappear' },
  Sabotage: { kind: 'CAMERA_TAMPERED', label: 'Camera obstructed' },
  CameraDisconnected: { kind: 'CAMERA_DISCONNECTED', label: 'Camera disconnected' },
};

const BY_LOWER = new Map(Object.entries(CAMLYTICS_TYPES).map(([name, v]) => [name.toLowerCase(), { name, ...v }]));

/** The known type for a vendor type name (case-insensitive), or null for a type this table lacks. */
export function knownCamlyticsType(vendorType: string): { name: string; kind: EventKind; label: string } | null {
  return BY_LOWER.get(vendorType.toLowerCase()) ?? null;
}

/** EventKind of a Camlytics type; unknown types are ANALYTICS_ALERT (never rejected). */
export function camlyticsKind(vendorType: string): EventKind {
  return knownCamlyticsType(vendorType)?.kind ?? 'ANALYTICS_ALERT';
}
