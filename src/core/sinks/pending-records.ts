/**
 * Delivery records waiting to be written (pure): the records of a new batch merged into those not yet
 * written, one per seq (a later outcome replaces an earlier one and their attempts add up, as the
 * upsert in repo.ts does), and only the newest `kept` by seq, since the store keeps no more per sink:
 * an older one would be trimmed by the very write that carries it. Records of one sink.
 */
import type { DeliveryRecord } from './repo.ts';

export function mergePendingRecords(pending: readonly DeliveryRecord[], next: readonly DeliveryRecord[], kept: number): DeliveryRecord[] {
  const bySeq = new Map<bigint, DeliveryRecord>();
  for (const r of pending) bySeq.set(r.seq, r);
  for (const r of next) {
    const before = bySeq.get(r.seq);
    bySeq.set(r.seq, before ? { ...r, attempts: before.attempts + r.attempts } : r);
  }
  const merged = [...bySeq.values()].sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
  return merged.length > kept ? merged.slice(merged.length - kept) : merged;
}
