/**
 * Config `rules:` → rule inputs, and their upsert at start-up. Config names cameras by key (config
 * `cameras[].id`) or by source id (`adapter/instance/vendorId`), sites by key and plate lists by
 * name; the rule service then checks them like an API input. One problem per bad entry, named by
 * its path (`rules[1].actions[0].trigger.cameraId: no camera "gate-nort"`); nothing of it is saved.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { cameras } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { listPlateLists } from '../plates/repo.ts';
import type { RuleAction, RuleOrigin, RuleRecord, RuleWhen } from './model.ts';
import { ruleByName } from './repo.ts';
import type { RuleInput, RuleServices } from './service.ts';

export interface ConfigRule {
  name: string;
  enabled: boolean;
  when: Record<string, unknown> & { cameraIds?: string[]; plateListIds?: string[] };
  actions: Array<Record<string, unknown>>;
  cooldownSec: number;
}

/** The source id of the camera configured with `key`; null when none. */
export async function cameraIdByKey(db: Db, key: string): Promise<string | null> {
  const [r] = await db.select({ id: cameras.id }).from(cameras).where(eq(cameras.cameraKey, key));
  return r?.id ?? null;
}

/** A BAD_USER_INPUT of the service, said of config entry `path`: `input.actions[0]…` → `rules[2].actions[0]…`. */
export function configProblem(path: string, err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (msg.startsWith('input.')) return `${path}.${msg.slice('input.'.length)}`;
  if (msg.startsWith('input:')) return `${path}:${msg.slice('input:'.length)}`;
  return `${path}: ${msg}`;
}

type Service = RuleServices & { createWithOrigin(input: RuleInput, origin: RuleOrigin): Promise<RuleRecord> };

/** Upsert every entry by name (origin config); returns the problems (empty: all saved). */
export async function applyRuleConfig(service: Service, db: Db, entries: readonly ConfigRule[]): Promise<string[]> {
  const problems: string[] = [];
  const seen = new Set<string>();
  const lists = new Map((await listPlateLists(db)).map((l) => [l.name, l.id]));
  const camera = async (id: string) => (id.includes('/') ? id : ((await cameraIdByKey(db, id)) ?? id));
  for (const [i, e] of entries.entries()) {
    const path = `rules[${i}]`;
    if (seen.has(e.name)) {
      problems.push(`${path}.name: another rule is named ${JSON.stringify(e.name)}`);
      continue;
    }
    seen.add(e.name);
    const when: RuleWhen = { ...e.when };
    if (e.when.cameraIds) when.cameraIds = await Promise.all(e.when.cameraIds.map(camera));
    if (e.when.plateListIds) {
      const missing = e.when.plateListIds.findIndex((n) => !lists.has(n));
      if (missing >= 0) {
        problems.push(`${path}.when.plateListIds[${missing}]: no plate list named ${JSON.stringify(e.when.plateListIds[missing])}`);
        continue;
      }
      when.plateListIds = e.when.plateListIds.map((n) => lists.get(n)!);
    }
    const actions: RuleAction[] = [];
    for (const a of e.actions) {
      const [kind, spec] = Object.entries(a)[0] as [string, Record<string, unknown>];
      actions.push({ [kind]: kind === 'sink' ? spec : { ...spec, cameraId: await camera(String(spec.cameraId)) } } as unknown as RuleAction);
    }
    const input: RuleInput = { name: e.name, enabled: e.enabled, when, actions, cooldownSec: e.cooldownSec };
    try {
      const existing = await ruleByName(db, e.name);
      if (existing) await service.update(existing.id, input);
      else await service.createWithOrigin(input, 'config');
    } catch (err) {
      if (err instanceof AppError && err.code === 'BAD_USER_INPUT') problems.push(configProblem(path, err));
      else throw err;
    }
  }
  return problems;
}
