/**
 * What each action kind does, in a small registry keyed by kind: `check` when a rule is saved
 * (BAD_USER_INPUT naming the field), `run` when it fires. trigger / createEvent dispatch by
 * capability to the camera's first capable source (a linked camera: whatever the vendor) with the
 * run's idempotency key; sink hands the event to the sinks feature through RuleSinkPort, which is
 * optional: without it a sink action is refused when saved.
 */
import type { CameraRecord, DeviceRecord } from '../cameras/repo.ts';
import { AppError, badInput } from '../errors.ts';
import type { StoredEvent } from '../events/model.ts';
import type { TriggerInput } from '../adapter/types.ts';
import { RULE_LIMITS } from './limits.ts';
import { actionKind, type CameraActionSpec, type RuleAction, type RuleActionKind, type RuleRecord, type RuleRunRecord, type SinkActionSpec } from './model.ts';

/** The sinks feature as rules use it (plugged in by the composition root when sinks exist). */
export interface RuleSinkPort {
  exists(sinkId: string): Promise<boolean>;
  /** Deliver `event` to the sink; `messageId` is stable per rule, event and action (dedupe on it). */
  deliver(sinkId: string, event: StoredEvent, messageId: string): Promise<void>;
}

export interface ExecutorDeps {
  /** The logical camera by internal or global id; null when unknown. */
  cameraById(id: string): Promise<CameraRecord | null>;
  sourceFor(camera: CameraRecord, capability: 'TRIGGER_EVENT' | 'CREATE_EVENT'): DeviceRecord | null;
  dispatch(capability: 'TRIGGER_EVENT' | 'CREATE_EVENT', camera: CameraRecord, input: TriggerInput): Promise<unknown>;
  sinks?: RuleSinkPort;
}

export interface ActionContext {
  rule: RuleRecord;
  event: StoredEvent;
  run: RuleRunRecord;
}

export interface ActionExecutor<S> {
  /** Validate and resolve a saved action (e.g. camera global id → internal id). `field`: `input.actions[i].<kind>`. */
  check(spec: S, field: string): Promise<S>;
  run(spec: S, ctx: ActionContext): Promise<void>;
}

const TYPE = /^[A-Za-z0-9_.:-]+$/;

function cameraAction(deps: ExecutorDeps, capability: 'TRIGGER_EVENT' | 'CREATE_EVENT'): ActionExecutor<CameraActionSpec> {
  return {
    async check(spec, field) {
      if (typeof spec.type !== 'string' || spec.type.length < 1 || spec.type.length > RULE_LIMITS.typeMax || !TYPE.test(spec.type))
        throw badInput(`${field}.type: expected 1..${RULE_LIMITS.typeMax} letters, digits, "_", ".", ":" or "-"`, { field: `${field}.type` });
      if (spec.meta != null) {
        if (typeof spec.meta !== 'object' || Array.isArray(spec.meta)) throw badInput(`${field}.meta: expected a JSON object`, { field: `${field}.meta` });
        const bytes = Buffer.byteLength(JSON.stringify(spec.meta));
        if (bytes > RULE_LIMITS.metaMaxBytes) throw badInput(`${field}.meta: at most ${RULE_LIMITS.metaMaxBytes} bytes of JSON, got ${bytes}`, { field: `${field}.meta` });
      }
      const camera = typeof spec.cameraId === 'string' && spec.cameraId.length <= 500 ? await deps.cameraById(spec.cameraId) : null;
      if (!camera) throw badInput(`${field}.cameraId: no camera ${JSON.stringify(String(spec.cameraId).slice(0, 100))}`, { field: `${field}.cameraId` });
      if (!deps.sourceFor(camera, capability)) throw badInput(`${field}.cameraId: camera ${camera.name} does not support ${capability}`, { field: `${field}.cameraId` });
      return { cameraId: camera.id, type: spec.type, meta: spec.meta ?? null };
    },
    async run(spec, ctx) {
      const camera = await deps.cameraById(spec.cameraId);
      if (!camera) throw new AppError('NOT_FOUND', `camera ${spec.cameraId} no longer exists`);
      const source = deps.sourceFor(camera, capability);
      if (!source) throw new AppError('UNSUPPORTED_CAPABILITY', `camera ${camera.name} no longer has a source with ${capability}`);
      await deps.dispatch(capability, source, { cameraVendorId: source.vendorId, type: spec.type, meta: spec.meta ?? undefined, idempotencyKey: ctx.run.idempotencyKey });
    },
  };
}

function sinkAction(deps: ExecutorDeps): ActionExecutor<SinkActionSpec> {
  return {
    async check(spec, field) {
      if (!deps.sinks) throw badInput(`${field}: sink actions need the sinks feature`, { field });
      if (typeof spec.sinkId !== 'string' || spec.sinkId.length < 1 || spec.sinkId.length > RULE_LIMITS.sinkIdMax)
        throw badInput(`${field}.sinkId: expected 1..${RULE_LIMITS.sinkIdMax} characters`, { field: `${field}.sinkId` });
      if (!(await deps.sinks.exists(spec.sinkId))) throw badInput(`${field}.sinkId: no sink ${JSON.stringify(spec.sinkId.slice(0, 100))}`, { field: `${field}.sinkId` });
      return { sinkId: spec.sinkId };
    },
    async run(spec, ctx) {
      if (!deps.sinks) throw new AppError('UNSUPPORTED_CAPABILITY', 'sink actions need the sinks feature, which is not running');
      await deps.sinks.deliver(spec.sinkId, ctx.event, ctx.run.idempotencyKey);
    },
  };
}

export type ActionExecutors = { [K in RuleActionKind]: ActionExecutor<Extract<RuleAction, Record<K, unknown>>[K]> };

export function actionExecutors(deps: ExecutorDeps): ActionExecutors {
  return { trigger: cameraAction(deps, 'TRIGGER_EVENT'), createEvent: cameraAction(deps, 'CREATE_EVENT'), sink: sinkAction(deps) };
}

/** Check one action (exactly one kind set) and return it resolved. */
export async function checkAction(executors: ActionExecutors, action: RuleAction, field: string): Promise<RuleAction> {
  const kinds = Object.keys(action ?? {}).filter((k) => (action as Record<string, unknown>)[k] != null);
  if (kinds.length !== 1 || !(kinds[0]! in executors)) throw badInput(`${field}: set exactly one of ${Object.keys(executors).join(', ')} (got ${kinds.join(', ') || 'none'})`, { field });
  const kind = kinds[0] as RuleActionKind;
  const spec = (action as Record<string, unknown>)[kind];
  const checked = await (executors[kind] as ActionExecutor<unknown>).check(spec, `${field}.${kind}`);
  return { [kind]: checked } as RuleAction;
}

export function runAction(executors: ActionExecutors, action: RuleAction, ctx: ActionContext): Promise<void> {
  const kind = actionKind(action);
  return (executors[kind] as ActionExecutor<unknown>).run((action as Record<string, unknown>)[kind], ctx);
}
