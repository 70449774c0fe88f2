/** FF-Events instance config (validated at start-up; problems are reported as adapters[i].<path>). */
import { z } from 'zod';

const validZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const ffConfigSchema = z
  .object({
    type: z.literal('ff'),
    id: z.string(),
    /** TCP push listener port; absent = HTTP only. */
    tcpPort: z.number().int().min(0).max(65535).optional(),
    tcpHost: z.string().default('0.0.0.0'),
    /** Zone of the camera clock, for `datetime` when `capture_timestamp` is missing. */
    timezone: z.string().refine(validZone, 'not an IANA time zone (e.g. Europe/Prague)').default('UTC'),
    /** Per-instance ingest secret: a header key (camera `x_auth_key`) or basic auth (camera user/password). */
    auth: z
      .union([
        z.object({ header: z.string().min(1).default('X-Auth-Key'), key: z.string().min(8, 'use at least 8 characters') }).strict(),
        z.object({ username: z.string().min(1), password: z.string().min(8, 'use at least 8 characters') }).strict(),
      ])
      .optional(),
    /** TCP only accepts connections from these addresses (empty = any). */
    allowIps: z.array(z.ipv4().or(z.ipv6())).default([]),
    limits: z
      .object({
        maxImageBytes: z.number().int().min(1024).default(2 * 1024 * 1024),
        maxImages: z.number().int().min(0).max(8).default(4),
        maxParts: z.number().int().min(1).max(32).default(8),
        /** The event JSON without its images, on every path (multipart part, JSON body, TCP object): larger is 413 / skipped. */
        maxJsonBytes: z.number().int().min(1024).default(256 * 1024),
        /** One TCP object, base64 images included. */
        maxObjectBytes: z.number().int().min(1024).default(8 * 1024 * 1024),
        /** A JSON request body (base64 images included). */
        maxBodyBytes: z.number().int().min(1024).default(12 * 1024 * 1024),
        idleTimeoutSec: z.number().int().min(1).default(300),
        maxConnections: z.number().int().min(1).default(256),
      })
      .strict()
      .default({ maxImageBytes: 2 * 1024 * 1024, maxImages: 4, maxParts: 8, maxJsonBytes: 256 * 1024, maxObjectBytes: 8 * 1024 * 1024, maxBodyBytes: 12 * 1024 * 1024, idleTimeoutSec: 300, maxConnections: 256 }),
  })
  .strict();

export type FfConfig = z.output<typeof ffConfigSchema>;
