/**
 * The audit log in GraphQL (contract "Data lifecycle"): `auditLog(first, after)`, newest first,
 * scope admin; and which root mutation fields are audited actions (isAuditedField), read by the
 * execute hook in core/audit/use-audit-log.ts: every field whose scope is admin — declared with
 * `authScopes: ADMIN`, or an adapter's mutation that declares no scope (admin by default, scopes.ts).
 */
import { GraphQLError, type GraphQLField } from 'graphql';
import type { AuditEntryRecord } from '../core/audit/repo.ts';
import type { Builder } from './builder.ts';
import { connectionOf, MAX_PAGE } from './pagination.ts';
import { ADMIN } from './scopes.ts';

const bad = (message: string, field: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field } });

/** True when the field requires the admin scope (its Pothos authScopes name admin; a scope function counts as admin: audited rather than missed). */
export function isAuditedField(field: GraphQLField<unknown, unknown>): boolean {
  const scopes = (field.extensions as { pothosOptions?: { authScopes?: unknown } } | undefined)?.pothosOptions?.authScopes;
  if (typeof scopes === 'function') return true;
  return !!scopes && typeof scopes === 'object' && (scopes as Record<string, unknown>).admin === true;
}

export function addAuditFields(builder: Builder) {
  const AuditEntry = builder.objectRef<AuditEntryRecord>('AuditEntry').implement({
    description: 'One admin action: who (the API key id, never the key), when, what (the root field), with which arguments (secrets removed, large lists summarised) and how it ended.',
    authScopes: ADMIN,
    fields: (t) => ({
      id: t.id({ description: 'Increasing with time; the cursor of auditLog', resolve: (e) => e.id.toString() }),
      at: t.field({ type: 'DateTime', resolve: (e) => e.at }),
      keyId: t.string({ nullable: true, description: "The API key's configured name, else sha256:<12 hex digits of its hash>; null when the server runs without API keys", resolve: (e) => e.keyId }),
      action: t.exposeString('action', { description: 'The mutation field (e.g. createPlateList), or downloadExport for an export download' }),
      args: t.field({
        type: 'JSON',
        description:
          'Arguments as given, with secrets removed by field name ("[redacted]") and from URLs; lists over 20 items as {"$count", "$head"}; at most 16 KiB (else {"$truncated", "$bytes", "$keys"})',
        resolve: (e) => e.args,
      }),
      outcome: t.string({ description: '"ok", or the error code the action failed with (FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, …)', resolve: (e) => e.outcome }),
    }),
  });

  builder.queryField('auditLog', (t) =>
    t.connection(
      {
        type: AuditEntry,
        authScopes: ADMIN,
        description: `Admin actions, newest first; \`after\` pages to older ones. Kept audit.retainDays (default 365). Scope admin. first: 0..${MAX_PAGE} (default 50).`,
        resolve: async (_r, args, ctx) => {
          const first = args.first ?? 50;
          if (first < 0 || first > MAX_PAGE) throw bad(`first: expected 0..${MAX_PAGE}, got ${first}`, 'first');
          if (args.last != null || args.before != null) throw bad('last/before: not supported by auditLog; page with first/after', 'last');
          let before: bigint | null = null;
          if (args.after != null) {
            if (!/^\d{1,19}$/.test(args.after)) throw bad('after: not a cursor of auditLog', 'after');
            before = BigInt(args.after);
          }
          const r = await ctx.services.audit.entries(first, before);
          return connectionOf(r.entries, r.hasNextPage, before !== null, (e) => e.id.toString());
        },
      },
      { name: 'AuditEntryConnection' },
      { name: 'AuditEntryEdge' },
    ),
  );
}
