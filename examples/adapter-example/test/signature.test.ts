/** The signature scheme: what verifies, and why a delivery is refused. */
import { describe, expect, it } from 'vitest';
import { sign, verify } from '../src/signature.ts';

const SECRET = 'a-very-secret-secret';
const NOW = Date.UTC(2024, 5, 14, 12, 0, 0);
const TS = NOW / 1000;
const body = Buffer.from('{"id":"evt_1"}');
const delivery = (signature: string | undefined, timestamp: string | undefined = String(TS)) => ({ signature, timestamp, body });

describe('signature', () => {
  it('accepts a delivery signed with the secret, also among several v1= entries and secrets', () => {
    const good = `v1=${sign(SECRET, TS, body)}`;
    expect(verify(delivery(good), [SECRET], NOW, 300)).toEqual({ ok: true });
    expect(verify(delivery(`v1=${'0'.repeat(64)}, ${good}`), [SECRET], NOW, 300)).toEqual({ ok: true });
    expect(verify(delivery(`v1=${sign('next-secret-0123456', TS, body)}`), [SECRET, 'next-secret-0123456'], NOW, 300)).toEqual({ ok: true });
  });

  it('refuses a wrong secret, a changed body, a missing header and an old timestamp, saying which', () => {
    expect(verify(delivery(`v1=${sign('wrong-secret-0000000', TS, body)}`), [SECRET], NOW, 300)).toEqual({ ok: false, reason: 'signature does not match' });
    expect(verify({ ...delivery(`v1=${sign(SECRET, TS, body)}`), body: Buffer.from('{"id":"evt_2"}') }, [SECRET], NOW, 300)).toEqual({ ok: false, reason: 'signature does not match' });
    expect(verify(delivery(undefined), [SECRET], NOW, 300)).toEqual({ ok: false, reason: 'no X-Webhook-Signature header' });
    expect(verify(delivery('sha256=abc'), [SECRET], NOW, 300)).toEqual({ ok: false, reason: 'no v1= signature' });
    expect(verify(delivery(`v1=${sign(SECRET, TS - 600, body)}`, String(TS - 600)), [SECRET], NOW, 300)).toEqual({ ok: false, reason: 'timestamp is 600 s away from our clock (at most 300 s)' });
    expect(verify(delivery(`v1=${sign(SECRET, TS, body)}`, 'yesterday'), [SECRET], NOW, 300)).toEqual({ ok: false, reason: 'no X-Webhook-Timestamp header (Unix seconds)' });
  });
});
