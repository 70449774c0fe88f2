/**
 * What resolvers can reach: the GraphQL context. The composition root (app.ts) implements
 * CoreServices; resolvers never import the core directly.
 */
import type { Scope } from '../core/config/schema.ts';
import type { EventFilter, EventPage, PageArgs } from '../core/db/event-repo.ts';
import type { CameraFilter, CameraRecord } from '../core/cameras/repo.ts';
import type { Capability, StoredEvent } from '../core/events/model.ts';
import type { AdapterStatus, TriggerInput } from '../core/adapter/types.ts';

export interface AdapterInstanceInfo {
  type: string;
  id: string;
  version: string;
  status: AdapterStatus;
  detail: string | null;
  lastEventAt: Date | null;
  since: Date;
  counters: Record<string, number>;
  capabilities: readonly Capability[];
}

export interface CoreServices {
  listEvents(filter: EventFilter | null | undefined, page: PageArgs): Promise<EventPage>;
  eventBySeq(seq: bigint): Promise<StoredEvent | null>;
  subscribeEvents(filter: EventFilter | null | undefined, after: bigint | null, signal?: AbortSignal): AsyncIterable<StoredEvent>;
  cameraById(id: string): Promise<CameraRecord | null>;
  listCameras(filter: CameraFilter | null | undefined, first: number, after?: string | null): Promise<{ cameras: CameraRecord[]; hasNextPage: boolean }>;
  adapters(): AdapterInstanceInfo[];
  subscribeAdapterStatus(signal?: AbortSignal): AsyncIterable<AdapterInstanceInfo>;
  /** Capability dispatch to the adapter instance that owns the camera. */
  dispatch(capability: 'TRIGGER_EVENT' | 'CREATE_EVENT', camera: CameraRecord, input: TriggerInput): Promise<{ accepted: boolean; vendorEventId?: string | null }>;
  mediaUrl(id: string): string;
  /** An adapter instance's record store (read it from the adapter's own resolvers). */
  records(adapter: string, instance: string): import('../core/adapter/types.ts').RecordStore;
}

export interface AuthInfo {
  /** No API keys configured: everything allowed. */
  open: boolean;
  scopes: ReadonlySet<Scope>;
  keyName?: string;
}

export interface GraphQLContext {
  services: CoreServices;
  auth: AuthInfo;
}
