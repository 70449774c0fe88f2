/**
 * The sinks service without a server, for tests that move time a long way (the 24 h limit) or look
 * at one part: a test database, LocalLeases and a ManualClock, real HTTP/MQTT, events inserted as the
 * writer does (insert, then announce on the bus).
 */
import pino from 'pino';
import { LocalLeases } from '../../../src/core/cluster/lease.ts';
import { DbCursorStore } from '../../../src/core/consumers/cursor-store.ts';
import { eventsAfter, insertEvents, type NewEventRow } from '../../../src/core/db/event-repo.ts';
import { LocalEventBus } from '../../../src/core/events/bus.ts';
import type { StoredEvent } from '../../../src/core/events/model.ts';
import { createHostPolicy, createSafeFetch } from '../../../src/core/http/safe-fetch.ts';
import { createMetrics } from '../../../src/core/ops/metrics.ts';
import { SinkDelivery } from '../../../src/core/sinks/delivery.ts';
import { SinkManager, type SinkManagerDeps } from '../../../src/core/sinks/manager.ts';
import { WebhookSender } from '../../../src/core/sinks/webhook.ts';
import { ManualClock } from '../../../src/core/time/manual-clock.ts';
import type { TestDb } from '../../helpers/db.ts';

const log = pino({ level: 'silent' });

export interface SinkHarness {
  clock: ManualClock;
  manager: SinkManager;
  bus: LocalEventBus;
  append(n: number, over?: Partial<NewEventRow>): Promise<StoredEvent[]>;
  close(): Promise<void>;
}

let n = 0;
export function eventRow(over: Partial<NewEventRow> = {}): Omit<NewEventRow, 'seq'> {
  n++;
  return {
    typeName: 'TestThingEvent',
    kind: 'CUSTOM',
    vendorType: 'thing',
    occurredAt: new Date(Date.UTC(2026, 0, 1)),
    receivedAt: new Date(),
    adapter: 'w',
    instance: 'i',
    cameraId: null,
    dedupeKey: `s-${n}-${Math.random()}`,
    plateNormalized: null,
    trackId: null,
    plate: null,
    analytics: null,
    data: {},
    raw: {},
    media: [],
    ...over,
  };
}

export function startSinkHarness(t: TestDb, over: Partial<SinkManagerDeps> = {}, timeoutMs?: number): SinkHarness {
  const clock = new ManualClock(Date.now());
  const bus = new LocalEventBus();
  const leases = new LocalLeases({ log, clock });
  const open = () => createSafeFetch({ allowHosts: ['127.0.0.1'], pipelining: over.maxInFlight });
  const policy = createHostPolicy(['127.0.0.1']);
  const delivery = new SinkDelivery(t.database.db, new WebhookSender(open, clock, timeoutMs), policy, {
    camera: async () => null,
    site: async () => null,
    mediaUrl: (m) => `http://127.0.0.1/media/${m.id}`,
  });
  const manager = new SinkManager({
    db: t.database.db,
    bus,
    leases,
    cursors: new DbCursorStore(t.database.db),
    clock,
    log,
    metrics: createMetrics(),
    delivery,
    policy,
    expand: async (f) => f,
    syncMs: 0,
    ...over,
  });
  return {
    clock,
    manager,
    bus,
    async append(count, o = {}) {
      const ins = await insertEvents(
        t.database.db,
        Array.from({ length: count }, () => eventRow(o)),
      );
      const stored = await eventsAfter(t.database.db, ins[0]!.seq - 1n, null, count);
      bus.publish(stored);
      return stored;
    },
    async close() {
      await manager.close();
      await leases.close();
    },
  };
}
