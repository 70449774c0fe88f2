/**
 * Shared pieces of the data-lifecycle suites: a test adapter publishing CUSTOM events with an
 * image, FF plate reads with images at an age on the server's ManualClock, and the store's
 * consistency invariants (no live media ref without its row, no media row nobody needs).
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { defineAdapter, readJsonBody, sendJson } from '../../../src/sdk.ts';
import type { Db } from '../../../src/core/db/client.ts';
import { resultRows } from '../../../src/core/db/result-rows.ts';
import type { TestApp } from '../../helpers/app.ts';
import { ffJson, postFf } from '../../helpers/ff-events.ts';

export const ADMIN = 'admin-key-0123456789abcdef';
export const READER = 'read-key-0123456789abcdefg';
export const bearer = (k: string) => ({ authorization: `Bearer ${k}` });
export const DAY = 86_400_000;

/** JPEG magic and random bytes: a distinct image each call (content-addressed ids differ). */
export const jpeg = () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(200)]);

/** Adapter `thing`: POST /emit { key, occurredAt (ms), image (base64) } publishes a CUSTOM event with a SNAPSHOT. */
export const thingAdapter = defineAdapter({
  type: 'thing',
  version: '1.0.0',
  graphqlPrefix: 'Thing',
  configSchema: z.object({ type: z.string(), id: z.string() }),
  capabilities: [],
  graphql: (_b, refs) => void refs.eventType('ThingRetentionEvent', { description: 'test event' }),
  start(ctx) {
    ctx.route('POST', '/emit', async ({ req, res }) => {
      const body = (await readJsonBody(req, 100_000)) as { key: string; occurredAt: number; image?: string };
      const r = await ctx.publish({
        typeName: 'ThingRetentionEvent',
        kind: 'CUSTOM',
        vendorType: 'thing',
        occurredAt: new Date(body.occurredAt),
        dedupeKey: body.key,
        camera: { vendorId: 'THING-CAM' },
        raw: { key: body.key },
        media: body.image ? [{ role: 'SNAPSHOT', data: new Uint8Array(Buffer.from(body.image, 'base64')) }] : [],
      });
      sendJson(res, 200, { seq: r.seq.toString() });
    });
    return { stop() {} };
  },
});

let packet = 0;

/** Post an FF plate read `ageMs` old on the server's clock, with `images` JPEGs; resolves once stored. */
export async function read(t: TestApp, nowMs: number, o: { plate: string; ageMs: number; camera?: string; instance?: string; images?: Buffer[] }): Promise<void> {
  packet++;
  const json = ffJson(packet, {
    plateText: o.plate,
    carID: `r-${packet}-${Math.random()}`,
    capture_timestamp: String(nowMs - o.ageMs),
    sensorProviderID: o.camera ?? 'CAM-1',
    ...(o.images?.length ? { ImageArray: o.images.map((b) => ({ ImageType: 'plate', ImageFormat: 'jpeg', BinaryImage: b.toString('base64') })) } : {}),
  });
  const res = await postFf(t.url, json, o.instance ?? 'default', bearer(ADMIN));
  if (res.status !== 200) throw new Error(`FF post answered ${res.status}: ${JSON.stringify(res.body)}`);
}

/** Post a `thing` CUSTOM event `ageMs` old with one image. */
export async function thing(t: TestApp, nowMs: number, key: string, ageMs: number): Promise<void> {
  const res = await fetch(`${t.url}/adapters/thing/main/emit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(ADMIN) },
    body: JSON.stringify({ key, occurredAt: nowMs - ageMs, image: jpeg().toString('base64') }),
  });
  if (res.status !== 200) throw new Error(`thing emit answered ${res.status}`);
}

/** Plates (normalized) of the stored events, sorted. */
export async function platesStored(db: Db, like: string): Promise<string[]> {
  const rows = resultRows<{ p: string }>(await db.execute(sql`select plate_normalized as p from events where plate_normalized like ${like} order by 1`));
  return rows.map((r) => r.p);
}

export async function count(db: Db, query: ReturnType<typeof sql>): Promise<number> {
  const [r] = resultRows<{ n: string | number }>(await db.execute(query));
  return Number(r?.n ?? 0);
}

/** The invariants a crash must never break: 0 live refs without a row, 0 rows no live ref needs. */
export async function inconsistencies(db: Db): Promise<{ refsWithoutRow: number; rowsWithoutRef: number }> {
  const refsWithoutRow = await count(
    db,
    sql`select count(*) as n from events e, jsonb_array_elements(e.media) r where r->'expiredAt' is null and not exists (select from media m where m.id = r->>'id')`,
  );
  const rowsWithoutRef = await count(
    db,
    sql`select count(*) as n from media m where not exists (select from events e, jsonb_array_elements(e.media) r where r->>'id' = m.id and r->'expiredAt' is null)`,
  );
  return { refsWithoutRow, rowsWithoutRef };
}
