/**
 * The controller's JSON (pure): webhook bodies (PROTOCOL.md §1.2) and REST answers (§2), parsed
 * with zod. A bad webhook body throws badInput naming the field; a bad REST answer throws
 * vendorRejected. Unknown fields are kept (later firmware adds fields), unknown event types and
 * denial reasons are accepted.
 */
import { badInput, vendorRejected, z } from 'unified-surveillance-api/sdk';

const id = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'expected an id of 1–64 characters [A-Za-z0-9._:-]');
const name = z.string().max(200);

/** With an offset (`Z`, `+02:00`), or local wall-clock time without one (firmware < 3.0). */
const time = z.union([z.iso.datetime({ offset: true }), z.iso.datetime({ local: true })], {
  error: 'expected an ISO-8601 time, e.g. 2024-06-14T12:00:00Z',
});

export const webhookEventSchema = z
  .object({
    id,
    type: z.string().trim().min(1).max(100),
    occurred_at: time,
    door: z.object({ id, name: name.optional() }).loose(),
    credential: z.object({ badge_id: id, holder: name.optional() }).loose().optional(),
    reason: z.string().min(1).max(100).optional(),
    battery: z
      .object({ percent: z.number().int().min(0).max(100) })
      .loose()
      .optional(),
  })
  .loose();

export type AcmeWebhookEvent = z.output<typeof webhookEventSchema>;

const issueText = (e: z.ZodError) => {
  const issue = e.issues[0];
  return `${issue.path.length ? issue.path.join('.') : 'body'}: ${issue.message}`;
};

export function parseWebhookEvent(json: unknown): AcmeWebhookEvent {
  const r = webhookEventSchema.safeParse(json);
  if (r.success) return r.data;
  throw badInput(issueText(r.error));
}

export const doorSchema = z.object({ id, name, state: z.enum(['locked', 'unlocked']), online: z.boolean() }).loose();
export type AcmeDoorState = z.output<typeof doorSchema>;

const doorListSchema = z.object({ doors: z.array(doorSchema).max(500) }).loose();

export function parseDoorList(json: unknown): AcmeDoorState[] {
  const r = doorListSchema.safeParse(json);
  if (r.success) return r.data.doors;
  throw vendorRejected(`the controller's door list is not as documented: ${issueText(r.error)}`);
}

export const actionAnswerSchema = z.object({ actionId: id, replayed: z.boolean().optional() }).loose();

export function parseActionAnswer(json: unknown): { actionId: string; replayed: boolean } {
  const r = actionAnswerSchema.safeParse(json);
  if (r.success) return { actionId: r.data.actionId, replayed: r.data.replayed ?? false };
  throw vendorRejected(`the controller's answer is not as documented: ${issueText(r.error)}`);
}
