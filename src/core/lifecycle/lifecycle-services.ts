/**
 * The data-lifecycle operations resolvers reach through CoreServices.lifecycle: the retention
 * policies in force, replacing them, and erasePlate. Inputs are validated here (policy.ts), so the
 * config and GraphQL share one set of rules; a bad one is BAD_USER_INPUT naming its field.
 */
import { badInput } from '../errors.ts';
import type { Db } from '../db/client.ts';
import type { FileMediaStore } from '../media/store.ts';
import { erasePlate, type ErasureReport, type ErasureRequest } from './erasure.ts';
import { normalizePolicy, policyProblems, type RetentionPolicy } from './policy.ts';
import { policiesInForce, storePolicies } from './policy-store.ts';

export interface LifecycleServices {
  /** The policies in force: those set by setRetentionPolicies, else the config's. */
  retentionPolicies(): Promise<RetentionPolicy[]>;
  /** Replace the stored policies ([] returns to the config's); returns the policies now in force. */
  setRetentionPolicies(policies: readonly RetentionPolicy[]): Promise<RetentionPolicy[]>;
  /** Erase a plate's reads, their media and its list entries (erasure.ts); `plate` normalized. */
  erasePlate(req: ErasureRequest): Promise<ErasureReport>;
}

export interface LifecycleDeps {
  db: Db;
  media: Pick<FileMediaStore, 'erase'>;
  configPolicies: readonly RetentionPolicy[];
  /** EventKind names of this server (core and adapters' kinds). */
  knownKinds: ReadonlySet<string>;
  /** Erasure events per transaction (default 500). */
  erasureBatchSize?: number;
}

export function createLifecycleServices(deps: LifecycleDeps): LifecycleServices {
  const inForce = async () => (await policiesInForce(deps.db, deps.configPolicies)).policies;
  return {
    retentionPolicies: inForce,
    setRetentionPolicies: async (policies) => {
      const problems = policyProblems(policies, deps.knownKinds, 'input');
      if (problems.length) throw badInput(problems.map((p) => p.message).join('; '), { field: problems[0].field });
      await storePolicies(deps.db, policies.map(normalizePolicy));
      return inForce();
    },
    erasePlate: (req) => erasePlate(deps.db, deps.media, req, { batchSize: deps.erasureBatchSize }),
  };
}
