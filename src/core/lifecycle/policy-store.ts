/**
 * Where the retention policies in force come from: the ones set by GraphQL (table
 * retention_policies) once any are stored, else the config's `retention:` list. The database wins
 * because it is what an admin changed at run time: it applies on every instance at once and survives
 * restarts, while the config is the deployment's default. `setRetentionPolicies([])` removes the
 * stored ones, so the config's apply again.
 */
import { asc } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { retentionPolicies } from '../db/schema.ts';
import { normalizePolicy, type RetentionPolicy } from './policy.ts';

export interface PolicySet {
  policies: RetentionPolicy[];
  source: 'config' | 'api';
}

export async function policiesInForce(db: Db, configPolicies: readonly RetentionPolicy[]): Promise<PolicySet> {
  const rows = await db.select({ policy: retentionPolicies.policy }).from(retentionPolicies).orderBy(asc(retentionPolicies.position));
  if (rows.length) return { policies: rows.map((r) => r.policy as RetentionPolicy), source: 'api' };
  return { policies: configPolicies.map(normalizePolicy), source: 'config' };
}

/** Replace the stored policies (validated by the caller) in one transaction; [] returns to the config's. */
export async function storePolicies(db: Db, policies: readonly RetentionPolicy[]): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(retentionPolicies);
    if (policies.length) await tx.insert(retentionPolicies).values(policies.map((p, position) => ({ position, policy: normalizePolicy(p) })));
  });
}
