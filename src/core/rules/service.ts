/**
 * Rule management behind GraphQL and config (CoreServices.rules): bounds and references are
 * checked here (BAD_USER_INPUT naming the field), so a rule from config and one from the API are
 * held to the same rules. `from_seq` is set after the rule is committed (the log end then), so the
 * engine, which reads rules after the events of a batch, never passes an event the rule should see.
 * A change is announced on this instance (the engine's compiled filters) and the others (Redis).
 */
import type { Db } from '../db/client.ts';
import { maxSeq } from '../db/event-repo.ts';
import { rules } from '../db/schema.ts';
import { eq } from 'drizzle-orm';
import { badInput, notFound } from '../errors.ts';
import type { CameraRecord } from '../cameras/repo.ts';
import { checkAction, type ActionExecutors } from './executors.ts';
import { RULE_LIMITS } from './limits.ts';
import type { NewRule, RuleAction, RuleOrigin, RuleRecord, RuleRunRecord, RuleUpdate, RuleWhen } from './model.ts';
import { countRules, deleteRule, insertRule, listRuns, listRules, ruleById, updateRule } from './repo.ts';
import { whenToFilter } from './when.ts';

export interface RuleInput {
  name: string;
  enabled: boolean;
  when: RuleWhen;
  actions: RuleAction[];
  cooldownSec: number;
}

export interface RuleServices {
  /** Rules ordered by name. */
  list(): Promise<RuleRecord[]>;
  byId(id: string): Promise<RuleRecord | null>;
  create(input: RuleInput): Promise<RuleRecord>;
  /** Partial: absent fields stay; NOT_FOUND for an unknown rule. Enabling moves from_seq to the log end. */
  update(id: string, patch: Partial<RuleInput>): Promise<RuleRecord>;
  delete(id: string): Promise<boolean>;
  /** Runs newest first; `after` a run id. */
  runs(ruleId: string, first: number, after: bigint | null): Promise<{ runs: RuleRunRecord[]; hasNextPage: boolean }>;
}

export interface RuleServiceDeps {
  db: Db;
  executors: ActionExecutors;
  cameraById(id: string): Promise<CameraRecord | null>;
  siteExists(key: string): Promise<boolean>;
  plateListExists(id: string): Promise<boolean>;
  /** After a change: this instance's engine and the other instances (Redis). */
  changed(): void;
}

/** A MAX bigint: the engine acts on nothing of a rule until its from_seq is set after the commit. */
const NOT_YET = 2n ** 63n - 1n;

export function createRuleService(d: RuleServiceDeps): RuleServices & { createWithOrigin(input: RuleInput, origin: RuleOrigin): Promise<RuleRecord> } {
  const checkName = (name: unknown): string => {
    const n = typeof name === 'string' ? name.trim() : '';
    if (n.length < 1 || n.length > RULE_LIMITS.nameMax) throw badInput(`input.name: expected 1..${RULE_LIMITS.nameMax} characters`, { field: 'name' });
    return n;
  };
  const checkCooldown = (s: unknown): number => {
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s > RULE_LIMITS.cooldownMaxSec)
      throw badInput(`input.cooldownSec: expected a whole number 0..${RULE_LIMITS.cooldownMaxSec}, got ${String(s)}`, { field: 'cooldownSec' });
    return s;
  };
  const checkActions = async (actions: unknown): Promise<RuleAction[]> => {
    if (!Array.isArray(actions) || actions.length < 1 || actions.length > RULE_LIMITS.actionsMax)
      throw badInput(`input.actions: expected 1..${RULE_LIMITS.actionsMax} actions, got ${Array.isArray(actions) ? actions.length : 'none'}`, { field: 'actions' });
    const out: RuleAction[] = [];
    for (let i = 0; i < actions.length; i++) out.push(await checkAction(d.executors, actions[i] as RuleAction, `input.actions[${i}]`));
    return out;
  };
  /** References in `when` must exist (cameras, sites, plate lists). Returns it with cameras resolved to the logical camera's id. */
  const checkWhen = async (when: unknown): Promise<RuleWhen> => {
    if (!when || typeof when !== 'object' || Array.isArray(when)) throw badInput('input.when: expected an EventFilter', { field: 'when' });
    const w = { ...(when as RuleWhen) };
    const f = whenToFilter(w);
    if (f.cameraIds) {
      const resolved: string[] = [];
      for (const [i, id] of f.cameraIds.entries()) {
        const cam = await d.cameraById(id);
        if (!cam) throw badInput(`input.when.cameraIds[${i}]: no camera ${JSON.stringify(id.slice(0, 100))}`, { field: `when.cameraIds[${i}]` });
        resolved.push(cam.id);
      }
      w.cameraIds = resolved;
    }
    for (const [i, key] of (f.siteKeys ?? []).entries())
      if (!(await d.siteExists(key))) throw badInput(`input.when.siteIds[${i}]: no site ${JSON.stringify(key.slice(0, 100))}`, { field: `when.siteIds[${i}]` });
    for (const [i, id] of (f.plateListIds ?? []).entries())
      if (!(await d.plateListExists(id))) throw badInput(`input.when.plateListIds[${i}]: no plate list ${JSON.stringify(id.slice(0, 100))}`, { field: `when.plateListIds[${i}]` });
    return JSON.parse(JSON.stringify(w)) as RuleWhen; // dates as ISO text, as stored
  };
  /** from_seq = the log end now that the rule (or its enabling) is committed. */
  const startFromLogEnd = async (id: string) => {
    const end = await maxSeq(d.db);
    await d.db.update(rules).set({ fromSeq: end }).where(eq(rules.id, id));
  };
  const mustGet = async (id: string) => {
    const r = await ruleById(d.db, id);
    if (!r) throw notFound(`rule ${JSON.stringify(id.slice(0, 100))} not found`);
    return r;
  };

  return {
    list: () => listRules(d.db),
    byId: (id) => ruleById(d.db, id),
    create: (input) => createWithOrigin(input, 'api'),
    createWithOrigin: (input, origin) => createWithOrigin(input, origin),
    async update(id, patch) {
      const current = await mustGet(id);
      const update: RuleUpdate = {};
      if (patch.name != null) update.name = checkName(patch.name);
      if (patch.enabled != null) update.enabled = patch.enabled;
      if (patch.when != null) update.when = await checkWhen(patch.when);
      if (patch.actions != null) update.actions = await checkActions(patch.actions);
      if (patch.cooldownSec != null) update.cooldownSec = checkCooldown(patch.cooldownSec);
      const enabling = update.enabled === true && !current.enabled;
      const r = await updateRule(d.db, id, update, enabling ? NOT_YET : null);
      if (!r) throw notFound(`rule ${JSON.stringify(id.slice(0, 100))} not found`);
      if (enabling) await startFromLogEnd(id);
      d.changed();
      return mustGet(id);
    },
    async delete(id) {
      const gone = await deleteRule(d.db, id);
      if (gone) d.changed();
      return gone;
    },
    runs: (ruleId, first, after) => listRuns(d.db, ruleId, first, after),
  };

  async function createWithOrigin(input: RuleInput, origin: RuleOrigin): Promise<RuleRecord> {
    const rule: NewRule = {
      name: checkName(input.name),
      enabled: input.enabled !== false,
      when: await checkWhen(input.when),
      actions: await checkActions(input.actions),
      cooldownSec: checkCooldown(input.cooldownSec ?? 0),
      origin,
    };
    if ((await countRules(d.db)) >= RULE_LIMITS.rulesMax) throw badInput(`input: at most ${RULE_LIMITS.rulesMax} rules; delete one first`, { field: 'name' });
    const r = await insertRule(d.db, rule, NOT_YET);
    await startFromLogEnd(r.id);
    d.changed();
    return mustGet(r.id);
  }
}
