/**
 * A definition from defineAdapter is an AdapterDefinition as it is — alone, in an array, in the
 * lists the server, the registry and the conformance kit take — with no cast (SDK 2.0.0 removed the
 * `as unknown as AdapterDefinition` the repo used to write). It holds because `start` is a method:
 * its `ctx` parameter (typed by the adapter's own config schema) is compared bivariantly, so a
 * definition for one config is a definition for "some config". The type assertions are checked by
 * tsc (the repo's tsconfig includes the tests: `npm run typecheck`); the run-time part hands the
 * same values to the check the loader and the kit run.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { AdapterDefinition as CoreAdapterDefinition } from '../../src/core/adapter/types.ts';
import { pluginAdapterProblems, takenBy } from '../../src/core/plugins/validate.ts';
import { defineAdapter, readJsonBody, sendJson, z, type AdapterDefinition } from '../../src/sdk.ts';
import { requireScope } from '../../src/sdk/graphql.ts';

const typed = defineAdapter({
  type: 'typed',
  version: '1.0.0',
  sdk: '^2.0.0',
  configSchema: z.object({ type: z.literal('typed'), id: z.string(), port: z.number().int().min(1).max(65_535), token: z.string().optional() }).strict(),
  capabilities: ['TRIGGER_EVENT'],
  graphqlPrefix: 'Typed',
  graphql: (builder, refs) => {
    refs.eventType('TypedEvent');
    builder.queryField('typedPort', (t) => t.int({ authScopes: requireScope('admin'), resolve: () => 1 }));
  },
  start(ctx) {
    // The config keeps the schema's type: no cast gave it away.
    expectTypeOf(ctx.config.port).toEqualTypeOf<number>();
    expectTypeOf(ctx.config.token).toEqualTypeOf<string | undefined>();
    // @ts-expect-error not in the schema
    void ctx.config.missing;
    ctx.route('POST', '/events', async ({ req, res }) => sendJson(res, 200, { got: await readJsonBody(req, 1024) }));
    return { stop: () => {}, capabilities: { triggerEvent: async () => ({ accepted: true }) } };
  },
});

const untyped = defineAdapter({
  type: 'plain',
  version: '1.0.0',
  sdk: '^1.0.0',
  configSchema: z.object({ type: z.literal('plain'), id: z.string() }).strict(),
  capabilities: [],
  graphqlPrefix: 'Plain',
  start: async () => ({ stop: async () => {} }),
});

describe('defineAdapter results are AdapterDefinitions without a cast', () => {
  it('type: assignable to the SDK and the core AdapterDefinition, alone and in arrays', () => {
    expectTypeOf(typed).toExtend<AdapterDefinition>();
    expectTypeOf(typed).toExtend<CoreAdapterDefinition>();
    expectTypeOf([typed, untyped]).toExtend<readonly AdapterDefinition[]>();
    expectTypeOf([typed, untyped]).toExtend<CoreAdapterDefinition[]>();
    const list: readonly AdapterDefinition[] = [typed, untyped];
    const byType = new Map<string, CoreAdapterDefinition>(list.map((d) => [d.type, d]));
    expect([...byType.keys()]).toEqual(['typed', 'plain']);
  });

  it('type: a definition that is not one is still refused', () => {
    // @ts-expect-error configSchema must be a zod schema
    expectTypeOf({ ...untyped, configSchema: { parse: () => ({}) } }).toExtend<AdapterDefinition>();
    // @ts-expect-error start is required
    const missingStart: AdapterDefinition = { type: 'x', version: '1.0.0', configSchema: z.object({}), capabilities: [], graphqlPrefix: 'X' };
    expect(missingStart.type).toBe('x');
  });

  it('run time: the same list passes the check the loader and the conformance kit run', () => {
    const list: readonly AdapterDefinition[] = [typed, untyped];
    const r = pluginAdapterProblems([...list], 'plugins[0] (./p.ts)', takenBy([], 'the built-in adapter'), () => []);
    expect(r.problems).toEqual([]);
    expect(r.adapters).toEqual([typed, untyped]);
  });
});
