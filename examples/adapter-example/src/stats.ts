/** Delivery counters of one instance, shown by the `hmacWebhookStats` query (through RunningAdapter.api). */
export interface DeliveryStats {
  received: number;
  stored: number;
  duplicates: number;
  badSignatures: number;
  badPayloads: number;
  lastDeliveryAt: Date | null;
}

export const newDeliveryStats = (): DeliveryStats => ({ received: 0, stored: 0, duplicates: 0, badSignatures: 0, badPayloads: 0, lastDeliveryAt: null });
