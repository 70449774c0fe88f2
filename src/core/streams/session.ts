/**
 * A stream session as the core keeps it: our id (what clients see), the vendor session behind it,
 * its state and use. Pure helpers: ids, the sharing key, request validation, the client view.
 */
import { randomBytes } from 'node:crypto';
import type { Timer } from '../time/clock.ts';
import { badInput } from '../errors.ts';
import type { CameraRecord } from '../cameras/repo.ts';
import type { StreamRequest, VendorStream } from '../adapter/types.ts';
import { newUrlKey, UpstreamUrlTable } from './url-table.ts';

/** Contract states. STARTING also covers a restart after a failed keepalive. */
export type StreamState = 'STARTING' | 'ACTIVE' | 'STOPPED' | 'FAILED';
export type StreamMode = StreamRequest['mode'];

export interface StartStreamInput {
  mode: StreamMode;
  from?: Date | null;
  width?: number | null;
  height?: number | null;
  audio?: boolean | null;
}

/** What GraphQL shows of a session. */
export interface StreamSessionView {
  id: string;
  camera: CameraRecord;
  mode: StreamMode;
  state: StreamState;
  /** Relative to this server: the HLS proxy. */
  playlistUrl: string;
  /** When the session stops unless used again (lastUsed + idle timeout). */
  expiresAt: Date;
}

export interface Session {
  readonly id: string;
  readonly camera: CameraRecord;
  readonly request: StreamRequest;
  /** Sharing key: camera + mode + parameters. */
  readonly key: string;
  readonly createdAt: Date;
  state: StreamState;
  vendor: VendorStream | null;
  lastUsedAt: number;
  nextKeepaliveAt: number;
  /** startStream calls not yet released by stopStream. */
  holders: number;
  timer: Timer | null;
  /** Upstream URLs that appeared in this session's playlists, by token. */
  readonly urls: UpstreamUrlTable;
  /** A start, keepalive, restart or stop in flight (one at a time). */
  busy: Promise<void> | null;
  /** Why the session FAILED. */
  failure: unknown;
  /** The last of this session's database writes (kept in order). */
  persisting: Promise<void> | null;
  /** Secret of the proxy tokens (UpstreamUrlTable), shared with other instances through the row. */
  urlKey: string;
  /** The row was written: from then on a missing row means another instance stopped the session. */
  persisted: boolean;
  /** When the row was last written by this instance (the clock's ms after the write). */
  persistedAt: number;
  /** Several instances: when this copy was last read from the row (copies not driven here go stale). */
  checkedAt: number;
  /** Several instances: when this instance last wrote its viewers' use to the row. */
  usageWrittenAt: number;
  /** Several instances: when the proxy last re-read the playlists to learn tokens another instance minted. */
  relearnedAt: number;
}

/** 192 random bits, URL-safe: unguessable, so ids never leak other viewers' sessions. */
export const newSessionId = (): string => randomBytes(24).toString('base64url');

/** Session ids as we issue them: refuse anything else before any lookup. */
export const isSessionId = (s: string): boolean => /^[A-Za-z0-9_-]{32}$/.test(s);

export const playlistPath = (id: string): string => `/streams/${id}/index.m3u8`;

const MAX_DIMENSION = 16_384;

/** Validate and normalize the client's parameters (from only for ARCHIVE). */
export function streamRequestOf(camera: CameraRecord, input: StartStreamInput): StreamRequest {
  const dim = (name: 'width' | 'height') => {
    const v = input[name];
    if (v === null || v === undefined) return null;
    if (!Number.isInteger(v) || v < 1 || v > MAX_DIMENSION) throw badInput(`${name}: expected 1..${MAX_DIMENSION}, got ${v}`);
    return v;
  };
  if (input.mode === 'ARCHIVE' && !input.from) throw badInput('from: required in ARCHIVE mode (where playback starts)');
  if (input.mode === 'LIVE' && input.from) throw badInput('from: only for ARCHIVE mode');
  return {
    cameraVendorId: camera.vendorId,
    mode: input.mode,
    from: input.mode === 'ARCHIVE' ? input.from! : null,
    width: dim('width'),
    height: dim('height'),
    audio: input.audio ?? null,
  };
}

export function sharingKey(cameraId: string, r: StreamRequest): string {
  return JSON.stringify([cameraId, r.mode, r.from?.toISOString() ?? null, r.width ?? null, r.height ?? null, r.audio ?? null]);
}

/** Vendor keepalive intervals are clamped to something sane (a 0 would spin). */
export function clampInterval(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0) return 30_000;
  return Math.min(Math.max(Math.round(ms), 10), 3_600_000);
}

/** Check what an adapter's start() returned before trusting it. */
export function checkVendorStream(v: VendorStream): string | null {
  if (!v || typeof v.vendorSessionId !== 'string' || !v.vendorSessionId) return 'no vendorSessionId';
  try {
    const u = new URL(v.playlistUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return `playlistUrl scheme ${u.protocol} is not http(s)`;
  } catch {
    return 'playlistUrl is not a URL';
  }
  return null;
}

export function newSession(id: string, camera: CameraRecord, request: StreamRequest, now: number, createdAt = new Date(now), urlKey = newUrlKey()): Session {
  return {
    id,
    camera,
    request,
    key: sharingKey(camera.id, request),
    createdAt,
    state: 'STARTING',
    vendor: null,
    lastUsedAt: now,
    nextKeepaliveAt: now,
    holders: 1,
    timer: null,
    urls: new UpstreamUrlTable(undefined, urlKey),
    busy: null,
    failure: null,
    persisting: null,
    urlKey,
    persisted: false,
    persistedAt: 0,
    checkedAt: now,
    usageWrittenAt: 0,
    relearnedAt: 0,
  };
}
