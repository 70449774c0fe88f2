/**
 * Disk usage and free space for operators (contract "Data lifecycle"; names ours): `storageUsage`
 * (events and image bytes per adapter instance and event kind) and `diskSpace` (free space of
 * MEDIA_DIR and DATA_DIR against storage.minFreeBytes). Scope admin.
 */
import type { DiskSpace } from '../core/media/disk-watermark.ts';
import type { StorageUsageRow } from '../core/ops/storage-usage.ts';
import type { Builder } from './builder.ts';
import { ADMIN } from './scopes.ts';

interface DiskView extends DiskSpace {
  minFreeBytes: number;
  low: boolean;
}

export function addStorageFields(builder: Builder) {
  const StorageUsage = builder.objectRef<StorageUsageRow>('StorageUsage').implement({
    description: 'What one adapter instance stored for one event kind.',
    authScopes: ADMIN,
    fields: (t) => ({
      adapter: t.exposeString('adapter'),
      instance: t.exposeString('instance'),
      kind: t.exposeString('kind', { description: 'EventKind name' }),
      events: t.field({ type: 'Float', resolve: (r) => r.events }),
      mediaBytes: t.field({
        type: 'Float',
        description: 'Bytes of the images these events reference (an image shared by two events counts twice; the store keeps it once); expired media not counted',
        resolve: (r) => r.mediaBytes,
      }),
    }),
  });
  const Disk = builder.objectRef<DiskView>('DiskSpace').implement({
    description: 'Free space of a directory the server writes to (MEDIA_DIR, DATA_DIR).',
    authScopes: ADMIN,
    fields: (t) => ({
      path: t.exposeString('path'),
      freeBytes: t.field({ type: 'Float', nullable: true, description: 'Available to the server; null when it could not be read (see error)', resolve: (d) => d.freeBytes }),
      totalBytes: t.field({ type: 'Float', nullable: true, resolve: (d) => d.totalBytes }),
      minFreeBytes: t.field({ type: 'Float', description: 'storage.minFreeBytes (0: watermark off)', resolve: (d) => d.minFreeBytes }),
      mediaRefused: t.boolean({ description: 'True when this directory is below the watermark: new images are refused, events are still stored', resolve: (d) => d.low }),
      error: t.string({ nullable: true, resolve: (d) => d.error ?? null }),
    }),
  });
  builder.queryFields((t) => ({
    storageUsage: t.field({
      type: [StorageUsage],
      authScopes: ADMIN,
      description:
        'Events and image bytes per adapter instance and event kind, read now (one aggregate over the event log: not for tight polling; /metrics has the same figures, cached). Scope admin.',
      resolve: (_r, _a, ctx) => ctx.services.storage.usage(),
    }),
    diskSpace: t.field({
      type: [Disk],
      authScopes: ADMIN,
      description: 'Free space of MEDIA_DIR and DATA_DIR, read now, against storage.minFreeBytes. Scope admin.',
      resolve: async (_r, _a, ctx) => {
        const s = await ctx.services.storage.disks();
        return s.disks.map((d) => ({ ...d, minFreeBytes: s.minFreeBytes, low: s.minFreeBytes > 0 && d.freeBytes !== null && d.freeBytes < s.minFreeBytes }));
      },
    }),
  }));
}
