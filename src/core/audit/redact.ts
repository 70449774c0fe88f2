/**
 * What the audit log keeps of an action's arguments: secrets removed and size bounded. Pure.
 *
 * Secrets go by field name, from the one list below (SECRET_WORDS): a field is secret when one of
 * the words of its name (camelCase, snake_case, kebab-case and dotted names are split into words) is
 * in the list, e.g. `secret`, `webhookToken`, `api_key`, `Authorization`, `clientSecret`,
 * `password`. Its value, whatever it is, becomes "[redacted]". Besides field names, any string
 * that is a URL loses its credentials (`https://user:pass@host` → `https://***:***@host`) and the
 * values of its query parameters whose names are secret (`?token=abc` → `?token=%5Bredacted%5D`).
 *
 * Size (so one call with 10,000 list entries is not 10,000 entries in the log): a list longer than
 * MAX_LIST_ITEMS keeps its first LIST_HEAD items and becomes `{ "$count": n, "$head": [...] }`;
 * strings longer than MAX_STRING are cut (`…(+N chars)`); objects deeper than MAX_DEPTH become
 * "[…]"; and if the result is still over MAX_ARGS_BYTES as JSON, it becomes
 * `{ "$truncated": true, "$bytes": n, "$keys": [top-level keys] }`.
 */

/** Words that make a field secret. One list, in one place (test/core/audit-redact.test.ts). */
export const SECRET_WORDS: ReadonlySet<string> = new Set([
  'secret',
  'secrets',
  'key',
  'keys',
  'apikey',
  'token',
  'tokens',
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'authorization',
  'auth',
  'credential',
  'credentials',
  'cookie',
  'signature',
  'privatekey',
  'bearer',
]);

/**
 * Field names that contain a secret word but hold none (identifiers a reader of the log needs):
 * a plate list's or a camera's key is an id, an idempotency key a request id.
 */
export const NOT_SECRET_FIELDS: ReadonlySet<string> = new Set(['idempotencyKey', 'dedupeKey', 'siteKey', 'cameraKey']);

export const REDACTED = '[redacted]';
export const MAX_LIST_ITEMS = 20;
export const LIST_HEAD = 5;
export const MAX_STRING = 500;
export const MAX_DEPTH = 8;
export const MAX_ARGS_BYTES = 16_384;

/** The words of a field name: `webhookToken` → webhook, token; `api_key` → api, key; `X-Auth-Key` → x, auth, key. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

export function isSecretField(name: string): boolean {
  if (NOT_SECRET_FIELDS.has(name)) return false;
  const words = nameWords(name);
  return words.some((w) => SECRET_WORDS.has(w)) || SECRET_WORDS.has(words.join(''));
}

/** A URL without its credentials and secret query values; other strings as they are. */
export function redactUrl(s: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return s;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return s;
  }
  let changed = false;
  if (u.username || u.password) {
    if (u.username) u.username = '***';
    if (u.password) u.password = '***';
    changed = true;
  }
  for (const name of [...u.searchParams.keys()]) {
    if (isSecretField(name)) {
      u.searchParams.set(name, REDACTED);
      changed = true;
    }
  }
  return changed ? u.toString() : s;
}

function cut(s: string): string {
  return s.length > MAX_STRING ? `${s.slice(0, MAX_STRING)}…(+${s.length - MAX_STRING} chars)` : s;
}

function walk(v: unknown, depth: number): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return cut(redactUrl(v));
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(v)) {
    if (v.length <= MAX_LIST_ITEMS) return v.map((x) => walk(x, depth + 1));
    return { $count: v.length, $head: v.slice(0, LIST_HEAD).map((x) => walk(x, depth + 1)) };
  }
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[cut(k)] = isSecretField(k) ? REDACTED : walk(x, depth + 1);
    return out;
  }
  return String(v);
}

/** The arguments as the audit log keeps them: secrets removed, bounded to MAX_ARGS_BYTES as JSON. */
export function auditArgs(args: Record<string, unknown> | null | undefined): Record<string, unknown> {
  const out = walk(args ?? {}, 0) as Record<string, unknown>;
  const bytes = Buffer.byteLength(JSON.stringify(out));
  if (bytes <= MAX_ARGS_BYTES) return out;
  return { $truncated: true, $bytes: bytes, $keys: Object.keys(out).slice(0, 50) };
}
