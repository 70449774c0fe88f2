import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtInAdapters } from '../../src/adapters/index.ts';
import { buildSchema, printSchemaSDL } from '../../src/schema/build.ts';
import { defineAdapter } from '../../src/sdk.ts';
import { z } from 'zod';

describe('schema', () => {
  it('schema.graphql is what the code prints (run `npm run schema:write` after changing the schema)', () => {
    const committed = readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8');
    expect(printSchemaSDL(buildSchema(builtInAdapters))).toBe(committed);
  });

  it('has the contract names', () => {
    const sdl = printSchemaSDL(buildSchema(builtInAdapters));
    for (const name of [
      'interface Event implements Node',
      'interface PlateReadEvent',
      'interface AnalyticsEvent',
      'type FfPlateEvent implements Event & Node & PlateReadEvent',
      'type Media',
      'type Camera implements Device & Node',
      'interface Device implements Node',
      'unlockDevice(input: UnlockDeviceInput!): DeviceActionResult!',
      'lockDevice(input: LockDeviceInput!): DeviceActionResult!',
      'events(after: String, filter: EventFilter): Event!',
      'adapterStatusChanged: AdapterInstance!',
      'triggerEvent(input: TriggerEventInput!)',
      'createEvent(input: CreateEventInput!)',
      'startStream(input: StartStreamInput!): StreamSession!',
      'keepStreamAlive(id: ID!): StreamSession!',
      'stopStream(id: ID!): StreamSession!',
      'scalar DateTime',
      'scalar JSON',
    ]) {
      expect(sdl, name).toContain(name);
    }
  });

  it('names the adapter whose GraphQL additions fail', () => {
    const broken = defineAdapter({
      type: 'broken',
      version: '1.0.0',
      configSchema: z.object({ type: z.literal('broken'), id: z.string() }),
      capabilities: [],
      graphqlPrefix: 'Broken',
      graphql: (_b, refs) => {
        refs.eventType('FfPlateEvent'); // already defined by the FF adapter
      },
      start: () => ({ stop() {} }),
    });
    expect(() => buildSchema([...builtInAdapters, broken as never])).toThrow(/adapter "broken"/);
  });
});
