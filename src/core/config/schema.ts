/** The config file's shape (adapter entries are validated against each adapter's own schema). */
import { z } from 'zod';
import { createHostPolicy } from '../http/safe-fetch.ts';
import { pgliteSettingsSchema } from '../db/pglite-settings.ts';

export const SCOPES = ['events:read', 'events:write', 'streams', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export const apiKeySchema = z.object({
  key: z.string().min(16, 'API keys must be at least 16 characters'),
  name: z.string().optional(),
  scopes: z.array(z.enum(SCOPES)).min(1),
});

export const adapterEntrySchema = z
  .object({
    type: z.string().min(1),
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/i, 'must be 1-63 letters, digits, "-" or "_"'),
  })
  .passthrough();

const KEY = /^[a-z0-9][a-z0-9_-]{0,62}$/i;
const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** `sites:` entries: `{ id: hq, name: Headquarters, timezone: Europe/Prague }`. */
export const siteEntrySchema = z
  .object({
    id: z.string().regex(KEY, 'must be 1-63 letters, digits, "-" or "_"'),
    name: z.string().min(1).max(200),
    timezone: z
      .string()
      .refine(isTimeZone, { error: (iss) => `unknown IANA time zone ${JSON.stringify(iss.input)} (e.g. Europe/Prague)` })
      .optional(),
  })
  .strict();

/** `cameras:` entries: one physical camera and its vendor sources `adapter/instance/vendorId` (the first is its id). */
export const cameraEntrySchema = z
  .object({
    id: z.string().regex(KEY, 'must be 1-63 letters, digits, "-" or "_"'),
    name: z.string().min(1).max(200).optional(),
    site: z.string().min(1).optional(),
    sources: z
      .array(z.string().regex(/^[^/\s]+\/[^/\s]+\/\S.*$/, 'must be "adapter/instance/vendorId", e.g. "ff/default/GATE-NORTH"'))
      .min(1)
      .max(50),
  })
  .strict();

const policyList = z.array(z.string().min(1).max(200)).max(1000).optional();
const duration = z
  .string()
  .regex(/^[1-9][0-9]{0,5}[hd]$/, 'must be a duration like 12h or 30d')
  .optional();
/**
 * `retention:` entries (contract "Data lifecycle"): which events, and how long they and their media
 * are kept. Kinds are checked against the server's EventKind names at start-up (core/lifecycle/policy.ts).
 */
export const retentionPolicySchema = z.object({ kinds: policyList, siteIds: policyList, adapters: policyList, cameraIds: policyList, events: duration, media: duration }).strict();
/** The camera of a config rule action: a camera key (config `cameras[].id`) or a source id `adapter/instance/vendorId`. */
const ruleCameraAction = z.object({ cameraId: z.string().min(1).max(500), type: z.string().min(1).max(64), meta: z.record(z.string(), z.unknown()).optional() }).strict();

/**
 * `rules:` entries, the shape of createRule (contract "Rules"): `when` an EventFilter (cameraIds by
 * camera key or source id, siteIds by site key, plateListIds by list name), actions one of
 * trigger / createEvent / sink each. Upserted by name at start-up; bounds and references are checked
 * then (core/rules/service.ts), one problem per entry naming its path.
 */
export const ruleEntrySchema = z
  .object({
    name: z.string().min(1).max(100),
    enabled: z.boolean().default(true),
    when: z
      .object({
        kinds: z.array(z.string().min(1).max(64)).max(100).optional(),
        adapters: z.array(z.string().min(1).max(64)).max(100).optional(),
        instances: z.array(z.string().min(1).max(64)).max(100).optional(),
        cameraIds: z.array(z.string().min(1).max(500)).max(100).optional(),
        siteIds: z.array(z.string().min(1).max(64)).max(100).optional(),
        vendorTypes: z.array(z.string().min(1).max(200)).max(100).optional(),
        plate: z.string().min(1).max(100).optional(),
        plateListIds: z.array(z.string().min(1).max(100)).max(50).optional(),
        plateFuzzy: z
          .object({ plate: z.string().min(1).max(100), maxDistance: z.number().int().min(0).max(2).default(1) })
          .strict()
          .optional(),
      })
      .strict(),
    actions: z
      .array(
        z.union([
          z.object({ trigger: ruleCameraAction }).strict(),
          z.object({ createEvent: ruleCameraAction }).strict(),
          z.object({ sink: z.object({ sinkId: z.string().min(1).max(200) }).strict() }).strict(),
        ]),
      )
      .min(1)
      .max(10),
    cooldownSec: z.number().int().min(0).max(86_400).default(0),
  })
  .strict();
/** `outbound.allowHosts` entries: a host, host:port, a URL or a CIDR (10.0.0.0/8, fd00::/8). */
const allowHostEntry = z
  .string()
  .min(1)
  .max(300)
  .refine(
    (e) => {
      try {
        createHostPolicy([e]);
        return true;
      } catch {
        return false;
      }
    },
    { error: (iss) => `not a host, host:port, URL or CIDR: ${JSON.stringify(iss.input)}` },
  );

/** `sinks:` entries (contract "Sinks (outbound)"); URL, filter and topic are checked at start-up by the sinks service. */
export const sinkEntrySchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('WEBHOOK'),
      name: z.string().min(1).max(100),
      url: z.string().min(1).max(2000),
      /** whsec_… signing secret, e.g. `secret: "${WH_SECRET}"`. */
      secret: z.string().min(1).max(200),
      filter: z.record(z.string(), z.unknown()).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('MQTT'),
      name: z.string().min(1).max(100),
      url: z.string().min(1).max(2000),
      topic: z.string().min(1).max(500).optional(),
      qos: z.number().int().min(0).max(2).optional(),
      filter: z.record(z.string(), z.unknown()).optional(),
    })
    .strict(),
]);

export const configFileSchema = z
  .object({
    auth: z
      .object({ apiKeys: z.array(apiKeySchema).default([]) })
      .strict()
      .default({ apiKeys: [] }),
    adapters: z.array(adapterEntrySchema).default([]),
    sites: z.array(siteEntrySchema).max(10_000).default([]),
    cameras: z.array(cameraEntrySchema).max(100_000).default([]),
    plugins: z.array(z.string().min(1)).default([]),
    /** Retention policies, first match wins; none: everything is kept. Replaced by setRetentionPolicies once that stored any. */
    retention: z.array(retentionPolicySchema).max(100).default([]),
    /** Seconds between the end of one retention pass and the start of the next (1..3600, default 60). */
    retentionIntervalSec: z.number().min(1).max(3600).default(60),
    /**
     * Days a rule run (Rule.runs, rule_runs) is kept after its last change; older ones, except PENDING
     * retries, are deleted by the retention pass. At least 2: cooldown (≤ 1 day) reads recent runs.
     */
    ruleRunsRetainDays: z.number().int().min(2).max(36_500).default(90),
    rules: z.array(ruleEntrySchema).max(1000).default([]),
    sinks: z.array(sinkEntrySchema).max(100).default([]),
    outbound: z
      .object({
        /** Hosts, host:port, or CIDRs that outbound sinks may reach although loopback/private/link-local. */
        allowHosts: z.array(allowHostEntry).max(1000).default([]),
        /** Base URL of this server as receivers reach it, for media URLs in sink payloads (default: the address it listens on). */
        publicUrl: z
          .string()
          .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'must be an http(s) URL such as https://usa.example')
          .optional(),
        /** >0: media URLs in sink payloads are signed (HMAC, expiring after this many seconds) so /media serves them without an API key. */
        signedMediaTtlSec: z
          .number()
          .int()
          .min(0)
          .max(30 * 86_400)
          .default(0),
        /** HMAC key of signed media URLs, the same on every instance (e.g. `${MEDIA_SIGNING_KEY}`); required when signedMediaTtlSec > 0. */
        mediaSigningKey: z.string().min(32, 'at least 32 characters').max(500).optional(),
        /**
         * Deliveries one sink has under way at once (1..64, default 8): sent in log order, pipelined on
         * the sink's one connection (webhooks) or outstanding QoS acknowledgements (MQTT); the cursor
         * only ever passes delivered events. 1 = wait for each answer before sending the next.
         */
        sinkMaxInFlight: z.number().int().min(1).max(64).default(8),
      })
      .strict()
      .refine((o) => o.signedMediaTtlSec === 0 || o.mediaSigningKey !== undefined, { error: 'signedMediaTtlSec > 0 needs mediaSigningKey (32+ characters)', path: ['mediaSigningKey'] })
      .prefault({}),
    limits: z
      .object({
        maxDepth: z.number().int().min(2).max(50).default(12),
        maxAliases: z.number().int().min(1).max(200).default(30),
        maxTokens: z.number().int().min(100).max(100_000).default(5000),
        wsMaxPayloadBytes: z.number().int().min(1024).max(10_485_760).default(65_536),
        subscriberBuffer: z.number().int().min(10).max(100_000).default(1000),
        /** A WebSocket that has not taken a frame for this long is closed with 4429 (resume with `after`). */
        slowConsumerSec: z.number().min(1).max(3600).default(30),
        /** Bytes of DATA_DIR/spool (TCP events kept while the database is down) before it refuses more. */
        spoolMaxBytes: z.number().int().min(1_048_576).default(1_073_741_824),
        /** One stored event row as JSON (raw + data + typed fields, images excluded), any adapter; larger events are refused 413 PAYLOAD_TOO_LARGE. */
        eventMaxBytes: z.number().int().min(16_384).max(67_108_864).default(1_048_576),
        /** Estimated cost of one GraphQL operation: page sizes multiplied down the selection (src/schema/cost.ts); over it → BAD_USER_INPUT. */
        maxCost: z.number().int().min(100).max(10_000_000).default(50_000),
        /** Items in any one list argument or list variable (`nodes(ids:)`, filter lists); over it → BAD_USER_INPUT. */
        maxListItems: z.number().int().min(1).max(100_000).default(100),
        /** Open graphql-ws sockets per API key (per client address when no keys exist); one more is closed with 4430 at connection_init. */
        wsMaxSocketsPerKey: z.number().int().min(1).max(100_000).default(256),
        /** Open SSE responses (`Accept: text/event-stream` on /graphql) per API key (per client address when no keys exist); one more → 429 LIMIT_EXCEEDED. */
        sseMaxStreamsPerKey: z.number().int().min(1).max(100_000).default(256),
        /** Operations (subscriptions and queries) running at once on one graphql-ws socket; one more gets a LIMIT_EXCEEDED error. */
        wsMaxOperationsPerSocket: z.number().int().min(1).max(10_000).default(32),
        /** Subscriptions reading the log at once (`after` replays, catch-up of a subscriber that fell behind); the others wait their turn. */
        maxConcurrentReplays: z.number().int().min(1).max(1000).default(8),
      })
      .strict()
      .prefault({}),
    graphql: z
      .object({
        /** Schema introspection for every authenticated key (everyone when no keys are configured); false turns it off. */
        introspection: z.boolean().default(true),
        /** Bytes of a GraphQL HTTP request body; over it → 413 PAYLOAD_TOO_LARGE, before anything is parsed. */
        maxBodyBytes: z.number().int().min(1024).max(104_857_600).default(1_048_576),
      })
      .strict()
      .prefault({}),
    streams: z
      .object({
        /** A stream session nobody used (playlist/segment fetch, startStream, keepStreamAlive) for this long is stopped. */
        idleTimeoutSec: z.number().min(0.1).max(86_400).default(60),
      })
      .strict()
      .default({ idleTimeoutSec: 60 }),
    cluster: z
      .object({
        /** How often an instance on standby tries to take over work that runs on one instance (pollers, vendor sockets, stream keepalives). */
        leaseRetrySec: z.number().min(0.05).max(300).default(2),
        /** How often the lease holder checks its database session; a failed check stops that work here at once. */
        leaseHeartbeatSec: z.number().min(0.05).max(60).default(1),
        /** A check without an answer after this long counts as failed. */
        leaseHeartbeatTimeoutSec: z.number().min(0.05).max(60).default(2),
        /**
         * How long an instance caches devices and camera links. With Redis a change (linkCameras,
         * unlinkCameraSource, updateCamera) shows on every instance at once; without it, within this.
         */
        deviceCacheSec: z.number().min(0).max(3600).default(2),
      })
      .strict()
      .default({ leaseRetrySec: 2, leaseHeartbeatSec: 1, leaseHeartbeatTimeoutSec: 2, deviceCacheSec: 2 }),
    readiness: z
      .object({
        /**
         * false (default): `/ready` answers 503 while a configured adapter instance failed to start (it
         * retries in the background). true: stay ready; the instance is still named in `/ready`'s checks.
         */
        allowFailedAdapters: z.boolean().default(false),
      })
      .strict()
      .default({ allowFailedAdapters: false }),
    audit: z
      .object({
        /** Days an audit log entry is kept; older ones are deleted by the `audit-prune` job. */
        retainDays: z.number().int().min(1).max(36_500).default(365),
        /** How often the `audit-prune` job runs (on one instance of the deployment). */
        pruneIntervalSec: z.number().min(1).max(86_400).default(3600),
      })
      .strict()
      .prefault({}),
    storage: z
      .object({
        /**
         * Below this many free bytes on MEDIA_DIR or DATA_DIR, new images are not stored (their events
         * are, counted in media_refused_total); /ready stays 200 and names the condition. 0 = off.
         */
        minFreeBytes: z.number().int().min(0).default(1_073_741_824),
        /** How often free space is read while ingesting (also after 64 MiB of images written). */
        checkIntervalSec: z.number().min(0.1).max(300).default(5),
      })
      .strict()
      .prefault({}),
    exports: z
      .object({
        /** How long an exportPlate download stays available (its URL and file). */
        ttlSec: z
          .number()
          .int()
          .min(60)
          .max(7 * 86_400)
          .default(3600),
        /** How often each instance deletes the files and rows of expired exports. */
        sweepSec: z.number().min(1).max(3600).default(60),
        /** Most plate reads in one export; more → BAD_USER_INPUT (narrow from/to). */
        maxEvents: z.number().int().min(1).max(1_000_000).default(10_000),
        /** Most image bytes in one export; more → BAD_USER_INPUT. */
        maxBytes: z.number().int().min(1_048_576).max(68_719_476_736).default(1_073_741_824),
      })
      .strict()
      .prefault({}),
    database: z
      .object({
        /** The embedded PGlite (no DATABASE_URL): its memory settings, chosen by default for a small footprint. */
        pglite: pgliteSettingsSchema.prefault({}),
      })
      .strict()
      .prefault({}),
    cors: z
      .object({
        /**
         * Browser origins (`scheme://host[:port]`) allowed to call /graphql, /media and /streams from
         * another origin. Default none: same-origin only (no CORS headers for other origins).
         */
        origins: z
          .array(z.string().refine((o) => URL.canParse(o) && new URL(o).origin === o, 'must be an origin like https://console.example (scheme, host, optional port; no path)'))
          .max(100)
          .default([]),
      })
      .strict()
      .default({ origins: [] }),
  })
  .strict();

export type ConfigFile = z.output<typeof configFileSchema>;
export type AdapterEntry = z.output<typeof adapterEntrySchema>;

/** What runs when no config file exists: one FF instance on TCP `ffTcpPort` (FF_TCP_PORT, default 4001). */
export const defaultConfig = (ffTcpPort: number) => ({ adapters: [{ type: 'ff', id: 'default', tcpPort: ffTcpPort }] });
