/** Camlytics instance config (validated at start-up; problems are reported as adapters[i].<path>). */
import { z } from 'zod';
import { isTimeZone } from '../../sdk.ts';

const path = z.string().regex(/^\/[^?#\s]*$/, 'must be a path starting with "/"');

export const camlyticsConfigSchema = z
  .object({
    type: z.literal('camlytics'),
    id: z.string(),
    /** The Camlytics host's REST API (its host is allow-listed for outbound requests). */
    baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. http://10.0.0.5:48462' }).default('http://localhost:48462'),
    /** Secret for `POST /adapters/camlytics/{id}/webhook?token=…`; absent = webhook route not mounted. */
    webhookToken: z.string().min(16, 'use at least 16 characters').optional(),
    /** false = webhooks only: no REST requests at all (events or channels). */
    restApi: z.boolean().default(true),
    eventsPath: path.default('/v1/json/events'),
    /** null = do not list channels (cameras then come from events only). */
    channelsPath: path.nullable().default('/v1/json/channels'),
    /** `timeout` of the long-poll: how long Camlytics may hold a request open waiting for events. */
    pollTimeoutSec: z.number().int().min(0).max(120).default(5),
    /** `limit` of each poll (newest first). More events than this between two polls cannot all be seen. */
    pollLimit: z.number().int().min(1).max(1000).default(100),
    /** Least time between two polls that brought nothing new (guards against a server that never waits). */
    minPollIntervalMs: z.number().int().min(0).max(60_000).default(500),
    /** Request deadline = pollTimeoutSec + this. */
    requestGraceSec: z.number().min(0.1).max(300).default(10),
    maxResponseBytes: z
      .number()
      .int()
      .min(1024)
      .max(100 * 1024 * 1024)
      .default(5 * 1024 * 1024),
    /** Retry delays grow from backoffInitialMs to backoffMaxSec, with jitter. */
    backoffInitialMs: z.number().int().min(10).max(60_000).default(500),
    backoffMaxSec: z.number().min(0.01).max(600).default(30),
    channelRefreshSec: z.number().min(0.05).max(86_400).default(60),
    /**
     * After a restart, events older than the newest one already seen minus this are not published
     * again (they were, or are outside the window anyway). The store's dedupe key is the final guard.
     */
    lateEventToleranceSec: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .default(3600),
    /**
     * Zone of times sent without an offset. Absent: each channel's camera's site zone (config
     * `sites:`), else UTC (camlyticsTimeZoneOf).
     */
    timezone: z.string().refine(isTimeZone, 'not an IANA time zone (e.g. Europe/Prague)').optional(),
    maxWebhookBytes: z
      .number()
      .int()
      .min(1024)
      .max(16 * 1024 * 1024)
      .default(256 * 1024),
  })
  .strict();

export type CamlyticsConfig = z.output<typeof camlyticsConfigSchema>;
