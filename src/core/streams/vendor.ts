/**
 * The vendor side of stream sessions: the adapter instance's StreamHandlers, opening a vendor
 * session (and checking what the adapter returned), stopping one (best effort), and the
 * one-at-a-time queue of a session's operations.
 */
import type { Logger } from 'pino';
import { unsupportedCapability, vendorRejected, vendorUnavailable } from '../errors.ts';
import type { RunningAdapter, StreamHandlers, VendorStream } from '../adapter/types.ts';
import { checkVendorStream, clampInterval, type Session } from './session.ts';

export type InstanceLookup = { find(type: string, id: string): { running: RunningAdapter | null; status: string } | undefined };

export function handlersFor(registry: InstanceLookup, adapter: string, instance: string): StreamHandlers {
  const inst = registry.find(adapter, instance);
  if (!inst?.running) throw vendorUnavailable(`adapter instance ${adapter}/${instance} is not running (${inst?.status ?? 'not configured'})`);
  const h = inst.running.capabilities?.streams;
  if (!h) throw unsupportedCapability(`adapter ${adapter} does not implement stream sessions`);
  return h;
}

/** Open the vendor session of `s`; `closed()` true when the server finished shutting down meanwhile (then it is stopped again). */
export async function openVendor(s: Session, handlers: StreamHandlers, closed: () => boolean): Promise<VendorStream> {
  const v = await handlers.start(s.request);
  const bad = checkVendorStream(v);
  if (bad) {
    if (typeof v?.vendorSessionId === 'string' && v.vendorSessionId) await handlers.stop({ ...v, mode: s.request.mode }).catch(() => {});
    throw vendorRejected(`adapter ${s.camera.adapter} opened a stream it cannot describe: ${bad}`);
  }
  const vendor = { vendorSessionId: v.vendorSessionId, playlistUrl: v.playlistUrl, keepaliveIntervalMs: clampInterval(v.keepaliveIntervalMs) };
  if (closed()) {
    await handlers.stop({ ...vendor, mode: s.request.mode }).catch(() => {});
    throw vendorUnavailable('the server is shutting down');
  }
  return vendor;
}

/** Best effort: a vendor that already forgot the session, or is down, only gets logged. */
export async function stopVendor(registry: InstanceLookup, log: Logger, s: Session): Promise<void> {
  if (!s.vendor) return;
  try {
    await handlersFor(registry, s.camera.adapter, s.camera.instance).stop({ ...s.vendor, mode: s.request.mode });
  } catch (err) {
    log.warn({ session: s.id, vendorSession: s.vendor.vendorSessionId, err }, 'vendor stream stop failed');
  }
}

/** Run `op` after the session's previous operation. */
export function runInTurn(s: Session, op: () => Promise<void>): Promise<void> {
  const next = (s.busy ?? Promise.resolve()).catch(() => {}).then(op);
  s.busy = next;
  next
    .then(
      () => {},
      () => {},
    )
    .finally(() => s.busy === next && (s.busy = null));
  return next;
}
