/**
 * The vendor's webhook body (pure): parsed with a zod schema into a typed WebhookEvent; a bad body
 * throws badInput naming the field. Unknown fields are kept (vendors add fields).
 *
 *   { "id": "evt_…", "type": "motion.started", "occurred_at": "2024-06-14T12:00:00.000Z",
 *     "camera": { "id": "cam-7", "name": "Lobby" },
 *     "rule": { "id": "r1", "name": "After hours" }, "object": { "class": "person", "id": "17" },
 *     "data": { … }, "snapshot": { "content_type": "image/jpeg", "base64": "…" } }
 */
import { badInput, z } from 'unified-surveillance-api/sdk';

const idText = z.string().trim().min(1).max(200);

export const webhookEventSchema = z
  .object({
    /** The vendor's event id: the same on every retry of one event. */
    id: idText,
    type: z.string().trim().min(1).max(100),
    occurred_at: z.iso.datetime({ offset: true, error: 'expected an ISO-8601 time with a zone, e.g. 2024-06-14T12:00:00Z' }),
    camera: z.object({ id: idText, name: z.string().max(200).optional() }).loose(),
    rule: z
      .object({ id: idText.optional(), name: z.string().max(200).optional() })
      .loose()
      .optional(),
    object: z
      .object({ class: z.string().max(100).optional(), id: z.string().max(200).optional() })
      .loose()
      .optional(),
    data: z.record(z.string(), z.unknown()).optional(),
    snapshot: z.object({ content_type: z.string().max(100).optional(), base64: z.string().min(1) }).optional(),
  })
  .loose();

export type WebhookEvent = z.output<typeof webhookEventSchema>;

export function parseWebhookEvent(json: unknown): WebhookEvent {
  const r = webhookEventSchema.safeParse(json);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw badInput(`${issue.path.length ? issue.path.join('.') : 'body'}: ${issue.message}`);
}
