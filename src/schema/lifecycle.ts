/**
 * Data lifecycle in GraphQL (contract "Data lifecycle"): retentionPolicies and
 * setRetentionPolicies, erasePlate and its ErasureReport (all scope admin), and Media.expiredAt.
 * Validation of policies lives in core (core/lifecycle/policy.ts), shared with the config.
 */
import { GraphQLError } from 'graphql';
import { normalizePlate } from '../core/events/model.ts';
import type { ErasureReport } from '../core/lifecycle/erasure.ts';
import { MAX_POLICIES, type RetentionPolicy } from '../core/lifecycle/policy.ts';
import type { Builder } from './builder.ts';
import type { CoreTypes } from './core-types.ts';
import { localId } from './ids.ts';
import { ADMIN } from './scopes.ts';

/** Longest normalized plate erasePlate takes, and as typed. */
export const ERASE_PLATE_MAX = 20;
export const ERASE_PLATE_INPUT_MAX = 100;

const bad = (message: string, field: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field } });

export function addLifecycleFields(builder: Builder, refs: CoreTypes) {
  builder.objectFields(refs.Media, (t) => ({
    expiredAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the bytes went while the event remained (retention media expiry); `url` then answers 410 Gone. Null while they are served.',
      resolve: (m) => (m.expiredAt ? new Date(m.expiredAt) : null),
    }),
  }));

  const RetentionPolicyRef = builder.objectRef<RetentionPolicy>('RetentionPolicy').implement({
    description:
      'Which events are kept how long, and their media how long (first matching policy wins; a policy with neither keeps what it matches). Ages from occurredAt. Lists combine with AND, items within a list with OR; an absent list matches everything.',
    fields: (t) => ({
      kinds: t.stringList({ nullable: true, description: 'EventKind names', resolve: (p) => p.kinds ?? null }),
      siteIds: t.stringList({ nullable: true, description: 'Site ids (config `sites[].id`)', resolve: (p) => p.siteIds ?? null }),
      adapters: t.stringList({ nullable: true, description: 'Adapter types (`ff`) or instances (`ff/default`)', resolve: (p) => p.adapters ?? null }),
      cameraIds: t.stringList({ nullable: true, description: 'Configured camera ids or internal ids; a linked camera means all its sources', resolve: (p) => p.cameraIds ?? null }),
      events: t.string({ nullable: true, description: 'How long events are kept, e.g. 30d or 12h; null: for ever', resolve: (p) => p.events ?? null }),
      media: t.string({ nullable: true, description: 'How long their media are kept (at most `events`); null: as long as the event', resolve: (p) => p.media ?? null }),
    }),
  });
  const RetentionPolicyInput = builder.inputType('RetentionPolicyInput', {
    fields: (t) => ({
      kinds: t.stringList({ description: 'EventKind names' }),
      siteIds: t.stringList({ description: 'Site ids (config `sites[].id`, or Site ids)' }),
      adapters: t.stringList({ description: 'Adapter types (`ff`) or instances (`ff/default`)' }),
      cameraIds: t.stringList({ description: 'Configured camera ids, internal ids or Camera ids' }),
      events: t.string({ description: 'A duration: whole hours or days, 1h..36500d (12h, 30d)' }),
      media: t.string({ description: 'A duration, at most `events`' }),
    }),
  });
  const ErasePlateInput = builder.inputType('ErasePlateInput', {
    fields: (t) => ({
      plate: t.string({ required: true, description: `The plate (case, spaces and dashes ignored), 1..${ERASE_PLATE_MAX} characters` }),
      from: t.field({ type: 'DateTime', description: 'Reads at or after (occurredAt); absent: from the first' }),
      to: t.field({ type: 'DateTime', description: 'Reads at or before (occurredAt); absent: to the last' }),
      fuzzy: t.boolean({ defaultValue: false, description: 'Also reads (and list entries) within OCR-aware distance 1, as EventFilter.plateFuzzy finds them' }),
    }),
  });
  const ErasureReportRef = builder.objectRef<ErasureReport>('ErasureReport').implement({
    description: 'What erasePlate deleted (a repeated call reports what was left: 0 when the first finished).',
    fields: (t) => ({
      events: t.exposeInt('events', { description: 'Plate reads deleted' }),
      media: t.exposeInt('media', { description: 'Images deleted, their bytes overwritten' }),
      listEntries: t.exposeInt('listEntries', { description: 'Plate list entries deleted' }),
    }),
  });

  builder.queryField('retentionPolicies', (t) =>
    t.field({
      type: [RetentionPolicyRef],
      authScopes: ADMIN,
      description: 'The retention policies in force, in order: those set by setRetentionPolicies, else the config `retention:` list. Scope admin.',
      resolve: (_r, _a, ctx) => ctx.services.lifecycle.retentionPolicies(),
    }),
  );

  builder.mutationFields((t) => ({
    setRetentionPolicies: t.field({
      type: [RetentionPolicyRef],
      authScopes: ADMIN,
      description: `Replace the retention policies (at most ${MAX_POLICIES}; stored, on every instance, over the config's); an empty list returns to the config's. Applies from the next pass. Scope admin.`,
      args: { input: t.arg({ type: [RetentionPolicyInput], required: true }) },
      resolve: (_r, { input }, ctx) => {
        if (input.length > MAX_POLICIES) throw bad(`input: expected at most ${MAX_POLICIES} policies, got ${input.length}`, 'input');
        const policies: RetentionPolicy[] = input.map((p) => ({
          kinds: p.kinds ?? null,
          siteIds: p.siteIds?.map((id) => localId(id, (tn) => tn === 'Site')) ?? null,
          adapters: p.adapters ?? null,
          cameraIds: p.cameraIds?.map((id) => localId(id, (tn) => tn === 'Camera')) ?? null,
          events: p.events ?? null,
          media: p.media ?? null,
        }));
        return ctx.services.lifecycle.setRetentionPolicies(policies);
      },
    }),
    erasePlate: t.field({
      type: ErasureReportRef,
      authScopes: ADMIN,
      description: 'Delete every read of a plate within [from, to], its images (bytes overwritten) and its plate list entries. Idempotent: call again after an interruption to finish. Scope admin.',
      args: { input: t.arg({ type: ErasePlateInput, required: true }) },
      resolve: (_r, { input }, ctx) => {
        if (input.plate.length > ERASE_PLATE_INPUT_MAX) throw bad(`input.plate: expected at most ${ERASE_PLATE_INPUT_MAX} characters, got ${input.plate.length}`, 'plate');
        const plate = normalizePlate(input.plate);
        if (plate.length < 1 || plate.length > ERASE_PLATE_MAX) throw bad(`input.plate: expected 1..${ERASE_PLATE_MAX} plate characters (separators ignored), got ${plate.length}`, 'plate');
        if (input.from && input.to && input.from.getTime() > input.to.getTime()) throw bad('input.from: must not be after input.to', 'from');
        return ctx.services.lifecycle.erasePlate({ plate, from: input.from ?? null, to: input.to ?? null, fuzzy: input.fuzzy ?? false });
      },
    }),
  }));
}
