/** What the audit log keeps of arguments (core/audit/redact.ts): the one list of secret names, URL credentials, size bounds. */
import { describe, expect, it } from 'vitest';
import { auditArgs, isSecretField, LIST_HEAD, MAX_ARGS_BYTES, MAX_LIST_ITEMS, MAX_STRING, REDACTED, redactUrl, SECRET_WORDS } from '../../src/core/audit/redact.ts';

describe('audit args redaction', () => {
  it('treats field names with a secret word as secret, in any naming style', () => {
    for (const name of [
      'secret',
      'key',
      'token',
      'password',
      'authorization',
      'Authorization',
      'apiKey',
      'api_key',
      'X-Api-Key',
      'webhookToken',
      'accessToken',
      'clientSecret',
      'auth',
      'credentials',
      'signingKey',
      'PASSWORD',
      'x-auth-key',
    ])
      expect(isSecretField(name), name).toBe(true);
    for (const name of ['name', 'url', 'plate', 'listId', 'idempotencyKey', 'dedupeKey', 'siteKey', 'cameraKey', 'keyboard', 'tokenizer', 'monkey', 'author'])
      expect(isSecretField(name), name).toBe(false);
    expect([...SECRET_WORDS]).toEqual(expect.arrayContaining(['secret', 'key', 'token', 'password', 'authorization']));
  });

  it('removes credentials and secret query values from URLs; other strings unchanged', () => {
    expect(redactUrl('https://user:pw@h.example:8443/p?token=a&x=1')).toBe('https://***:***@h.example:8443/p?token=%5Bredacted%5D&x=1');
    expect(redactUrl('mqtt://u@broker:1883')).toBe('mqtt://***@broker:1883');
    expect(redactUrl('rtsp://10.0.0.1/stream?api_key=zzz')).toBe('rtsp://10.0.0.1/stream?api_key=%5Bredacted%5D');
    expect(redactUrl('https://h.example/plain?site=hq')).toBe('https://h.example/plain?site=hq');
    expect(redactUrl('not a url: password=1')).toBe('not a url: password=1');
  });

  it('redacts nested secrets whatever their value, keeps the rest, turns dates and bigints into text', () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    expect(
      auditArgs({
        input: { name: 'n', auth: { header: 'X', key: 'k' }, sinks: [{ url: 'https://a:b@x/y', secret: { nested: 1 } }], at, seq: 12n, none: undefined },
      }),
    ).toEqual({ input: { name: 'n', auth: REDACTED, sinks: [{ url: 'https://***:***@x/y', secret: REDACTED }], at: at.toISOString(), seq: '12', none: null } });
  });

  it('bounds size: long lists summarised, long strings cut, deep objects cut, oversized args replaced by a summary', () => {
    const list = Array.from({ length: 10_000 }, (_, i) => ({ plate: `P${i}` }));
    expect(auditArgs({ entries: list })).toEqual({ entries: { $count: 10_000, $head: list.slice(0, LIST_HEAD) } });
    expect(auditArgs({ few: list.slice(0, MAX_LIST_ITEMS) })).toEqual({ few: list.slice(0, MAX_LIST_ITEMS) });
    const long = 'x'.repeat(MAX_STRING + 10);
    expect(auditArgs({ long }).long).toBe(`${'x'.repeat(MAX_STRING)}…(+10 chars)`);
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 20; i++) deep = { d: deep };
    expect(JSON.stringify(auditArgs(deep))).toContain('"[…]"');
    const wide = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`f${i}`, 'y'.repeat(400)]));
    const out = auditArgs(wide);
    expect(out).toMatchObject({ $truncated: true, $keys: expect.arrayContaining(['f0']) });
    expect(out.$bytes as number).toBeGreaterThan(MAX_ARGS_BYTES);
    expect(Buffer.byteLength(JSON.stringify(out))).toBeLessThan(MAX_ARGS_BYTES);
  });
});
