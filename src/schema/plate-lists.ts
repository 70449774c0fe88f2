/**
 * Plate lists in GraphQL (contract "Plate lists"): the PlateList node, its entries, `plateLists`,
 * the admin mutations createPlateList, deletePlateList, addPlates (upsert by normalized plate,
 * BULK_LIST_FIELDS bound) and removePlates, and PlateReadEvent.listMatches: what the read matched at
 * ingest, as stored with the event. A match keeps the list's name and kind and the entry as they
 * were then, so history reads the same after the entry is removed or the list deleted (`list` is
 * then null).
 */
import { GraphQLError } from 'graphql';
import { normalizePlate } from '../core/events/model.ts';
import type { StoredEvent } from '../core/events/model.ts';
import { BULK_LIST_FIELDS } from '../core/http/list-items.ts';
import { type ListMatch, MAX_LIST_DISTANCE, PLATE_LIST_KINDS, type PlateListKind } from '../core/plates/matcher.ts';
import type { NewEntry, PlateListEntryRecord, PlateListRecord } from '../core/plates/repo.ts';
import { batchLoader, perContext } from './batch-loader.ts';
import type { Builder } from './builder.ts';
import type { CoreTypes } from './core-types.ts';
import { localId } from './ids.ts';
import { connectionOf, MAX_PAGE } from './pagination.ts';
import { ADMIN, READ } from './scopes.ts';
import type { GraphQLContext } from '../core/ports.ts';

/** Entries of one addPlates, plates of one removePlates. */
export const PLATES_PER_CALL = 10_000;
/** Longest normalized plate of an entry; longest plate as entered. */
export const ENTRY_PLATE_MAX = 20;
export const ENTRY_PLATE_INPUT_MAX = 100;
export const ENTRY_LABEL_MAX = 200;
export const LIST_NAME_MAX = 100;

if (BULK_LIST_FIELDS.get('entries') !== PLATES_PER_CALL || BULK_LIST_FIELDS.get('plates') !== PLATES_PER_CALL)
  throw new Error('BULK_LIST_FIELDS (core/http/list-items.ts) must bound entries and plates by PLATES_PER_CALL');

const bad = (message: string, field: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field } });
const listId = (id: string | number) => localId(String(id), (t) => t === 'PlateList');

/** The normalized form of an entry's plate, 1..ENTRY_PLATE_MAX characters. */
function entryPlate(plate: string, field: string): string {
  if (plate.length > ENTRY_PLATE_INPUT_MAX) throw bad(`${field}: expected at most ${ENTRY_PLATE_INPUT_MAX} characters, got ${plate.length}`, field);
  const n = normalizePlate(plate);
  if (n.length < 1 || n.length > ENTRY_PLATE_MAX) throw bad(`${field}: expected 1..${ENTRY_PLATE_MAX} plate characters (separators ignored), got ${n.length}`, field);
  return n;
}

function bulkCount(n: number, field: string) {
  if (n < 1 || n > PLATES_PER_CALL) throw bad(`${field}: expected 1..${PLATES_PER_CALL} per call, got ${n}`, field);
}

/** Per request: lists by id and list sizes, each batched into one read per turn (no N+1 over matches or lists). */
const loaders = perContext((ctx: GraphQLContext) => ({
  list: batchLoader<string, PlateListRecord>(async (ids) => new Map((await ctx.services.plateLists.listsById(ids)).map((l) => [l.id, l]))),
  size: batchLoader<string, number>((ids) => ctx.services.plateLists.sizes(ids)),
}));

/** A match as GraphQL shows it: the stored snapshot (ListMatch). */
type MatchView = ListMatch;

export function addPlateListFields(builder: Builder, refs: CoreTypes) {
  const PlateListKindRef = builder.enumType('PlateListKind', { values: PLATE_LIST_KINDS as unknown as PlateListKind[] });

  const PlateListEntry = builder.objectRef<PlateListEntryRecord>('PlateListEntry').implement({
    description: 'A plate of a list, with its label and validity window (a read matches when validFrom ≤ occurredAt < validTo).',
    fields: (t) => ({
      plate: t.exposeString('plate', { description: 'As entered' }),
      plateNormalized: t.exposeString('plateNormalized', { description: 'Upper case, no separators: the key of the entry in its list' }),
      label: t.string({ nullable: true, resolve: (e) => e.label }),
      validFrom: t.field({ type: 'DateTime', nullable: true, description: 'Inclusive; null: always valid before validTo', resolve: (e) => e.validFrom }),
      validTo: t.field({ type: 'DateTime', nullable: true, description: 'Exclusive; null: no end', resolve: (e) => e.validTo }),
    }),
  });

  const PlateList = builder.objectRef<PlateListRecord>('PlateList');
  builder.node(PlateList, {
    description: 'An ALLOW, DENY or WATCH list of plates; every plate read is matched against it at ingest. Scope events:read.',
    authScopes: READ,
    id: { resolve: (l) => l.id },
    loadOne: async (id, ctx) => (await ctx.services.plateLists.listsById([id]))[0] ?? null,
    isTypeOf: (l) => typeof (l as PlateListRecord).maxDistance === 'number' && 'kind' in (l as object),
    fields: (t) => ({
      name: t.exposeString('name'),
      kind: t.field({ type: PlateListKindRef, resolve: (l) => l.kind }),
      maxDistance: t.exposeInt('maxDistance', { description: 'A read matches an entry when their OCR-aware edit distance (look-alikes free) is at most this (0..3)' }),
      size: t.int({ description: 'Number of entries', resolve: async (l, _a, ctx) => (await loaders(ctx).size(l.id)) ?? 0 }),
      entries: t.connection(
        {
          type: PlateListEntry,
          description: 'Entries ordered by normalized plate.',
          args: { plate: t.arg.string({ description: 'A plate (normalized like entries); a trailing * matches a prefix' }) },
          resolve: async (l, args, ctx) => {
            const first = args.first ?? 100;
            if (first < 0 || first > MAX_PAGE) throw bad(`first: expected 0..${MAX_PAGE}, got ${first}`, 'first');
            let plate: string | null = null;
            if (args.plate != null) {
              const prefix = args.plate.endsWith('*');
              const body = normalizePlate(prefix ? args.plate.slice(0, -1) : args.plate);
              if (!body || body.length > ENTRY_PLATE_MAX) throw bad(`plate: expected 1..${ENTRY_PLATE_MAX} plate characters`, 'plate');
              plate = prefix ? `${body}*` : body;
            }
            if (args.after != null && args.after.length > ENTRY_PLATE_MAX) throw bad('after: not a cursor of this connection', 'after');
            const r = await ctx.services.plateLists.entries(l.id, first, args.after ?? null, plate);
            return connectionOf(r.entries, r.hasNextPage, false, (e) => e.plateNormalized);
          },
        },
        { name: 'PlateListEntryConnection' },
        { name: 'PlateListEntryEdge' },
      ),
    }),
  });

  const PlateListMatch = builder.objectRef<MatchView>('PlateListMatch').implement({
    description: 'A list a plate read matched at ingest, as it was then (name, kind and entry stay as they were after the list changes).',
    fields: (t) => ({
      list: t.field({
        type: PlateList,
        nullable: true,
        description: 'The list now; null when it was deleted since',
        resolve: async (m, _a, ctx) => (await loaders(ctx).list(m.listId)) ?? null,
      }),
      listName: t.string({ description: "The list's name at the read", resolve: (m) => m.listName }),
      kind: t.field({ type: PlateListKindRef, description: "The list's kind at the read", resolve: (m) => m.kind }),
      entry: t.field({
        type: PlateListEntry,
        description: 'The matched entry at the read (it may have been changed or removed since)',
        resolve: (m): PlateListEntryRecord => ({
          listId: m.listId,
          plate: m.entryPlate,
          plateNormalized: normalizePlate(m.entryPlate),
          label: m.entryLabel,
          validFrom: m.entryValidFrom ? new Date(m.entryValidFrom) : null,
          validTo: m.entryValidTo ? new Date(m.entryValidTo) : null,
        }),
      }),
      distance: t.exposeInt('distance', { description: 'OCR-aware edit distance between the read and the entry' }),
    }),
  });

  builder.interfaceFields(refs.PlateReadEvent, (t) => ({
    listMatches: t.field({
      type: [PlateListMatch],
      description: 'The plate lists this read matched at ingest (one per list, closest entry; by distance, then list name)',
      resolve: (ev: StoredEvent) => ev.listMatches ?? [],
    }),
  }));

  builder.queryField('plateLists', (t) =>
    t.field({ type: [PlateList], authScopes: READ, description: 'Plate lists ordered by name. Scope events:read.', resolve: (_r, _a, ctx) => ctx.services.plateLists.lists() }),
  );

  const CreatePlateListInput = builder.inputType('CreatePlateListInput', {
    fields: (t) => ({
      name: t.string({ required: true, description: `Unique, 1..${LIST_NAME_MAX} characters` }),
      kind: t.field({ type: PlateListKindRef, required: true }),
      maxDistance: t.int({
        defaultValue: 0,
        description: `0..${MAX_LIST_DISTANCE}: 0 matches the plate and its OCR look-alikes; 1 also one edit (indexed); 2..3 scan the list at each read (small lists)`,
      }),
    }),
  });
  const PlateListEntryInput = builder.inputType('PlateListEntryInput', {
    fields: (t) => ({
      plate: t.string({ required: true, description: `1..${ENTRY_PLATE_MAX} characters once normalized (case, spaces and dashes ignored)` }),
      label: t.string({ description: `At most ${ENTRY_LABEL_MAX} characters` }),
      validFrom: t.field({ type: 'DateTime', description: 'Inclusive; absent: no start' }),
      validTo: t.field({ type: 'DateTime', description: 'Exclusive, after validFrom; absent: no end' }),
    }),
  });
  const AddPlatesInput = builder.inputType('AddPlatesInput', {
    fields: (t) => ({
      listId: t.id({ required: true }),
      entries: t.field({ type: [PlateListEntryInput], required: true, description: `1..${PLATES_PER_CALL} entries; an entry whose normalized plate is in the list replaces it` }),
    }),
  });
  const RemovePlatesInput = builder.inputType('RemovePlatesInput', {
    fields: (t) => ({
      listId: t.id({ required: true }),
      plates: t.stringList({ required: true, description: `1..${PLATES_PER_CALL} plates (normalized like entries); absent ones are ignored` }),
    }),
  });

  builder.mutationFields((t) => ({
    createPlateList: t.field({
      type: PlateList,
      authScopes: ADMIN,
      description: 'A new, empty plate list. Scope admin.',
      args: { input: t.arg({ type: CreatePlateListInput, required: true }) },
      resolve: (_r, { input }, ctx) => {
        const name = input.name.trim();
        if (name.length < 1 || input.name.length > LIST_NAME_MAX) throw bad(`input.name: expected 1..${LIST_NAME_MAX} characters, got ${input.name.length}`, 'name');
        const maxDistance = input.maxDistance ?? 0;
        if (maxDistance < 0 || maxDistance > MAX_LIST_DISTANCE) throw bad(`input.maxDistance: expected 0..${MAX_LIST_DISTANCE}, got ${maxDistance}`, 'maxDistance');
        return ctx.services.plateLists.create({ name, kind: input.kind, maxDistance });
      },
    }),
    deletePlateList: t.boolean({
      authScopes: ADMIN,
      description: 'Delete a list and its entries; false when there was none. Events keep what they matched. Scope admin.',
      args: { id: t.arg.id({ required: true }) },
      resolve: (_r, { id }, ctx) => ctx.services.plateLists.delete(listId(id)),
    }),
    addPlates: t.field({
      type: PlateList,
      authScopes: ADMIN,
      description: `Add or replace entries (by normalized plate), ${PLATES_PER_CALL} per call; reads from now on are matched against them. Scope admin.`,
      args: { input: t.arg({ type: AddPlatesInput, required: true }) },
      resolve: (_r, { input }, ctx) => {
        bulkCount(input.entries.length, 'input.entries');
        const entries: NewEntry[] = input.entries.map((e, i) => {
          const at = `input.entries[${i}]`;
          const plateNormalized = entryPlate(e.plate, `${at}.plate`);
          if (e.label != null && e.label.length > ENTRY_LABEL_MAX) throw bad(`${at}.label: expected at most ${ENTRY_LABEL_MAX} characters, got ${e.label.length}`, 'label');
          const validFrom = e.validFrom ?? null;
          const validTo = e.validTo ?? null;
          if (validFrom && validTo && validFrom.getTime() >= validTo.getTime()) throw bad(`${at}: validFrom must be before validTo`, 'validTo');
          return { plateNormalized, plate: e.plate.trim(), label: e.label ?? null, validFrom, validTo };
        });
        return ctx.services.plateLists.addPlates(listId(input.listId), entries);
      },
    }),
    removePlates: t.field({
      type: PlateList,
      authScopes: ADMIN,
      description: `Remove entries by plate, ${PLATES_PER_CALL} per call. Events keep what they matched. Scope admin.`,
      args: { input: t.arg({ type: RemovePlatesInput, required: true }) },
      resolve: (_r, { input }, ctx) => {
        bulkCount(input.plates.length, 'input.plates');
        const plates = input.plates.map((p, i) => entryPlate(p, `input.plates[${i}]`));
        return ctx.services.plateLists.removePlates(listId(input.listId), plates);
      },
    }),
  }));
}
