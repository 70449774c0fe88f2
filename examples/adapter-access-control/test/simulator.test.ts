/** The controller simulator against PROTOCOL.md §2: doors, actions, Idempotency-Key, errors, faults. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vendorIdempotencyKey } from '../src/actions.ts';
import { AcmeAccessController } from '../src/simulator/index.ts';

const KEY = 'api-key-0123456789abcdef';
let nowMs = Date.UTC(2024, 5, 14, 12, 0, 0);
const vendor = new AcmeAccessController(KEY, 'acme-webhook-secret-0123', () => nowMs);
let base = '';

const call = async (method: string, path: string, o: { body?: unknown; key?: string; apiKey?: string | null; raw?: string } = {}) => {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (o.apiKey !== null) headers['x-api-key'] = o.apiKey ?? KEY;
  if (o.key) headers['idempotency-key'] = o.key;
  const res = await fetch(`${base}${path}`, { method, headers, body: o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body)) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), json: (await res.json()) as Record<string, any> };
};

beforeAll(async () => {
  base = await vendor.start();
});
afterAll(() => vendor.stop());

describe('simulator REST API', () => {
  it('lists the doors, locked and online', async () => {
    const r = await call('GET', '/doors');
    expect(r.status).toBe(200);
    expect(r.json.doors).toEqual([
      { id: 'D-1', name: 'Lobby north', state: 'locked', online: true },
      { id: 'D-2', name: 'Loading dock', state: 'locked', online: true },
      { id: 'D-3', name: 'Server room', state: 'locked', online: true },
    ]);
  });

  it('unlocks once for one Idempotency-Key: the retry answers the first answer with replayed, records no second unlock', async () => {
    const before = vendor.unlocks.length;
    const first = await call('POST', '/doors/D-1/unlock', { body: { durationSec: 5 }, key: 'k-unlock-1' });
    expect(first.status).toBe(202);
    expect(first.json).toMatchObject({ door: 'D-1', state: 'unlocked', relockAt: '2024-06-14T12:00:05.000Z', replayed: false });
    const retry = await call('POST', '/doors/D-1/unlock', { body: { durationSec: 5 }, key: 'k-unlock-1' });
    expect(retry).toMatchObject({ status: 202, json: { actionId: first.json.actionId, replayed: true } });
    expect(vendor.unlocks.length).toBe(before + 1);
    expect(vendor.unlocks.at(-1)).toMatchObject({ door: 'D-1', durationSec: 5, idempotencyKey: 'k-unlock-1' });
    expect(vendor.stateOf('D-1')).toBe('unlocked');
    nowMs += 5000;
    expect(vendor.stateOf('D-1')).toBe('locked');
    // Another key acts again; the same key for another request is refused, without acting.
    expect((await call('POST', '/doors/D-1/unlock', { key: 'k-unlock-2' })).status).toBe(202);
    expect(vendor.unlocks.length).toBe(before + 2);
    expect(vendor.unlocks.at(-1)?.durationSec).toBeNull();
    const reused = await call('POST', '/doors/D-2/unlock', { key: 'k-unlock-1' });
    expect(reused).toMatchObject({ status: 422, json: { error: { code: 'idempotency_key_reused' } } });
    expect(vendor.unlocks.length).toBe(before + 2);
  });

  it('forgets a key after 24 h', async () => {
    const before = vendor.actions.length;
    await call('POST', '/doors/D-3/lock', { key: 'k-lock-old' });
    nowMs += 24 * 3600 * 1000 + 1;
    expect((await call('POST', '/doors/D-3/lock', { key: 'k-lock-old' })).json.replayed).toBe(false);
    expect(vendor.actions.length).toBe(before + 2);
  });

  it('holds a door open for the required duration and locks it again', async () => {
    const r = await call('POST', '/doors/D-2/hold-open', { body: { durationSec: 600 }, key: 'k-hold-1' });
    expect(r).toMatchObject({ status: 202, json: { door: 'D-2', state: 'unlocked', replayed: false } });
    expect((await call('GET', '/doors')).json.doors[1]).toMatchObject({ id: 'D-2', state: 'unlocked' });
    expect((await call('POST', '/doors/D-2/lock', {})).json.state).toBe('locked');
    expect(vendor.stateOf('D-2')).toBe('locked');
    expect((await call('POST', '/doors/D-2/hold-open', {})).json.error.code).toBe('invalid_request');
  });

  it('answers the documented errors, and a failed request does not consume its key', async () => {
    expect(await call('GET', '/doors', { apiKey: null })).toMatchObject({ status: 401, json: { error: { code: 'unauthorized' } } });
    expect(await call('GET', '/doors', { apiKey: 'wrong-key-0123456789' })).toMatchObject({ status: 401 });
    expect(await call('POST', '/doors/D-9/unlock', {})).toMatchObject({ status: 404, json: { error: { code: 'door_not_found' } } });
    expect(await call('POST', '/doors/D-1/unlock', { body: { durationSec: 0 } })).toMatchObject({ status: 400, json: { error: { code: 'invalid_request' } } });
    expect(await call('POST', '/doors/D-1/unlock', { body: { durationSec: 3601 } })).toMatchObject({ status: 400 });
    expect(await call('POST', '/doors/D-1/unlock', { raw: '{' })).toMatchObject({ status: 400 });
    expect(await call('POST', '/doors/D-1/unlock', { key: 'has space' })).toMatchObject({ status: 400 });
    expect(await call('POST', '/doors/D-1/unlock', { raw: JSON.stringify({ pad: 'x'.repeat(5000) }) })).toMatchObject({ status: 413, json: { error: { code: 'too_large' } } });
    vendor.setDoor('D-3', { online: false });
    const before = vendor.actions.length;
    expect(await call('POST', '/doors/D-3/unlock', { key: 'k-offline' })).toMatchObject({ status: 409, json: { error: { code: 'door_offline' } } });
    vendor.setDoor('D-3', { online: true });
    expect(await call('POST', '/doors/D-3/unlock', { key: 'k-offline' })).toMatchObject({ status: 202, json: { replayed: false } });
    expect(vendor.actions.length).toBe(before + 1);
  });

  it('answers 503 with Retry-After while down, and injected faults once each', async () => {
    vendor.down = true;
    expect(await call('GET', '/doors')).toMatchObject({ status: 503, retryAfter: '30', json: { error: { code: 'unavailable' } } });
    vendor.down = false;
    vendor.failNext({ status: 429, code: 'rate_limited', retryAfterSec: 1 });
    expect(await call('GET', '/doors')).toMatchObject({ status: 429, retryAfter: '1', json: { error: { code: 'rate_limited' } } });
    expect((await call('GET', '/doors')).status).toBe(200);
  });
});

describe('idempotency keys sent to the controller', () => {
  it("derive from the client's key: stable per instance, action and door, in the controller's alphabet; fresh when none", () => {
    const k = vendorIdempotencyKey('main', 'unlock', 'D-1', 'client key with spaces & ünïcode');
    expect(k).toMatch(/^usa-[0-9a-f]{64}$/);
    expect(vendorIdempotencyKey('main', 'unlock', 'D-1', 'client key with spaces & ünïcode')).toBe(k);
    expect(vendorIdempotencyKey('main', 'unlock', 'D-2', 'client key with spaces & ünïcode')).not.toBe(k);
    expect(vendorIdempotencyKey('main', 'lock', 'D-1', 'client key with spaces & ünïcode')).not.toBe(k);
    expect(vendorIdempotencyKey('other', 'unlock', 'D-1', 'client key with spaces & ünïcode')).not.toBe(k);
    const fresh = vendorIdempotencyKey('main', 'unlock', 'D-1', null);
    expect(fresh).toMatch(/^usa-[0-9a-f-]{36}$/);
    expect(vendorIdempotencyKey('main', 'unlock', 'D-1', undefined)).not.toBe(fresh);
  });
});
