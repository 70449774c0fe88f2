/**
 * VXG instance config, validated at start-up. Every channel access token is decoded here, so a bad
 * token stops start-up with `adapters[i].accessToken[k]: <what is wrong>`; messages never echo the
 * token. The output carries the decoded channels (camera id, API base URL) beside the raw tokens.
 */
import { z } from 'zod';
import { apiBaseUrlOf, decodeVxgToken, type VxgTokenInfo } from './token.ts';

const tokenEntry = z.union([z.string().min(1, 'empty access token'), z.object({ token: z.string().min(1, 'empty access token'), name: z.string().trim().min(1).max(200).optional() }).strict()]);

export interface VxgChannel {
  /** The channel access token as configured: sent as `Authorization: Acc <token>`, never logged. */
  token: string;
  info: VxgTokenInfo;
  camid: number;
  /** API base URL (no trailing slash): the config's baseUrl, else the token's host. */
  apiBase: string;
  name: string;
}

export const vxgConfigSchema = z
  .object({
    type: z.literal('vxg'),
    id: z.string(),
    /** One channel access token (base64 JSON naming camera and API host), or a list (one per camera). */
    accessToken: z.union([z.string().min(1, 'empty access token'), z.array(tokenEntry).min(1, 'give at least one access token')], {
      error: (iss) => (iss.input === undefined ? 'required: the channel access token (or a list of them)' : 'expected a channel access token or a list of them'),
    }),
    /** Override of the API base URL the tokens name (e.g. https://web.example.cloud-vms.com). */
    baseUrl: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
    /** How often stored events are polled and mirrored into the log. */
    pollIntervalSec: z.number().min(0.1).max(3600).default(2),
    /** Each poll re-reads this far behind the newest event seen (late arrivals); duplicates are skipped. */
    pollOverlapSec: z.number().int().min(0).max(86_400).default(60),
    /** On the very first start, mirror events this far back. */
    backfillSec: z
      .number()
      .int()
      .min(0)
      .max(30 * 86_400)
      .default(60),
    /** Page size of VXG list requests (event types, stored events). */
    pageSize: z.number().int().min(1).max(1000).default(100),
    maxPagesPerPoll: z.number().int().min(1).max(1000).default(20),
    requestTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    /** Thumbnails (and image downloads) larger than this are not stored; the link stays. */
    maxImageBytes: z
      .number()
      .int()
      .min(1024)
      .max(50 * 1024 * 1024)
      .default(5 * 1024 * 1024),
    /** Fetch thumbnails / image downloads into the media store. */
    fetchMedia: z.boolean().default(true),
    /** Event types (and so camera capabilities) are re-read this often. */
    eventTypesRefreshSec: z.number().int().min(5).max(86_400).default(300),
    /** How long an idempotencyKey is remembered. */
    idempotencyTtlHours: z
      .number()
      .min(0.01)
      .max(24 * 30)
      .default(24),
  })
  .strict()
  .superRefine((c, ctx) => {
    const entries = Array.isArray(c.accessToken) ? c.accessToken : [c.accessToken];
    const seen = new Map<number, number>();
    entries.forEach((e, i) => {
      const path = Array.isArray(c.accessToken) ? (typeof e === 'string' ? ['accessToken', i] : ['accessToken', i, 'token']) : ['accessToken'];
      try {
        const info = decodeVxgToken(typeof e === 'string' ? e : e.token);
        const first = seen.get(info.camid);
        if (first !== undefined) ctx.addIssue({ code: 'custom', path, message: `camera ${info.camid} is already configured by accessToken[${first}]` });
        seen.set(info.camid, i);
      } catch (err) {
        ctx.addIssue({ code: 'custom', path, message: `invalid VXG channel access token: ${(err as Error).message}` });
      }
    });
  })
  .transform((c) => {
    const entries = Array.isArray(c.accessToken) ? c.accessToken : [c.accessToken];
    const channels: VxgChannel[] = entries.map((e) => {
      const token = (typeof e === 'string' ? e : e.token).trim();
      const info = decodeVxgToken(token);
      const name = (typeof e === 'string' ? undefined : e.name) ?? info.name ?? `VXG camera ${info.camid}`;
      return { token, info, camid: info.camid, apiBase: apiBaseUrlOf(info, c.baseUrl), name };
    });
    return { ...c, channels };
  });

export type VxgConfig = z.output<typeof vxgConfigSchema>;
