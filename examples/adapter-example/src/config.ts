/** Instance config of the HMAC webhook adapter (validated at start-up; problems are named `adapters[i].<path>`). */
import { z } from 'unified-surveillance-api/sdk';

export const hmacWebhookConfigSchema = z
  .object({
    type: z.literal('hmac-webhook'),
    id: z.string(),
    /**
     * Shared secret(s) of the signature. Several during a rotation: a delivery signed with any of
     * them is accepted.
     */
    secret: z.union([z.string().min(16, 'use at least 16 characters'), z.array(z.string().min(16, 'use at least 16 characters')).min(1)]),
    /** Deliveries whose timestamp is further than this from our clock are refused (replays). */
    toleranceSec: z.number().int().min(1).max(86_400).default(300),
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .max(32 * 1024 * 1024)
      .default(2 * 1024 * 1024),
    /** The vendor's status endpoint (GET, 2xx = up): polled for the instance health. Absent = push only, always READY. */
    statusUrl: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
    statusIntervalSec: z.number().min(0.05).max(3600).default(30),
  })
  .strict();

export type HmacWebhookConfig = z.output<typeof hmacWebhookConfigSchema>;

export const secretsOf = (c: Pick<HmacWebhookConfig, 'secret'>): string[] => (Array.isArray(c.secret) ? c.secret : [c.secret]);
