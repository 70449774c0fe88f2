/**
 * exportPlate (contract "Data lifecycle"): a subject access request's download — every read of a
 * plate in [from, to] with its images, as a tar (README "Export"), at a URL on this server that
 * expires. Scope admin; recorded in the audit log like every admin mutation.
 */
import { GraphQLError } from 'graphql';
import { normalizePlate } from '../core/events/model.ts';
import type { DataExportView } from '../core/ports.ts';
import type { Builder } from './builder.ts';
import { ADMIN } from './scopes.ts';

/** Longest plate accepted, as entered and normalized (as plate list entries). */
const PLATE_INPUT_MAX = 100;
const PLATE_MAX = 20;

const bad = (message: string, field: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field } });

export function addDataExportFields(builder: Builder) {
  const DataExport = builder.objectRef<DataExportView>('DataExport').implement({
    description: 'A download built on this server: GET `url` with the same admin API key (Authorization: Bearer) until `expiresAt`.',
    authScopes: ADMIN,
    fields: (t) => ({
      url: t.exposeString('url', { description: 'Path on this server (/exports/{id}/{token}); the token in it is the only copy' }),
      expiresAt: t.field({ type: 'DateTime', description: 'After it the URL answers 404 and the file is deleted (config exports.ttlSec)', resolve: (d) => d.expiresAt }),
      events: t.exposeInt('events', { description: 'Reads in the export' }),
      mediaFiles: t.exposeInt('mediaFiles', { description: 'Image files in the export (each image once)' }),
      bytes: t.field({ type: 'Float', description: 'Size of the archive', resolve: (d) => d.bytes }),
    }),
  });
  const ExportPlateInput = builder.inputType('ExportPlateInput', {
    fields: (t) => ({
      plate: t.string({ required: true, description: `The plate (normalized: case, spaces and dashes ignored; 1..${PLATE_MAX} characters); exact, no prefix or fuzzy match` }),
      from: t.field({ type: 'DateTime', description: 'Reads that occurred at or after it; absent: from the first' }),
      to: t.field({ type: 'DateTime', description: 'Reads that occurred at or before it (inclusive, as EventFilter.to); absent: until now' }),
    }),
  });
  builder.mutationField('exportPlate', (t) =>
    t.field({
      type: DataExport,
      authScopes: ADMIN,
      description:
        'Every stored read of a plate in [from, to] (as EventFilter), with its images, as a tar to download (events.json + media/; README "Export"). At most exports.maxEvents reads (default 10,000) and exports.maxBytes of images (1 GiB): beyond → BAD_USER_INPUT. Scope admin; audited.',
      args: { input: t.arg({ type: ExportPlateInput, required: true }) },
      resolve: (_r, { input }, ctx) => {
        if (input.plate.length > PLATE_INPUT_MAX) throw bad(`input.plate: expected at most ${PLATE_INPUT_MAX} characters, got ${input.plate.length}`, 'plate');
        const plateNormalized = normalizePlate(input.plate);
        if (plateNormalized.length < 1 || plateNormalized.length > PLATE_MAX)
          throw bad(`input.plate: expected 1..${PLATE_MAX} plate characters (separators ignored), got ${plateNormalized.length}`, 'plate');
        const from = input.from ?? null;
        const to = input.to ?? null;
        if (from && to && from.getTime() >= to.getTime()) throw bad('input: from must be before to', 'to');
        return ctx.services.exports.exportPlate({ plateNormalized, from, to }, ctx.auth.open ? null : (ctx.auth.keyId ?? null));
      },
    }),
  );
}
