/**
 * Rules in GraphQL (contract "Rules"), every field scope admin: the Rule node with its runs, the
 * `rules` query and createRule / updateRule (partial) / deleteRule. `when` is an EventFilter,
 * checked like a query's filter and kept as the client gave it (Rule.when shows it back).
 * RuleActionInput is a @oneOf input (trigger | createEvent | sink); the RuleAction output mirrors
 * it: exactly one of its fields is set. Bounds (core/rules/limits.ts) and references (cameras with
 * the capability, sites, plate lists, sinks) are checked by the rule service: BAD_USER_INPUT naming
 * the field (`input.actions[0].trigger.cameraId`).
 */
import { GraphQLError } from 'graphql';
import type { CameraRecord } from '../core/cameras/repo.ts';
import { AppError } from '../core/errors.ts';
import type { GraphQLContext } from '../core/ports.ts';
import { RULE_LIMITS, RULE_RETRY } from '../core/rules/limits.ts';
import { type CameraActionSpec, RUN_STATUSES, type RuleAction, type RuleRecord, type RuleRunRecord, type RuleWhen, type RunStatus, type SinkActionSpec } from '../core/rules/model.ts';
import type { RuleInput } from '../core/rules/service.ts';
import { encodeGlobalId } from '../core/util/global-id.ts';
import type { Builder, EventFilterInput } from './builder.ts';
import type { CoreTypes } from './core-types.ts';
import { localId } from './ids.ts';
import { connectionOf, MAX_PAGE } from './pagination.ts';
import { ADMIN } from './scopes.ts';

const bad = (message: string, field: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field } });
const ruleId = (id: string | number) => localId(String(id), (t) => t === 'Rule');

interface CameraActionInput {
  cameraId: string | number;
  type: string;
  meta?: unknown;
}
interface RuleActionInputShape {
  trigger?: CameraActionInput | null;
  createEvent?: CameraActionInput | null;
  sink?: { sinkId: string | number } | null;
}

/** `when` checked like a query's filter (bounds, plates), then kept as given (JSON). */
function checkedWhen(refs: CoreTypes, when: EventFilterInput): RuleWhen {
  try {
    refs.toEventFilter(when);
  } catch (e) {
    if (e instanceof GraphQLError || (e instanceof AppError && e.code === 'BAD_USER_INPUT')) {
      const message = e.message.replace(/^filter\./, 'input.when.');
      throw bad(message.startsWith('input.when.') ? message : `input.when: ${message}`, 'when');
    }
    throw e;
  }
  return JSON.parse(JSON.stringify(when)) as RuleWhen;
}

function toActions(actions: readonly RuleActionInputShape[]): RuleAction[] {
  return actions.map((a) => {
    const cam = (c: CameraActionInput): CameraActionSpec => ({ cameraId: String(c.cameraId), type: c.type, meta: (c.meta ?? null) as CameraActionSpec['meta'] });
    if (a.trigger) return { trigger: cam(a.trigger) };
    if (a.createEvent) return { createEvent: cam(a.createEvent) };
    if (a.sink) return { sink: { sinkId: String(a.sink.sinkId) } };
    return {} as RuleAction; // the service answers BAD_USER_INPUT naming the action
  });
}

export function addRuleFields(builder: Builder, refs: CoreTypes) {
  const RunStatusRef = builder.enumType('RuleRunStatus', { values: RUN_STATUSES as unknown as RunStatus[] });

  const RuleCameraAction = builder.objectRef<CameraActionSpec>('RuleCameraAction').implement({
    description: 'A trigger or createEvent on a camera, dispatched to its first source with the capability (whatever the vendor).',
    authScopes: ADMIN,
    fields: (t) => ({
      cameraId: t.id({ description: 'Camera.id', resolve: (a) => encodeGlobalId('Camera', a.cameraId) }),
      camera: t.field({
        type: refs.Camera,
        nullable: true,
        description: 'null when the camera no longer exists',
        resolve: (a, _x, ctx) => ctx.services.cameraById(a.cameraId) as Promise<CameraRecord | null>,
      }),
      type: t.exposeString('type', { description: "The vendor's event type, e.g. io_alarm" }),
      meta: t.field({ type: 'JSON', nullable: true, resolve: (a) => a.meta ?? null }),
    }),
  });
  const RuleSinkAction = builder.objectRef<SinkActionSpec>('RuleSinkAction').implement({
    description: 'Deliver the event to an outbound sink.',
    authScopes: ADMIN,
    fields: (t) => ({ sinkId: t.id({ resolve: (a) => a.sinkId }) }),
  });
  const RuleActionRef = builder.objectRef<RuleAction>('RuleAction').implement({
    description: 'One action of a rule: exactly one field is set (as in RuleActionInput).',
    authScopes: ADMIN,
    fields: (t) => ({
      trigger: t.field({ type: RuleCameraAction, nullable: true, resolve: (a) => ('trigger' in a ? a.trigger : null) }),
      createEvent: t.field({ type: RuleCameraAction, nullable: true, resolve: (a) => ('createEvent' in a ? a.createEvent : null) }),
      sink: t.field({ type: RuleSinkAction, nullable: true, resolve: (a) => ('sink' in a ? a.sink : null) }),
    }),
  });

  const RuleRun = builder.objectRef<RuleRunRecord>('RuleRun').implement({
    description: `One action of a rule on one event. PENDING while it runs or waits for a retry (up to ${RULE_RETRY.maxAttempts} attempts over about two minutes), then SUCCEEDED or FAILED (error says why); SKIPPED in the rule's cooldown. Scope admin.`,
    authScopes: ADMIN,
    fields: (t) => ({
      id: t.id({ resolve: (r) => encodeGlobalId('RuleRun', r.id) }),
      event: t.field({ type: refs.Event, nullable: true, description: 'null when the event is gone (retention)', resolve: (r, _a, ctx) => ctx.services.eventBySeq(r.eventSeq) }),
      action: t.int({ description: 'Index of the action in Rule.actions', resolve: (r) => r.action }),
      status: t.field({ type: RunStatusRef, resolve: (r) => r.status }),
      attempts: t.exposeInt('attempts'),
      error: t.string({ nullable: true, description: 'The last failure, or why it was skipped', resolve: (r) => r.error }),
      nextAttemptAt: t.field({ type: 'DateTime', nullable: true, description: 'When a PENDING run is attempted (again)', resolve: (r) => (r.status === 'PENDING' ? r.nextAttemptAt : null) }),
      at: t.field({ type: 'DateTime', description: 'When the run was created or last attempted', resolve: (r) => r.at }),
    }),
  });

  const Rule = builder.objectRef<RuleRecord>('Rule');
  builder.node(Rule, {
    description: 'When an event matches `when`, act: each (rule, event) acts at most once, in log order, from a stored cursor. Scope admin.',
    authScopes: ADMIN,
    id: { resolve: (r) => r.id },
    loadOne: (id, ctx) => ctx.services.rules.byId(id),
    isTypeOf: (r) => typeof (r as RuleRecord).cooldownSec === 'number' && 'actions' in (r as object),
    fields: (t) => ({
      name: t.exposeString('name'),
      enabled: t.exposeBoolean('enabled'),
      when: t.field({ type: 'JSON', description: 'The EventFilter as given', resolve: (r) => r.when }),
      actions: t.field({ type: [RuleActionRef], resolve: (r) => r.actions }),
      cooldownSec: t.exposeInt('cooldownSec', { description: "After firing for a camera, the rule's events of that camera within this many seconds (by occurredAt) are SKIPPED" }),
      lastFiredAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => r.lastFiredAt }),
      origin: t.string({ description: 'config or api', resolve: (r) => r.origin }),
      runs: t.connection(
        {
          type: RuleRun,
          description: 'Runs, newest first.',
          resolve: async (r, args, ctx) => {
            const first = args.first ?? 20;
            if (first < 0 || first > MAX_PAGE) throw bad(`first: expected 0..${MAX_PAGE}, got ${first}`, 'first');
            let after: bigint | null = null;
            if (args.after != null) {
              if (!/^\d{1,19}$/.test(args.after)) throw bad('after: not a cursor of this connection', 'after');
              after = BigInt(args.after);
            }
            const page = await ctx.services.rules.runs(r.id, first, after);
            return connectionOf(page.runs, page.hasNextPage, false, (run) => run.id.toString());
          },
        },
        { name: 'RuleRunConnection' },
        { name: 'RuleRunEdge' },
      ),
    }),
  });

  builder.queryField('rules', (t) => t.field({ type: [Rule], authScopes: ADMIN, description: 'Rules ordered by name. Scope admin.', resolve: (_r, _a, ctx) => ctx.services.rules.list() }));

  const RuleCameraActionInput = builder.inputType('RuleCameraActionInput', {
    fields: (t) => ({
      cameraId: t.id({ required: true, description: 'A camera having the capability (TRIGGER_EVENT for trigger, CREATE_EVENT for createEvent) on one of its sources' }),
      type: t.string({ required: true, description: `The vendor's event type, 1..${RULE_LIMITS.typeMax} characters` }),
      meta: t.field({ type: 'JSON', description: `A JSON object, at most ${RULE_LIMITS.metaMaxBytes} bytes` }),
    }),
  });
  const RuleSinkActionInput = builder.inputType('RuleSinkActionInput', { fields: (t) => ({ sinkId: t.id({ required: true }) }) });
  const RuleActionInput = builder.inputType('RuleActionInput', {
    description: 'Exactly one of trigger, createEvent, sink.',
    isOneOf: true,
    fields: (t) => ({
      trigger: t.field({ type: RuleCameraActionInput }),
      createEvent: t.field({ type: RuleCameraActionInput }),
      sink: t.field({ type: RuleSinkActionInput, description: 'Needs the sinks feature' }),
    }),
  });
  const CreateRuleInput = builder.inputType('CreateRuleInput', {
    fields: (t) => ({
      name: t.string({ required: true, description: `Unique, 1..${RULE_LIMITS.nameMax} characters` }),
      enabled: t.boolean({ defaultValue: true }),
      when: t.field({ type: refs.EventFilter, required: true, description: 'Events the rule acts on (cameras, sites and plate lists must exist)' }),
      actions: t.field({ type: [RuleActionInput], required: true, description: `1..${RULE_LIMITS.actionsMax} actions, run in order for each matching event` }),
      cooldownSec: t.int({ defaultValue: 0, description: `0..${RULE_LIMITS.cooldownMaxSec}: per camera, by the events' occurredAt` }),
    }),
  });
  const UpdateRuleInput = builder.inputType('UpdateRuleInput', {
    description: 'Fields left out stay as they are. Enabling a disabled rule acts on events from then on.',
    fields: (t) => ({
      id: t.id({ required: true }),
      name: t.string(),
      enabled: t.boolean(),
      when: t.field({ type: refs.EventFilter }),
      actions: t.field({ type: [RuleActionInput] }),
      cooldownSec: t.int(),
    }),
  });

  const rules = (ctx: GraphQLContext) => ctx.services.rules;
  builder.mutationFields((t) => ({
    createRule: t.field({
      type: Rule,
      authScopes: ADMIN,
      description: `A new rule; it acts on events stored from now on. At most ${RULE_LIMITS.rulesMax} rules. Scope admin.`,
      args: { input: t.arg({ type: CreateRuleInput, required: true }) },
      resolve: (_r, { input }, ctx) => {
        const rule: RuleInput = {
          name: input.name,
          enabled: input.enabled ?? true,
          when: checkedWhen(refs, input.when as EventFilterInput),
          actions: toActions(input.actions as RuleActionInputShape[]),
          cooldownSec: input.cooldownSec ?? 0,
        };
        return rules(ctx).create(rule);
      },
    }),
    updateRule: t.field({
      type: Rule,
      authScopes: ADMIN,
      description: 'Change a rule (partial). Scope admin.',
      args: { input: t.arg({ type: UpdateRuleInput, required: true }) },
      resolve: (_r, { input }, ctx) => {
        const patch: Partial<RuleInput> = {};
        if (input.name != null) patch.name = input.name;
        if (input.enabled != null) patch.enabled = input.enabled;
        if (input.when != null) patch.when = checkedWhen(refs, input.when as EventFilterInput);
        if (input.actions != null) patch.actions = toActions(input.actions as RuleActionInputShape[]);
        if (input.cooldownSec != null) patch.cooldownSec = input.cooldownSec;
        return rules(ctx).update(ruleId(input.id), patch);
      },
    }),
    deleteRule: t.boolean({
      authScopes: ADMIN,
      description: 'Delete a rule and its runs; false when there was none. Scope admin.',
      args: { id: t.arg.id({ required: true }) },
      resolve: (_r, { id }, ctx) => rules(ctx).delete(ruleId(id)),
    }),
  }));
}
