/**
 * API keys from config: `Authorization: Bearer <key>` on HTTP, `{ authorization: "Bearer <key>" }`
 * in the graphql-ws connection_init payload. No keys configured → open (with a start-up warning).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.ts';
import type { Scope } from '../config/schema.ts';
import type { AuthInfo } from '../ports.ts';

export interface ApiKeyConfig {
  key: string;
  name?: string;
  scopes: Scope[];
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export class ApiKeyAuth {
  private readonly keys: Array<{ digest: Buffer; name: string; id: string; scopes: Set<Scope> }>;

  constructor(keys: ApiKeyConfig[]) {
    this.keys = keys.map((k, i) => ({ digest: digest(k.key), name: k.name ?? `key${i + 1}`, id: keyIdOf(k), scopes: new Set(k.scopes) }));
  }

  get open(): boolean {
    return this.keys.length === 0;
  }

  /** Resolve an Authorization header value; throws UNAUTHENTICATED when auth is on and it is missing or wrong. */
  authenticate(header: string | null | undefined): AuthInfo {
    if (this.open) return { open: true, scopes: new Set() };
    if (!header) throw new AppError('UNAUTHENTICATED', 'missing API key: send "Authorization: Bearer <key>"');
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new AppError('UNAUTHENTICATED', 'malformed Authorization header: expected "Bearer <key>"');
    const d = digest(m[1]);
    const found = this.keys.find((k) => timingSafeEqual(k.digest, d));
    if (!found) throw new AppError('UNAUTHENTICATED', 'invalid API key');
    return { open: false, scopes: found.scopes, keyName: found.name, keyId: found.id };
  }
}

/**
 * A key's stable, non-secret id (the audit log's keyId): its configured `name`, else `sha256:` and
 * the first 12 hex digits of the key's SHA-256 (48 bits: tells keys apart, never gives one away; keys
 * are at least 16 characters). It does not change when keys are reordered in the config.
 */
export function keyIdOf(k: Pick<ApiKeyConfig, 'key' | 'name'>): string {
  return k.name ?? `sha256:${digest(k.key).toString('hex').slice(0, 12)}`;
}

export function hasScope(auth: AuthInfo, scope: Scope): boolean {
  return auth.open || auth.scopes.has('admin') || auth.scopes.has(scope);
}
