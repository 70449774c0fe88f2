/**
 * Input that is the client's fault answers BAD_USER_INPUT, never INTERNAL: a seq beyond bigint range
 * (cursors, ids, the `events` subscription's `after`), a NUL character in any string argument or
 * variable, JSON nested deeper than the JSON scalar allows, and a variable of an input type that
 * carries a field the type lacks (or a value of the wrong type). Over HTTP and graphql-ws.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { wsClient } from '../helpers/ws-client.ts';
import { JSON_MAX_DEPTH } from '../../src/schema/json-scalar.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const BEYOND = '9223372036854775808'; // 2^63: one past the largest bigint

async function codeOf(query: string, variables?: Record<string, unknown>): Promise<unknown> {
  const r = await t.gql(query, variables);
  expect(r.errors?.length, JSON.stringify(r)).toBeGreaterThan(0);
  return r.errors![0].extensions?.code;
}

/** `{a:{a:…}}` `depth` levels deep, built without recursion. */
function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

describe('seq beyond the bigint range', () => {
  it.each([
    ['events(after)', `{ events(after: "${BEYOND}") { edges { cursor } } }`],
    ['events(before)', `{ events(last: 1, before: "${BEYOND}") { edges { cursor } } }`],
    ['event(id)', `{ event(id: "${BEYOND}") { seq } }`],
    ['camera.events(after)', `{ cameras { edges { node { events(after: "${BEYOND}") { edges { cursor } } } } } }`],
  ])('%s answers BAD_USER_INPUT', async (_name, query) => {
    if (query.includes('cameras')) {
      await fetch(`${t.url}/adapters/ff/default/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: readFileSync(new URL('../fixtures/ff/sample-new.json', import.meta.url)),
      });
      const cams = await t.gql('{ cameras { edges { node { id } } } }');
      expect(cams.data.cameras.edges.length).toBeGreaterThan(0);
    }
    expect(await codeOf(query)).toBe('BAD_USER_INPUT');
  });

  it('the largest bigint is still a valid cursor', async () => {
    const r = await t.gql(`{ events(after: "9223372036854775807") { edges { cursor } } }`);
    expect(r.errors).toBeUndefined();
  });

  it('node(id) of an event beyond the range is simply not found', async () => {
    const id = Buffer.from(`FfPlateEvent:${BEYOND}`).toString('base64');
    const r = await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id });
    expect(r.errors).toBeUndefined();
    expect(r.data.node).toBeNull();
  });

  it.each([
    ['a type that is not an object type', Buffer.from('Event:1').toString('base64')],
    ['an unknown type', Buffer.from('Nope:1').toString('base64')],
    ['not a global id', '%%%'],
  ])('node(id) with %s answers BAD_USER_INPUT', async (_name, id) => {
    expect(await codeOf(`query($id: ID!) { node(id: $id) { id } }`, { id })).toBe('BAD_USER_INPUT');
  });

  it('the events subscription after a seq beyond the range answers BAD_USER_INPUT over graphql-ws', async () => {
    const code = await wsFirstErrorCode('subscription($after: String) { events(after: $after) { seq } }', { after: BEYOND });
    expect(code).toBe('BAD_USER_INPUT');
  });
});

describe('NUL characters in strings', () => {
  it.each([
    ['filter.plate', { plate: 'AB\u0000C' }],
    ['filter.cameraIds', { cameraIds: ['ff:default:x\u0000'] }],
    ['filter.adapters', { adapters: ['f\u0000f'] }],
    ['filter.instances', { instances: ['\u0000'] }],
  ])('events(filter: %s) in a variable answers BAD_USER_INPUT', async (_name, filter) => {
    expect(await codeOf('query($f: EventFilter) { events(filter: $f) { edges { cursor } } }', { f: filter })).toBe('BAD_USER_INPUT');
  });

  it('written inline (\\u0000 escape) too, and in other fields: cameras, camera(id)', async () => {
    expect(await codeOf('{ events(filter: { plate: "AB\\u0000C" }) { edges { cursor } } }')).toBe('BAD_USER_INPUT');
    expect(await codeOf('{ cameras(filter: { instances: ["a\\u0000"] }) { edges { cursor } } }')).toBe('BAD_USER_INPUT');
    expect(await codeOf('query($id: ID!) { camera(id: $id) { name } }', { id: 'x\u0000' })).toBe('BAD_USER_INPUT');
  });

  it('the events subscription filter answers BAD_USER_INPUT over graphql-ws', async () => {
    const code = await wsFirstErrorCode('subscription($f: EventFilter) { events(filter: $f) { seq } }', { f: { plate: 'A\u0000' } });
    expect(code).toBe('BAD_USER_INPUT');
  });
});

describe('EventFilter.vendorTypes bounds', () => {
  const EVENTS = 'query($f: EventFilter) { events(filter: $f) { edges { cursor } } }';
  const MAX_ITEMS = 100; // the default limits.maxListItems
  it('more items than limits.maxListItems answer BAD_USER_INPUT naming the field, in a variable and inline', async () => {
    const many = Array.from({ length: MAX_ITEMS + 1 }, (_, i) => `t${i}`);
    const r = await t.gql(EVENTS, { f: { vendorTypes: many } });
    expect(r.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', listItems: MAX_ITEMS + 1, maxListItems: MAX_ITEMS });
    expect(r.errors![0].message).toMatch(/^\$f\.vendorTypes: 101 items/);
    const inline = await t.gql(`{ events(filter: { vendorTypes: ${JSON.stringify(many)} }) { edges { cursor } } }`);
    expect(inline.errors![0].message).toMatch(/^argument vendorTypes: 101 items/);
    const ok = await t.gql(EVENTS, { f: { vendorTypes: many.slice(0, MAX_ITEMS) } });
    expect(ok.errors).toBeUndefined();
    expect(ok.data.events.edges).toEqual([]);
  });

  it('a string longer than a stored vendorType can be answers BAD_USER_INPUT naming the field, over HTTP and graphql-ws', async () => {
    const r = await t.gql(EVENTS, { f: { vendorTypes: ['ok', 'x'.repeat(201)] } });
    expect(r.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors![0].message).toBe('filter.vendorTypes: each at most 200 characters, got 201');
    const ok = await t.gql(EVENTS, { f: { vendorTypes: ['x'.repeat(200)], kinds: ['PLATE_READ'] } });
    expect(ok.errors).toBeUndefined();
    expect(await wsFirstErrorCode('subscription($f: EventFilter) { events(filter: $f) { seq } }', { f: { vendorTypes: ['x'.repeat(201)] } })).toBe('BAD_USER_INPUT');
  });
});

describe('JSON scalar depth', () => {
  const trigger = 'mutation($i: TriggerEventInput!) { triggerEvent(input: $i) { accepted } }';
  it(`a JSON variable nested deeper than ${JSON_MAX_DEPTH} levels answers BAD_USER_INPUT, even 100,000 levels (no stack overflow)`, async () => {
    expect(await codeOf(trigger, { i: { cameraId: 'nope', type: 't', meta: nested(JSON_MAX_DEPTH + 1) } })).toBe('BAD_USER_INPUT');
    // Built as text: JSON.stringify itself would overflow the stack on 100,000 levels.
    const deep = `{"query":${JSON.stringify(trigger)},"variables":{"i":{"cameraId":"nope","type":"t","meta":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}}}`;
    const r = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: deep });
    expect(((await r.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(await codeOf(trigger, { i: { cameraId: 'nope', type: 't', meta: [nested(JSON_MAX_DEPTH)] } })).toBe('BAD_USER_INPUT');
  });

  it('written inline too; a JSON value within the depth passes the scalar (the camera is then not found)', async () => {
    const literal = `${'{a:'.repeat(JSON_MAX_DEPTH + 1)}1${'}'.repeat(JSON_MAX_DEPTH + 1)}`;
    expect(await codeOf(`mutation { triggerEvent(input: { cameraId: "nope", type: "t", meta: ${literal} }) { accepted } }`)).toBe('BAD_USER_INPUT');
    expect(await codeOf(trigger, { i: { cameraId: 'nope', type: 't', meta: nested(JSON_MAX_DEPTH) } })).toBe('NOT_FOUND');
  });
});

describe('variables of input types are checked like inline values', () => {
  it.each([
    ['an unknown field in EventFilter', 'query($f: EventFilter) { events(filter: $f) { edges { cursor } } }', { f: { plate: 'AB1', bogus: 1 } }],
    ['an unknown field in CameraFilter', 'query($f: CameraFilter) { cameras(filter: $f) { edges { cursor } } }', { f: { nope: true } }],
    ['an unknown field in TriggerEventInput', 'mutation($i: TriggerEventInput!) { triggerEvent(input: $i) { accepted } }', { i: { cameraId: 'x', type: 't', extra: 1 } }],
    ['a missing required field', 'mutation($i: TriggerEventInput!) { triggerEvent(input: $i) { accepted } }', { i: { cameraId: 'x' } }],
    ['a wrong type in a field', 'query($f: EventFilter) { events(filter: $f) { edges { cursor } } }', { f: { plate: 5 } }],
    ['an unknown enum value', 'query($f: EventFilter) { events(filter: $f) { edges { cursor } } }', { f: { kinds: ['NOPE'] } }],
    ['a required variable not given', 'query($id: ID!) { camera(id: $id) { name } }', {}],
    ['null for a non-null variable', 'query($id: ID!) { camera(id: $id) { name } }', { id: null }],
    ['a bad DateTime', 'query($f: EventFilter) { events(filter: $f) { edges { cursor } } }', { f: { from: 'yesterday' } }],
  ])('%s answers BAD_USER_INPUT', async (_name, query, variables) => {
    expect(await codeOf(query, variables)).toBe('BAD_USER_INPUT');
  });

  it('the message names the variable and the field', async () => {
    const r = await t.gql('query($f: EventFilter) { events(filter: $f) { edges { cursor } } }', { f: { bogus: 1 } });
    expect(r.errors![0].message).toContain('$f');
    expect(r.errors![0].message).toContain('bogus');
  });
});

describe('findNul', () => {
  it('names where the NUL is: a variable path, an argument, a variable default', async () => {
    const { findNul } = await import('../../src/core/http/reject-nul.ts');
    const { parse } = await import('graphql');
    const doc = parse('query($f: EventFilter) { events(filter: $f) { edges { cursor } } }');
    expect(findNul(doc, { f: { cameraIds: ['a', 'b\u0000'] } })).toBe('$f.cameraIds[1]');
    expect(findNul(doc, { f: { cameraIds: ['a'] } })).toBeNull();
    expect(findNul(parse('{ events(filter: { plate: "A\\u0000" }) { edges { cursor } } }'), {})).toBe('argument "filter"');
    expect(findNul(parse('query($p: String = "\\u0000") { events { edges { cursor } } }'), {})).toBe('the default of $p');
  });
});

/** Subscribes over graphql-ws and answers the code of the first error (data or completion fails the test). */
async function wsFirstErrorCode(query: string, variables: Record<string, unknown>): Promise<string | undefined> {
  const client = wsClient(t.url);
  try {
    const errors = await new Promise<unknown[]>((resolve, reject) => {
      client.subscribe(
        { query, variables },
        {
          next: (r) => (r.errors ? resolve(r.errors as unknown[]) : reject(new Error('got data'))),
          error: (e) => (Array.isArray(e) ? resolve(e) : reject(e)),
          complete: () => reject(new Error('completed without an error')),
        },
      );
    });
    return (errors[0] as { extensions?: { code?: string } }).extensions?.code;
  } finally {
    await client.dispose();
  }
}
