/**
 * `viewer`: who the caller is, as far as the API is concerned: whether the server runs open (no
 * API keys configured) and which scopes the caller's key grants. A frontend (the web console)
 * uses it to hide or disable what the key may not do; any key may ask about itself.
 */
import { SCOPES } from '../core/config/schema.ts';
import type { AuthInfo } from '../core/ports.ts';
import type { Builder } from './builder.ts';
import { ANY_KEY } from './scopes.ts';

/** The scopes a caller effectively holds: every scope when open or admin, else the key's own. */
export function effectiveScopes(auth: AuthInfo): string[] {
  if (auth.open || auth.scopes.has('admin')) return [...SCOPES];
  return SCOPES.filter((s) => auth.scopes.has(s));
}

export function addViewerField(builder: Builder) {
  const Viewer = builder.objectRef<AuthInfo>('Viewer').implement({
    description: 'The caller: its API key (if any) and what that key may do.',
    fields: (t) => ({
      open: t.boolean({ description: 'True when the server has no API keys configured: everything is allowed.', resolve: (a) => a.open }),
      keyName: t.string({ nullable: true, description: 'The name of the key (config `auth.apiKeys[].name`, else key1, key2…); null when open.', resolve: (a) => a.keyName ?? null }),
      scopes: t.stringList({
        description: 'Scopes the caller effectively holds (events:read, events:write, streams, admin); `admin` or an open server implies all of them.',
        resolve: (a) => effectiveScopes(a),
      }),
    }),
  });
  builder.queryField('viewer', (t) => t.field({ type: Viewer, authScopes: ANY_KEY, description: 'The caller and its scopes (any API key may ask).', resolve: (_r, _a, ctx) => ctx.auth }));
}
