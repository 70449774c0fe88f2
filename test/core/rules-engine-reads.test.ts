/**
 * What the rules engine reads from the event log: seqs first, then the enabled rules, and the
 * batch's events themselves only when a rule may apply to them. Without rules (most deployments) it
 * follows the log without decoding any event's payload, and still advances its cursor; with a rule,
 * it reads the events and acts on the matching ones, each once.
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalLeases } from '../../src/core/cluster/lease.ts';
import { DbCursorStore } from '../../src/core/consumers/cursor-store.ts';
import type { Db } from '../../src/core/db/client.ts';
import { eventsAfter, eventsBySeq, insertEvents, maxSeq, type NewEventRow } from '../../src/core/db/event-repo.ts';
import { events } from '../../src/core/db/schema.ts';
import { LocalEventBus } from '../../src/core/events/bus.ts';
import { RuleEngine } from '../../src/core/rules/engine.ts';
import type { ActionContext, ActionExecutors } from '../../src/core/rules/executors.ts';
import { insertRule } from '../../src/core/rules/repo.ts';
import { ManualClock } from '../../src/core/time/manual-clock.ts';
import { drivers, type TestDb } from '../helpers/db.ts';
import { waitFor } from '../helpers/wait-for.ts';

const log = pino({ level: 'silent' });

function row(i: number, kind: string): Omit<NewEventRow, 'seq'> {
  return {
    typeName: 'TestThingEvent',
    kind,
    vendorType: 'thing',
    occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
    receivedAt: new Date(),
    adapter: 'w',
    instance: 'i',
    cameraId: null,
    dedupeKey: `r-${i}-${Math.random()}`,
    plateNormalized: null,
    trackId: null,
    plate: null,
    analytics: null,
    data: { i },
    raw: { i },
    media: [],
  };
}

/** `db` with a count of the reads of whole event rows (`select()` of every column from events). */
function countingWholeEventReads(db: Db): { db: Db; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(db, {
    get(target, prop) {
      if (prop === 'select')
        return (fields?: unknown) => {
          const builder = fields === undefined ? target.select() : target.select(fields as never);
          if (fields !== undefined) return builder;
          return new Proxy(builder, {
            get(b, p) {
              if (p === 'from')
                return (table: unknown) => {
                  if (table === events) reads++;
                  return b.from(table as never);
                };
              const v = Reflect.get(b, p);
              return typeof v === 'function' ? v.bind(b) : v;
            },
          });
        };
      const v = Reflect.get(target, prop);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { db: proxy, reads: () => reads };
}

for (const driver of drivers) {
  describe(`rules engine reads (${driver.name})`, () => {
    let t: TestDb;
    let engine: RuleEngine;
    let leases: LocalLeases;
    const bus = new LocalEventBus();
    const acted: ActionContext[] = [];

    beforeEach(async () => {
      t = await driver.open();
      leases = new LocalLeases({ log, clock: new ManualClock() });
    });
    afterEach(async () => {
      await engine?.stop();
      await leases.close();
      await t.cleanup();
    });

    async function append(kinds: string[]): Promise<bigint> {
      const ins = await insertEvents(
        t.database.db,
        kinds.map((k, i) => row(i, k)),
      );
      bus.publish(await eventsAfter(t.database.db, ins[0]!.seq - 1n, null, kinds.length));
      return ins.at(-1)!.seq;
    }

    it('follows the log without reading whole events while no rule is enabled; reads and acts once one is', async () => {
      const counted = countingWholeEventReads(t.database.db);
      const run = async (_spec: unknown, ctx: ActionContext) => void acted.push(ctx);
      const executors = {
        trigger: { check: async (s: never) => s, run },
        createEvent: { check: async (s: never) => s, run },
        sink: { check: async (s: never) => s, run },
      } as unknown as ActionExecutors;
      engine = new RuleEngine({
        db: counted.db,
        bus,
        leases,
        cursors: new DbCursorStore(t.database.db),
        clock: new ManualClock(),
        log,
        executors,
        expandFilter: async (f) => f,
        logicalCameraId: async (id) => id,
        eventBySeq: async (seq) => (await eventsBySeq(t.database.db, [seq]))[0] ?? null,
        batchSize: 4,
      }).start();
      await waitFor(() => engine.position !== null, 5000, 'the engine holds its cursor');

      const last = await append(['CUSTOM', 'DOOR_OPENED', 'CUSTOM', 'CUSTOM', 'DOOR_OPENED', 'CUSTOM', 'CUSTOM', 'CUSTOM', 'DOOR_OPENED']);
      await waitFor(() => engine.position === last, 5000, 'the cursor past every event');
      expect(counted.reads()).toBe(0);

      await insertRule(
        t.database.db,
        { name: 'doors', enabled: true, when: { kinds: ['DOOR_OPENED'] }, actions: [{ sink: { sinkId: 's' } }], cooldownSec: 0, origin: 'api' },
        await maxSeq(t.database.db),
      );
      engine.invalidate();
      const last2 = await append(['DOOR_OPENED', 'CUSTOM', 'DOOR_OPENED']);
      await waitFor(() => engine.position === last2, 5000, 'the cursor past the new events');
      await engine.idle();
      expect(counted.reads()).toBeGreaterThan(0);
      expect(acted.map((a) => a.event.seq)).toEqual([last2 - 2n, last2]);
      expect(acted.every((a) => a.event.kind === 'DOOR_OPENED' && (a.event.raw as { i: number }).i >= 0)).toBe(true);
    });
  });
}
