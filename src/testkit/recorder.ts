/**
 * Wraps an adapter definition so the conformance kit sees what the adapter does through its
 * context: every publish (input, result or error), every status it reports, every stop() call.
 * Behaviour is unchanged.
 */
import type { AdapterContext, AdapterDefinition, AdapterStatus, RunningAdapter } from '../core/adapter/types.ts';
import type { EventInput, PublishResult } from '../core/events/model.ts';

export interface PublishRecord {
  instanceStart: number;
  input: EventInput;
  result?: PublishResult;
  error?: unknown;
}

export interface AdapterRecording {
  starts: number;
  publishes: PublishRecord[];
  /** publish() calls not settled yet. */
  pending: number;
  statuses: Array<{ status: Exclude<AdapterStatus, 'STARTING' | 'STOPPED'>; detail?: string }>;
  stopCalls: number;
  stopErrors: unknown[];
  /** The RunningAdapter of the latest start (unwrapped: its own fields, e.g. a bound port). */
  running: RunningAdapter | null;
}

export function newRecording(): AdapterRecording {
  return { starts: 0, publishes: [], pending: 0, statuses: [], stopCalls: 0, stopErrors: [], running: null };
}

export function recordingDefinition(def: AdapterDefinition, rec: AdapterRecording): AdapterDefinition {
  return {
    ...def,
    start: async (ctx: AdapterContext) => {
      const startNo = ++rec.starts;
      const watched: AdapterContext = {
        ...ctx,
        publish: async (input, opts) => {
          const r: PublishRecord = { instanceStart: startNo, input };
          rec.publishes.push(r);
          rec.pending++;
          try {
            r.result = await ctx.publish(input, opts);
            return r.result;
          } catch (e) {
            r.error = e;
            throw e;
          } finally {
            rec.pending--;
          }
        },
        setStatus: (status, detail) => {
          rec.statuses.push({ status, detail });
          ctx.setStatus(status, detail);
        },
      };
      const running = await def.start(watched);
      rec.running = running;
      // Everything of the original (capabilities, api, its own fields) through the prototype; stop() counted.
      const wrapped = Object.create(running) as RunningAdapter;
      wrapped.stop = async () => {
        rec.stopCalls++;
        try {
          await running.stop();
        } catch (e) {
          rec.stopErrors.push(e);
          throw e;
        }
      };
      return wrapped;
    },
  };
}
