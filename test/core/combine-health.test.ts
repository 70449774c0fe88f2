/** One instance status from its parts: READY / DEGRADED / ERROR by the 'any' and 'all' rules, details in order. */
import { describe, expect, it } from 'vitest';
import { combineHealth, type PartHealth } from '../../src/core/adapter/combine-health.ts';

const ready: PartHealth = { status: 'READY' };
const degraded = (detail: string): PartHealth => ({ status: 'DEGRADED', detail });
const error = (detail: string): PartHealth => ({ status: 'ERROR', detail });

describe('combineHealth', () => {
  it.each(['any', 'all'] as const)('is READY without a detail when every part is READY, or there is none (%s)', (rule) => {
    expect(combineHealth([ready, ready], rule)).toEqual({ status: 'READY', detail: undefined });
    expect(combineHealth([], rule)).toEqual({ status: 'READY', detail: undefined });
  });

  it('is DEGRADED when a part is DEGRADED and none is ERROR, naming only the troubled parts', () => {
    expect(combineHealth([ready, degraded('answered HTTP 500'), ready])).toEqual({ status: 'DEGRADED', detail: 'answered HTTP 500' });
    expect(combineHealth([degraded('a'), degraded('b')], 'all')).toEqual({ status: 'DEGRADED', detail: 'a; b' });
  });

  it("'any' (the default): the worst part decides, one ERROR is enough", () => {
    expect(combineHealth([ready, error('ECONNREFUSED')])).toEqual({ status: 'ERROR', detail: 'ECONNREFUSED' });
    expect(combineHealth([degraded('HTTP 404'), error('ECONNREFUSED')], 'any')).toEqual({ status: 'ERROR', detail: 'HTTP 404; ECONNREFUSED' });
  });

  it("'all': ERROR only when every part is ERROR, else DEGRADED", () => {
    expect(combineHealth([ready, error('socket down')], 'all')).toEqual({ status: 'DEGRADED', detail: 'socket down' });
    expect(combineHealth([degraded('count differs'), error('socket down')], 'all')).toEqual({ status: 'DEGRADED', detail: 'count differs; socket down' });
    expect(combineHealth([error('socket down'), error('site VMS down')], 'all')).toEqual({ status: 'ERROR', detail: 'socket down; site VMS down' });
  });

  it('keeps the order given and leaves out missing or empty details', () => {
    expect(combineHealth([error('z'), ready, { status: 'DEGRADED' }, degraded(''), degraded('a')])).toEqual({ status: 'ERROR', detail: 'z; a' });
    expect(combineHealth([{ status: 'DEGRADED' }])).toEqual({ status: 'DEGRADED', detail: undefined });
  });

  it('ignores the detail of a READY part', () => {
    expect(combineHealth([{ status: 'READY', detail: 'stale' }, degraded('x')])).toEqual({ status: 'DEGRADED', detail: 'x' });
  });
});
