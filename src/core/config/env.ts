/**
 * Every environment variable the server reads, in one zod schema. A problem names its variable
 * (`PORT: expected a port number (0-65535), got "eighty"`); an empty variable counts as unset.
 * The config file's `${VAR}`s are not listed here: the file says which variables it uses.
 */
import { resolve } from 'node:path';
import { z } from 'zod';

/** What LOG_LEVEL may be: pino's levels (a test compares them), and `silent`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const port = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return fallback;
      if (/^\d{1,5}$/.test(text) && Number(text) <= 65535) return Number(text);
      ctx.addIssue({ code: 'custom', message: `expected a port number (0-65535), got "${text}"` });
      return z.NEVER;
    });

export const serverEnvSchema = z.object({
  /** HTTP port (GraphQL, ingest, media, streams). */
  PORT: port(4000),
  HOST: z.string().default('0.0.0.0'),
  /** Embedded PGlite, the TCP spool, media (unless MEDIA_DIR); one process per directory. */
  DATA_DIR: z
    .string()
    .default('./data')
    .transform((dir) => resolve(dir)),
  MEDIA_DIR: z
    .string()
    .transform((dir) => resolve(dir))
    .optional(),
  /** PostgreSQL instead of the embedded PGlite. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL')
    .optional(),
  /** Redis event bus, for several instances. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'expected a redis:// URL')
    .optional(),
  /** The config file (`--config <file>` wins); default ./config.yaml if present. */
  CONFIG_FILE: z.string().optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: (issue) => `expected one of ${LOG_LEVELS.join(', ')}, got "${String(issue.input)}"` }).default('info'),
  /** TCP port of the FF instance that runs when there is no config file. */
  FF_TCP_PORT: port(4001),
});

export type ServerEnvVars = z.output<typeof serverEnvSchema>;

/** The server's variables from `env`, or one problem per bad variable. */
export function parseServerEnv(env: NodeJS.ProcessEnv): { vars: ServerEnvVars | null; problems: string[] } {
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const r = serverEnvSchema.safeParse(set);
  if (r.success) return { vars: r.data, problems: [] };
  return { vars: null, problems: r.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`) };
}
