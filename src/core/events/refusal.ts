/**
 * Telling a row the database refuses from a database that fails, by SQLSTATE (pure). The writer
 * (writer.ts) asks the database itself (a ping) for everything that is not systemic.
 *
 * - Systemic: the failure is the database's or the deployment's, whatever the rows (connection
 *   lost, out of disk or memory, shut down, a schema or permission problem, a read-only replica,
 *   a deadlock or serialisation failure), and the driver's own connection errors (no SQLSTATE:
 *   refused, reset, timed out, closed). Retried as an outage; never bisected, never refused, and
 *   no ping is sent for them: while the database is away a ping would only queue another connection
 *   attempt on the pool, which delays the first query after it returns by up to `connect_timeout`.
 * - Data: a known "this value cannot be stored" class (data exception 22, integrity 23, cardinality
 *   21, program limit 54: e.g. SQLSTATE 54000 "index row size exceeds maximum"). A single row failing
 *   with it while the database answers is refused at once.
 * - Anything else (no SQLSTATE, another class): isolated too, but a single row gets one more try.
 */

/** SQLSTATE classes that are never one row's fault. */
const SYSTEMIC = new Set(['08', '25', '28', '3D', '3F', '40', '42', '53', '55', '57', '58', 'F0', 'XX']);
/** Connection errors of the driver (postgres.js) and of Node's sockets: the database is not reachable. */
const CONNECTION_ERRORS = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const DATA = new Set(['21', '22', '23', '54']);

/** The SQLSTATE of a driver error (postgres.js `code`, PGlite `code`, or on `cause`); undefined for other errors. */
export function sqlState(e: unknown): string | undefined {
  const any = e as { code?: unknown; cause?: { code?: unknown } } | null | undefined;
  for (const c of [any?.cause?.code, any?.code]) {
    // Five characters [0-9A-Z] with a digit: Node's EPIPE / ECONNRESET are not SQLSTATEs.
    if (typeof c === 'string' && /^[0-9A-Z]{5}$/.test(c) && /\d/.test(c)) return c;
  }
  return undefined;
}

export function isSystemic(e: unknown): boolean {
  if (SYSTEMIC.has(sqlState(e)?.slice(0, 2) ?? '')) return true;
  const any = e as { code?: unknown; cause?: { code?: unknown } } | null | undefined;
  return [any?.code, any?.cause?.code].some((c) => typeof c === 'string' && CONNECTION_ERRORS.has(c));
}
export const isDataState = (e: unknown) => DATA.has(sqlState(e)?.slice(0, 2) ?? '');

/**
 * What a log line may say about a failed statement: the SQLSTATE and the first 200 characters of
 * the message. Never the error object itself (postgres.js errors carry the query and its parameters,
 * i.e. the whole batch).
 */
export function refusalSummary(e: unknown): { sqlstate?: string; reason: string } {
  const message = e instanceof Error ? e.message : String(e);
  return { sqlstate: sqlState(e), reason: message.length > 200 ? `${message.slice(0, 200)}…` : message };
}
