/**
 * A logical camera: one physical camera seen by several vendors. Its rows in `cameras` are its
 * sources: the primary (linked_into null; its id is the camera's id) and the rows linked into it
 * (core/cameras/links.ts), in link_rank order. This file composes what GraphQL presents.
 *
 * Status rule (documented in README "Sites and linked cameras"): over the sources that have video
 * (LIVE_STREAM or ARCHIVE_STREAM) if any, else over all sources: ONLINE when any is ONLINE,
 * OFFLINE when all are OFFLINE, else UNKNOWN. Each source's own status stays readable (Camera.sources).
 */
import type { CameraStatus, CapabilityName } from '../events/model.ts';
import type { CameraRecord, DeviceRecord } from './repo.ts';

const VIDEO: readonly CapabilityName[] = ['LIVE_STREAM', 'ARCHIVE_STREAM'];

/** The status of a camera made of `sources` (see the rule above). */
export function logicalStatus(sources: readonly DeviceRecord[]): CameraStatus {
  const video = sources.filter((s) => s.capabilities.some((c) => VIDEO.includes(c)));
  const over = video.length ? video : sources;
  if (over.some((s) => s.status === 'ONLINE')) return 'ONLINE';
  if (over.length && over.every((s) => s.status === 'OFFLINE')) return 'OFFLINE';
  return 'UNKNOWN';
}

/** The camera made of `primary` and its sources (primary first, link_rank order): capabilities are the union in source order. */
export function composeCamera(primary: CameraRecord, sources: readonly DeviceRecord[]): CameraRecord {
  const all = sources.length ? [...sources] : [primary];
  const capabilities = [...new Set(all.flatMap((s) => s.capabilities))];
  return { ...primary, capabilities, status: logicalStatus(all), sources: all };
}

/**
 * The source that serves `capability` for a camera: the first (link_rank order) that has it and
 * whose adapter instance is configured; else the first that has it (its dispatch then answers
 * VENDOR_UNAVAILABLE); null when none has it.
 */
export function sourceFor(camera: CameraRecord, capability: CapabilityName, isConfigured: (adapter: string, instance: string) => boolean): DeviceRecord | null {
  const sources = camera.sources ?? [camera];
  const capable = sources.filter((s) => s.capabilities.includes(capability));
  return capable.find((s) => isConfigured(s.adapter, s.instance)) ?? capable[0] ?? null;
}
