/** FF-Events instance config (validated at start-up; problems are reported as adapters[i].<path>). */
import { z } from 'zod';
import { isTimeZone } from '../../sdk.ts';

export const ffConfigSchema = z
  .object({
    type: z.literal('ff'),
    id: z.string(),
    /** TCP push listener port; absent = HTTP only. */
    tcpPort: z.number().int().min(0).max(65535).optional(),
    tcpHost: z.string().default('0.0.0.0'),
    /**
     * Zone of the camera clocks, for `datetime` without offset when `capture_timestamp` is missing.
     * Absent: each camera's site zone (config `sites:`), else UTC (ffTimeZoneOf).
     */
    timezone: z.string().refine(isTimeZone, 'not an IANA time zone (e.g. Europe/Prague)').optional(),
    /** Per-instance ingest secret: a header key (camera `x_auth_key`) or basic auth (camera user/password). */
    auth: z
      .union([
        z.object({ header: z.string().min(1).default('X-Auth-Key'), key: z.string().min(8, 'use at least 8 characters') }).strict(),
        z.object({ username: z.string().min(1), password: z.string().min(8, 'use at least 8 characters') }).strict(),
      ])
      .optional(),
    /** TCP only accepts connections from these addresses (empty = any). */
    allowIps: z.array(z.ipv4().or(z.ipv6())).default([]),
    /**
     * TCP push carries no credentials: with `auth` and `tcpPort` set, start-up refuses an empty
     * `allowIps` (anyone could push what `auth` keeps off HTTP) unless this is true (default false).
     */
    allowUnauthenticatedTcp: z.boolean().default(false),
    limits: z
      .object({
        maxImageBytes: z
          .number()
          .int()
          .min(1024)
          .default(2 * 1024 * 1024),
        maxImages: z.number().int().min(0).max(8).default(4),
        maxParts: z.number().int().min(1).max(32).default(8),
        /** The event JSON without its images, on every path (multipart part, JSON body, TCP object): larger is 413 / skipped. */
        maxJsonBytes: z
          .number()
          .int()
          .min(1024)
          .default(256 * 1024),
        /** One TCP object, base64 images included. */
        maxObjectBytes: z
          .number()
          .int()
          .min(1024)
          .default(8 * 1024 * 1024),
        /** A JSON request body (base64 images included). */
        maxBodyBytes: z
          .number()
          .int()
          .min(1024)
          .default(12 * 1024 * 1024),
        idleTimeoutSec: z.number().int().min(1).default(300),
        /** Open TCP connections of the instance, all sources together. */
        maxConnections: z.number().int().min(1).default(256),
        /** Open TCP connections from one source address (several cameras behind one NAT share it). */
        maxConnectionsPerIp: z.number().int().min(1).default(16),
        /** A TCP connection that sends no byte for this long after connecting is closed. */
        firstByteTimeoutSec: z.number().min(0.05).max(3600).default(10),
        /** Bytes of unfinished objects held across all TCP connections; the connection that would exceed it is closed. */
        maxBufferedBytes: z
          .number()
          .int()
          .min(1024)
          .default(64 * 1024 * 1024),
      })
      .strict()
      .default({
        maxImageBytes: 2 * 1024 * 1024,
        maxImages: 4,
        maxParts: 8,
        maxJsonBytes: 256 * 1024,
        maxObjectBytes: 8 * 1024 * 1024,
        maxBodyBytes: 12 * 1024 * 1024,
        idleTimeoutSec: 300,
        maxConnections: 256,
        maxConnectionsPerIp: 16,
        firstByteTimeoutSec: 10,
        maxBufferedBytes: 64 * 1024 * 1024,
      }),
  })
  .strict()
  .superRefine((c, issues) => {
    if (c.tcpPort !== undefined && c.auth && c.allowIps.length === 0 && !c.allowUnauthenticatedTcp) {
      issues.addIssue({
        code: 'custom',
        path: ['allowIps'],
        message:
          "auth is set but TCP push carries no credentials, so anyone could push events over tcpPort: list the cameras' addresses in allowIps, or set allowUnauthenticatedTcp: true to accept that",
      });
    }
    if (c.limits.maxBufferedBytes < c.limits.maxObjectBytes) {
      issues.addIssue({ code: 'custom', path: ['limits', 'maxBufferedBytes'], message: `must be at least limits.maxObjectBytes (${c.limits.maxObjectBytes}), or no object of that size could arrive` });
    }
  });

export type FfConfig = z.output<typeof ffConfigSchema>;
