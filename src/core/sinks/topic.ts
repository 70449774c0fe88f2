/**
 * MQTT topic templates (pure): `usa/{site}/{camera}/{kind}` with the placeholders `{site}` (site key),
 * `{camera}` (the camera's configured key, else its name, else its id), `{kind}` and `{adapter}`.
 * A value is sanitised so it stays one topic level: `+`, `#`, `/` and control characters become
 * `_`; an empty value becomes `none`. The template itself must be a valid publish topic: no
 * wildcards, no unknown placeholder, at most TOPIC_MAX characters.
 */
import { badInput } from '../errors.ts';

export const DEFAULT_TOPIC = 'usa/{site}/{camera}/{kind}';
export const TOPIC_MAX = 500;
export const TOPIC_PLACEHOLDERS = ['site', 'camera', 'kind', 'adapter'] as const;
export type TopicValues = Record<(typeof TOPIC_PLACEHOLDERS)[number], string | null | undefined>;

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** BAD_USER_INPUT naming `field` unless `template` is usable. */
export function validateTopicTemplate(template: string, field = 'topic'): string {
  const fail = (why: string) => badInput(`${field}: ${why}`, { field });
  if (template.length < 1 || template.length > TOPIC_MAX) throw fail(`expected 1..${TOPIC_MAX} characters, got ${template.length}`);
  for (const m of template.matchAll(PLACEHOLDER)) {
    if (!(TOPIC_PLACEHOLDERS as readonly string[]).includes(m[1]!)) throw fail(`unknown placeholder {${m[1]}} (expected ${TOPIC_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})`);
  }
  const literal = template.replace(PLACEHOLDER, 'x');
  if (/[{}]/.test(literal)) throw fail('unbalanced { or }');
  if (/[+#]/.test(literal)) throw fail('wildcards + and # are not allowed in a publish topic');
  if (/[\u0000-\u001f\u007f]/.test(literal)) throw fail('control characters are not allowed');
  return template;
}

/** One topic level from a value. */
export function topicLevel(value: string | null | undefined): string {
  const v = (value ?? '').replace(/[+#/\u0000-\u001f\u007f]/g, '_').slice(0, 100);
  return v.length ? v : 'none';
}

export function renderTopic(template: string, values: TopicValues): string {
  return template.replace(PLACEHOLDER, (_m, name: keyof TopicValues) => topicLevel(values[name]));
}
