/**
 * The size bound of an FF event without its images (ingest-event.ts): skipped for a short source
 * text only because re-serialising can never grow a text by more than JSON_REWRITE_GROWTH.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ffConfigSchema } from '../../../src/adapters/ff/config.ts';
import { JSON_REWRITE_GROWTH, ffEventInput } from '../../../src/adapters/ff/ingest-event.ts';
import { stripFfImages } from '../../../src/adapters/ff/map.ts';
import { AppError } from '../../../src/sdk.ts';

const fixtureText = readFileSync(new URL('../../fixtures/ff/sample-update.json', import.meta.url), 'utf8');
const rewrittenBytes = (text: string) => Buffer.byteLength(JSON.stringify(stripFfImages(JSON.parse(text) as Record<string, unknown>)));
const ctxWith = (maxJsonBytes: number) => ({
  config: ffConfigSchema.parse({ type: 'ff', id: 'default', limits: { maxJsonBytes } }),
  cameras: { timeZoneOf: () => undefined } as never,
});

describe('the FF event size bound', () => {
  it('re-serialising never grows a text past JSON_REWRITE_GROWTH bytes per character, however it is written', () => {
    const invalidUtf8 = Buffer.concat([Buffer.from('{"plateText":"'), Buffer.alloc(200, 0xff), Buffer.from('"}')]).toString('utf8');
    const texts = [
      fixtureText,
      `[${Array(500).fill('1e20').join(',')}]`,
      `{"a":${Array(200).fill('9e20').join(',"b":')}}`,
      `{"ImageArray":[${Array(300).fill('{"BinaryImage":""}').join(',')}]}`,
      `{"ImageArray":[${Array(50).fill('{"BinaryImage":"QUJD"}').join(',')}]}`,
      invalidUtf8,
      `{"s":"${'\\u00e9\\n\\u2028'.repeat(100)}","é":"${'ž'.repeat(300)}"}`,
      '{"x":-0,"y":1.0000000000000002e-7,"z":[true,false,null]}',
    ];
    for (const text of texts) {
      const growth = rewrittenBytes(text) / text.length;
      expect(growth, text.slice(0, 40)).toBeLessThanOrEqual(JSON_REWRITE_GROWTH);
    }
    expect(rewrittenBytes(`[${Array(500).fill('1e20').join(',')}]`)).toBeGreaterThan(4 * 500 * 5); // the bound is not slack by far
  });

  it('a short text skips the exact count; a text that may be too large is counted and refused as before', () => {
    const small = JSON.parse(fixtureText) as Record<string, unknown>;
    expect(ffEventInput(small, ctxWith(256 * 1024), [], fixtureText.length).dedupeKey).toMatch(/^[0-9a-f]{64}$/);
    const bigText = JSON.stringify({ ...small, padding: 'x'.repeat(3000) });
    const refuse = (sourceLength?: number) => {
      try {
        ffEventInput(JSON.parse(bigText), ctxWith(2048), [], sourceLength);
        return null;
      } catch (e) {
        return e instanceof AppError ? e.code : String(e);
      }
    };
    expect(refuse(bigText.length)).toBe('PAYLOAD_TOO_LARGE');
    expect(refuse()).toBe('PAYLOAD_TOO_LARGE');
    // Re-serialised it fits (whitespace goes): counted exactly, accepted.
    const spaced = JSON.stringify({ ...small, padding: 'x'.repeat(100) }, null, 40);
    const fits = rewrittenBytes(spaced) <= 2048 && spaced.length * JSON_REWRITE_GROWTH > 2048;
    expect(fits).toBe(true);
    expect(ffEventInput(JSON.parse(spaced), ctxWith(2048), [], spaced.length).kind).toBe('PLATE_READ');
  });
});
