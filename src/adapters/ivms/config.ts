/** Videonetics IVMS instance config (validated at start-up; problems are reported as adapters[i].<path>). */
import { z } from 'zod';
import { isTimeZone } from '../../sdk.ts';

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s):// URL' });
const wsUrl = z.url({ protocol: /^wss?$/, error: 'expected a ws(s):// URL' });

const LIMIT_DEFAULTS = {
  requestTimeoutMs: 10_000,
  snapMaxBytes: 5 * 1024 * 1024,
  snapTimeoutMs: 15_000,
  clipMaxBytes: 50 * 1024 * 1024,
  clipTimeoutMs: 60_000,
  alertMaxBytes: 16 * 1024 * 1024,
  alertQueue: 1000,
  alertPublishDeadlineMs: 60_000,
};

export const ivmsConfigSchema = z
  .object({
    type: z.literal('ivms'),
    id: z.string(),
    /** http://<server>:<port> of the IVMS API server (no path). */
    baseUrl: httpUrl,
    /** Path of the API server: /V-Pro-IVMS-APIServer (document 1.5.1) or /i-apiserver (newer builds); '' for none. */
    pathPrefix: z
      .string()
      .regex(/^(\/[A-Za-z0-9._~-]+)*$/, 'expected a path like /V-Pro-IVMS-APIServer (or empty)')
      .default('/V-Pro-IVMS-APIServer'),
    /** Notification WebSocket; default ws(s)://<baseUrl host>/notification. */
    wsUrl: wsUrl.optional(),
    /** Listen to the notification WebSocket (alerts). */
    notifications: z.boolean().default(true),
    /**
     * Zone of the IVMS server clock: alert `eventTime` has no offset. Absent: each channel's camera's
     * site zone (config `sites:`), else UTC (ivmsTimeZoneOf).
     */
    timezone: z.string().refine(isTimeZone, 'not an IANA time zone (e.g. Asia/Kolkata)').optional(),
    /** startarchive is POST in the document and GET in the public connector. */
    archiveMethod: z.enum(['POST', 'GET']).default('POST'),
    /** How often a stream in use is kept alive (the connector: 30 s). */
    keepaliveSec: z.number().int().min(1).max(600).default(30),
    /** Channel list / status refresh period. */
    channelRefreshSec: z.number().int().min(1).max(86_400).default(60),
    /** Stream size when the client does not ask for one. */
    defaultWidth: z.number().int().min(16).max(7680).default(1280),
    defaultHeight: z.number().int().min(16).max(4320).default(720),
    /**
     * Replace the scheme, host and port of the HLS URLs IVMS returns (it often names an address
     * only reachable inside the site). Also allow-lists that host for the stream proxy.
     */
    hlsBaseUrl: httpUrl.optional(),
    /** Longest wait between WebSocket reconnect attempts. */
    maxReconnectSec: z.number().min(0.1).max(600).default(30),
    limits: z
      .object({
        requestTimeoutMs: z.number().int().min(100).default(LIMIT_DEFAULTS.requestTimeoutMs),
        snapMaxBytes: z.number().int().min(1024).default(LIMIT_DEFAULTS.snapMaxBytes),
        snapTimeoutMs: z.number().int().min(100).default(LIMIT_DEFAULTS.snapTimeoutMs),
        clipMaxBytes: z.number().int().min(1024).default(LIMIT_DEFAULTS.clipMaxBytes),
        clipTimeoutMs: z.number().int().min(100).default(LIMIT_DEFAULTS.clipTimeoutMs),
        /** One notification message (base64 image included). */
        alertMaxBytes: z.number().int().min(1024).default(LIMIT_DEFAULTS.alertMaxBytes),
        /** Alerts waiting to be stored; more are dropped and counted (alerts.dropped). */
        alertQueue: z.number().int().min(1).default(LIMIT_DEFAULTS.alertQueue),
        /** How long one alert may wait for the event store (alerts cannot be fetched again). */
        alertPublishDeadlineMs: z.number().int().min(100).default(LIMIT_DEFAULTS.alertPublishDeadlineMs),
      })
      .strict()
      .default(LIMIT_DEFAULTS),
  })
  .strict();

export type IvmsConfig = z.output<typeof ivmsConfigSchema>;

/** The notification URL: configured, or ws(s)://<baseUrl host>/notification. */
export function notificationUrlOf(cfg: Pick<IvmsConfig, 'baseUrl' | 'wsUrl'>): string {
  if (cfg.wsUrl) return cfg.wsUrl;
  const u = new URL(cfg.baseUrl);
  return `${u.protocol === 'https:' ? 'wss' : 'ws'}://${u.host}/notification`;
}
