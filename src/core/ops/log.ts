/**
 * The server's pino logger, with what a log line may carry bounded: every logged object passes
 * through `boundLogValue` first, so no input can turn into a huge log line. Strings are cut at
 * LOG_MAX_STRING characters, arrays at LOG_MAX_ITEMS entries, objects at LOG_MAX_KEYS keys and
 * LOG_MAX_DEPTH levels, bytes become their size; errors keep type, message, code, stack (bounded)
 * and their own fields except what drivers attach of the statement: postgres.js errors carry the
 * `query` and its `parameters` (a failed batch: every event in it), which are never logged.
 */
import pino, { type Logger } from 'pino';

export const LOG_MAX_STRING = 1000;
export const LOG_MAX_ITEMS = 20;
export const LOG_MAX_KEYS = 50;
export const LOG_MAX_DEPTH = 5;
/** Fields of driver errors that hold the statement and its values. */
const STATEMENT_FIELDS = new Set(['query', 'parameters', 'params', 'args', 'types', 'values']);

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const opts = {
    level,
    formatters: { log: (line: Record<string, unknown>) => boundLogValue(line, 0) as Record<string, unknown> },
    // Errors are serialised (bounded) by the formatter above, which runs first.
    serializers: { err: (e: unknown) => e },
  };
  return destination ? pino(opts, destination) : pino(opts);
}

export function boundLogValue(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return v.length > LOG_MAX_STRING ? `${v.slice(0, LOG_MAX_STRING)}…[${v.length - LOG_MAX_STRING} more characters]` : v;
  if (typeof v !== 'object' || v === null) return v;
  if (v instanceof Uint8Array) return `<${v.byteLength} bytes>`;
  if (depth >= LOG_MAX_DEPTH) return Array.isArray(v) ? '[array]' : '[object]';
  if (Array.isArray(v)) {
    const out: unknown[] = v.slice(0, LOG_MAX_ITEMS).map((x) => boundLogValue(x, depth + 1));
    if (v.length > LOG_MAX_ITEMS) out.push(`…[${v.length - LOG_MAX_ITEMS} more items]`);
    return out;
  }
  if (v instanceof Error) return boundError(v, depth);
  if (v instanceof Date) return v;
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const k in v) {
    if (!Object.hasOwn(v, k)) continue;
    if (n++ === LOG_MAX_KEYS) {
      out['…'] = 'more keys left out';
      break;
    }
    out[k] = boundLogValue((v as Record<string, unknown>)[k], depth + 1);
  }
  return out;
}

function boundError(e: Error, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = { type: e.name, message: boundLogValue(e.message, depth + 1) };
  for (const k of Object.keys(e)) {
    if (STATEMENT_FIELDS.has(k) || k in out) continue;
    out[k] = boundLogValue((e as unknown as Record<string, unknown>)[k], depth + 1);
  }
  if (e.stack) out.stack = boundLogValue(e.stack, depth + 1);
  if (e.cause !== undefined) out.cause = boundLogValue(e.cause, depth + 1);
  return out;
}
