/**
 * Storage gauges on /metrics, read when scraped: free space of each watched directory and whether
 * media are being refused (disk-watermark.ts, its last reading), and usage by adapter instance and
 * event kind (storage-usage.ts, cached for 5 minutes: one aggregate over the event log).
 */
import { Gauge, type Registry } from 'prom-client';
import type { DiskWatermark } from '../media/disk-watermark.ts';
import type { StorageUsageCache, StorageUsageRow } from './storage-usage.ts';

export function registerStorageMetrics(registry: Registry, watermark: DiskWatermark, usage: StorageUsageCache): void {
  new Gauge({
    name: 'storage_free_bytes',
    help: 'Bytes available on the filesystem of MEDIA_DIR / DATA_DIR (last reading, refreshed every few seconds while ingesting)',
    labelNames: ['path'],
    registers: [registry],
    collect() {
      this.reset();
      for (const d of watermark.space().disks) if (d.freeBytes !== null) this.set({ path: d.path }, d.freeBytes);
    },
  });
  new Gauge({
    name: 'storage_media_refused',
    help: '1 while free space is below storage.minFreeBytes: new media are refused, events still stored',
    registers: [registry],
    collect() {
      this.set(watermark.space().low ? 1 : 0);
    },
  });
  const labels = ['adapter', 'instance', 'kind'] as const;
  const byUsage = (name: string, help: string, value: (r: StorageUsageRow) => number) =>
    new Gauge({
      name,
      help,
      labelNames: labels,
      registers: [registry],
      async collect() {
        const rows = await usage.get().catch(() => null);
        if (!rows) return; // the last figures stay
        this.reset();
        for (const r of rows) this.set({ adapter: r.adapter, instance: r.instance, kind: r.kind }, value(r));
      },
    });
  byUsage('storage_events', 'Events stored, per adapter instance and kind (refreshed at most every 5 minutes)', (r) => r.events);
  byUsage('storage_media_bytes', 'Bytes of images referenced by stored events, per adapter instance and kind (refreshed at most every 5 minutes)', (r) => r.mediaBytes);
}
