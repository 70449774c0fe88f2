/**
 * What the unified mutations and the VXG-only GraphQL fields do on a camera: create and trigger
 * events (with idempotency keys), list / add / update event types. Inputs are checked before any
 * VXG call; a type that cannot be triggered is refused with UNSUPPORTED_CAPABILITY from the cached
 * event types, without calling VXG.
 */
import { AppError, badInput, notFound, unsupportedCapability, type CapabilityHandlers, type TriggerInput } from '../../sdk.ts';
import type { VxgClient } from './client.ts';
import type { VxgChannel } from './config.ts';
import type { EventTypeCache } from './event-types.ts';
import { fingerprint, type ActionResult, type IdempotencyStore } from './idempotency.ts';
import type { VxgEventType, VxgEventTypeSettings, VxgStoredEvent } from './map.ts';
import { formatVxgTime, parseVxgTime, wholeSeconds } from './time.ts';

/** One configured VXG camera at run time. */
export interface VxgCameraRuntime {
  vendorId: string;
  channel: VxgChannel;
  client: VxgClient;
  types: EventTypeCache;
}

/** What the adapter's own GraphQL resolvers call (RunningAdapter.api). */
export interface VxgInstanceApi {
  listEventTypes(vendorId: string, refresh?: boolean): Promise<VxgEventType[]>;
  addEventType(vendorId: string, name: string, settings: VxgEventTypeSettings): Promise<VxgEventType>;
  updateEventType(vendorId: string, name: string, settings: VxgEventTypeSettings): Promise<VxgEventType>;
}

export interface VxgActionDeps {
  cameras: ReadonlyMap<string, VxgCameraRuntime>;
  idempotency: IdempotencyStore;
  now: () => Date;
  /** An event VXG stored on our request (to mirror it at once when the poller would not see it). */
  created(cam: VxgCameraRuntime, ev: VxgStoredEvent): Promise<void>;
  /** Something happened on the camera that the poller should look at soon. */
  acted(cam: VxgCameraRuntime): void;
}

const TYPE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_META_BYTES = 16 * 1024;

export function checkTypeName(name: unknown, field = 'type'): string {
  if (typeof name !== 'string' || !TYPE_NAME.test(name)) {
    throw badInput(`${field}: expected a VXG event type name (1–64 letters, digits, "_", "." or "-")`, { field });
  }
  return name;
}

export function checkMeta(meta: unknown): Record<string, unknown> | null {
  if (meta === undefined || meta === null) return null;
  if (typeof meta !== 'object' || Array.isArray(meta)) throw badInput('meta: expected a JSON object of tags, e.g. { "tag1": "value1" }', { field: 'meta' });
  if (Buffer.byteLength(JSON.stringify(meta)) > MAX_META_BYTES) throw badInput(`meta: at most ${MAX_META_BYTES} bytes of JSON`, { field: 'meta' });
  return meta as Record<string, unknown>;
}

export function checkSettings(s: VxgEventTypeSettings, type: VxgEventType | null): VxgEventTypeSettings {
  if (s.period !== undefined && s.period !== null) {
    if (!Number.isInteger(s.period) || s.period < 0) throw badInput('period: expected a whole number of seconds ≥ 0', { field: 'period' });
    if (type && !type.caps.isPeriodic) throw badInput(`period: event type ${type.name} is not periodic (caps.is_periodic is false)`, { field: 'period' });
  }
  if (type && s.record === true && !type.caps.canRecord) throw badInput(`record: event type ${type.name} cannot record (caps.can_record is false)`, { field: 'record' });
  if (type && s.snapshot === true && !type.caps.canSnapshot) throw badInput(`snapshot: event type ${type.name} cannot take snapshots (caps.can_snapshot is false)`, { field: 'snapshot' });
  return s;
}

const typeNames = (types: readonly VxgEventType[]) => types.map((t) => t.name).join(', ') || 'none';
const sameMeta = (a: Record<string, unknown> | null, b: Record<string, unknown> | null) => fingerprint(a && Object.keys(a).length ? a : null) === fingerprint(b && Object.keys(b).length ? b : null);

const definedSettings = (s: VxgEventTypeSettings) => Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined && v !== null));
const blankType = (name: string): VxgEventType => ({
  name,
  caps: { canBeTriggered: false, canRecord: false, canSnapshot: false, isPeriodic: false },
  notify: null,
  receive: null,
  record: null,
  snapshot: null,
  period: null,
  custom: false,
  generateImages: null,
});

interface Pending {
  name: string;
  /** VXG time text (whole seconds, UTC). */
  time: string;
  meta: Record<string, unknown> | null;
}

export function createVxgActions(deps: VxgActionDeps): { capabilities: Pick<CapabilityHandlers, 'createEvent' | 'triggerEvent'>; api: VxgInstanceApi } {
  const cameraOf = (vendorId: string): VxgCameraRuntime => {
    const cam = deps.cameras.get(vendorId);
    if (!cam) throw notFound(`VXG camera ${vendorId} is not configured in this instance`);
    return cam;
  };
  const typeOf = async (cam: VxgCameraRuntime, name: string): Promise<VxgEventType> => {
    const t = await cam.types.find(name);
    if (!t) throw badInput(`type: camera ${cam.vendorId} has no VXG event type "${name}" (known: ${typeNames(cam.types.current ?? [])})`, { field: 'type' });
    return t;
  };
  const timeOf = (time: Date | null | undefined): Date => {
    const t = time ?? deps.now();
    if (Number.isNaN(t.getTime())) throw badInput('time: invalid date', { field: 'time' });
    return wholeSeconds(t);
  };
  /** After an unknown outcome: did VXG store an event with this name, time and meta? */
  const reconcile =
    (cam: VxgCameraRuntime) =>
    async (p: Pending): Promise<ActionResult | null> => {
      const at = parseVxgTime(p.time)!;
      const page = await cam.client.listStoredEvents({ start: at, end: at, names: [p.name], limit: 100, offset: 0 });
      const hit = page.events.find((e) => e.name === p.name && e.time.getTime() === at.getTime() && sameMeta(e.meta, p.meta));
      return hit ? { accepted: true, vendorEventId: hit.id } : null;
    };
  const unknownOutcome = (e: unknown) => e instanceof AppError && e.code === 'VENDOR_UNAVAILABLE';

  const run = async (op: 'create' | 'trigger', input: TriggerInput, act: (cam: VxgCameraRuntime, p: Pending) => Promise<ActionResult>) => {
    const cam = cameraOf(input.cameraVendorId);
    const name = checkTypeName(input.type);
    const meta = checkMeta(input.meta);
    const time = input.time ? timeOf(input.time) : null;
    if (op === 'trigger') {
      const type = await typeOf(cam, name);
      if (!type.caps.canBeTriggered) {
        throw unsupportedCapability(`VXG event type "${name}" of camera ${cam.vendorId} cannot be triggered (caps.can_be_triggered is false); use createEvent to store one`);
      }
    }
    const request = { op, camera: cam.vendorId, name, time: time?.toISOString() ?? null, meta };
    return deps.idempotency.run<Pending>(
      input.idempotencyKey,
      request,
      () => ({ name, time: formatVxgTime(time ?? timeOf(null)), meta }),
      (p) => act(cam, p),
      {
        reconcile: reconcile(cam),
        unknownOutcome,
      },
    );
  };

  const capabilities: Pick<CapabilityHandlers, 'createEvent' | 'triggerEvent'> = {
    createEvent: (input) =>
      run('create', input, async (cam, p) => {
        await typeOf(cam, p.name);
        const ev = await cam.client.createEvent(p.name, parseVxgTime(p.time)!, p.meta);
        await deps.created(cam, ev);
        deps.acted(cam);
        return { accepted: true, vendorEventId: ev.id };
      }),
    triggerEvent: (input) =>
      run('trigger', input, async (cam, p) => {
        const r = await cam.client.triggerEvent(p.name, parseVxgTime(p.time)!, p.meta);
        deps.acted(cam);
        return { accepted: true, vendorEventId: r.id };
      }),
  };

  const api: VxgInstanceApi = {
    listEventTypes: (vendorId, refresh = false) => cameraOf(vendorId).types.list(refresh),
    async addEventType(vendorId, name, settings) {
      const cam = cameraOf(vendorId);
      checkTypeName(name, 'name');
      checkSettings(settings, null);
      if (await cam.types.find(name)) throw badInput(`name: camera ${vendorId} already has an event type "${name}"`, { field: 'name' });
      const answered = await cam.client.addEventType(name, settings);
      if (answered) cam.types.upsert(answered);
      return answered ?? (await cam.types.list(true)).find((t) => t.name === name) ?? { ...blankType(name), ...definedSettings(settings), custom: true };
    },
    async updateEventType(vendorId, name, settings) {
      const cam = cameraOf(vendorId);
      checkTypeName(name, 'name');
      if (!Object.values(settings).some((v) => v !== undefined && v !== null)) throw badInput('settings: give at least one of notify, receive, record, snapshot, period');
      const current = await cam.types.find(name);
      if (!current) throw notFound(`camera ${vendorId} has no VXG event type "${name}"`);
      checkSettings(settings, current);
      const answered = await cam.client.updateEventType(name, settings);
      const type = answered ?? { ...current, ...definedSettings(settings) };
      cam.types.upsert(type);
      return type;
    },
  };

  return { capabilities, api };
}
