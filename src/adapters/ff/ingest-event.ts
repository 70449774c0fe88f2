/**
 * One FF event from JSON to the store: parse (pure), map (pure), attach images, publish.
 * Shared by the HTTP and TCP paths.
 */
import type { AdapterContext, MediaInput, PublishResult } from '../../sdk.ts';
import { badInput, tooLarge } from '../../sdk.ts';
import type { FfConfig } from './config.ts';
import { mapFfEvent, stripFfImages } from './map.ts';
import { parseFfEvent } from './parse.ts';
import { ffTimeZoneOf } from './time.ts';

/**
 * The event without its images, re-serialised (JSON.stringify of the parsed text, images replaced
 * by size notes), is at most this many UTF-8 bytes per UTF-16 unit of the text it was parsed from:
 * strings never grow (JSON.stringify escapes no more than valid JSON text must), whitespace and
 * duplicate keys only shrink, a number token grows at most 4.4× with its separator (`1e20,` →
 * 21 digits and a comma), an `"BinaryImage":""` entry about 2.5× (`"<removed: 0 bytes>"`), and a
 * UTF-16 unit is at most 3 UTF-8 bytes.
 */
export const JSON_REWRITE_GROWTH = 16;

/**
 * `sourceLength`: the length of the JSON text `json` was parsed from, when the caller has it (TCP):
 * a text that short cannot exceed limits.maxJsonBytes once re-serialised (JSON_REWRITE_GROWTH), so
 * the exact count (a second JSON.stringify of every event) is skipped.
 */
export function ffEventInput(json: unknown, ctx: Pick<AdapterContext<FfConfig>, 'config' | 'cameras'>, extraImages: MediaInput[] = [], sourceLength?: number) {
  const { config } = ctx;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw badInput('event: expected a JSON object');
  // The event without its images is bounded on every path (multipart part, JSON body, TCP object).
  if (sourceLength === undefined || sourceLength * JSON_REWRITE_GROWTH > config.limits.maxJsonBytes) {
    const jsonBytes = Buffer.byteLength(JSON.stringify(stripFfImages(json as Record<string, unknown>)));
    if (jsonBytes > config.limits.maxJsonBytes) throw tooLarge(`event: ${jsonBytes} bytes of JSON (images excluded) exceeds the limit of ${config.limits.maxJsonBytes}`);
  }
  const ev = parseFfEvent(json);
  const mapped = mapFfEvent(ev, json as Record<string, unknown>, { timeZone: ffTimeZoneOf(config.timezone, ctx.cameras) });
  const media = [...mapped.images, ...extraImages];
  if (media.length > config.limits.maxImages) throw badInput(`images: at most ${config.limits.maxImages} per event, got ${media.length}`);
  for (const m of media) {
    if (m.data.byteLength > config.limits.maxImageBytes) {
      throw tooLarge(`${m.role.toLowerCase()} image: ${m.data.byteLength} bytes exceeds the limit of ${config.limits.maxImageBytes}`);
    }
  }
  return { ...mapped.input, media };
}

export function publishFfJson(ctx: AdapterContext<FfConfig>, json: unknown, extraImages: MediaInput[] = [], deadlineMs?: number): Promise<PublishResult> {
  return ctx.publish(ffEventInput(json, ctx, extraImages), { deadlineMs });
}
