/** Instance config of the Acme Access adapter (validated at start-up; problems are named `adapters[i].<path>`). */
import { isTimeZone, z } from 'unified-surveillance-api/sdk';

/** PROTOCOL.md: API keys and webhook secrets are 16–256 printable ASCII characters. */
const credential = (what: string) =>
  z
    .string()
    .min(16, `${what}: use at least 16 characters`)
    .max(256, `${what}: at most 256 characters`)
    .regex(/^[\x21-\x7e]+$/, `${what}: printable ASCII without spaces`);

export const acmeAccessConfigSchema = z
  .object({
    type: z.literal('acme-access'),
    id: z.string(),
    /** The controller's REST API, e.g. http://10.0.0.5/api (its host is allow-listed for ctx.fetch). */
    baseUrl: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL, e.g. http://10.0.0.5/api' }),
    /** X-Api-Key of the REST API. */
    apiKey: credential('the API key'),
    /** Shared secret of the webhook signature (Acme-Signature). */
    webhookSecret: credential('the webhook secret'),
    /** How often the door list is read (door devices, their state, the instance health). */
    pollIntervalSec: z.number().min(0.1, 'at least 0.1 s').max(3600, 'at most 3600 s').default(30),
    /** Deliveries whose Acme-Timestamp is further than this from our clock are refused (replays). */
    toleranceSec: z.number().int().min(1).max(3600).default(300),
    /** Zone of the controller's clock: times without an offset (firmware < 3.0) are read in it; absent: UTC. */
    timeZone: z.string().refine(isTimeZone, 'not an IANA time zone (e.g. Europe/Prague)').optional(),
  })
  .strict();

export type AcmeAccessConfig = z.output<typeof acmeAccessConfigSchema>;
