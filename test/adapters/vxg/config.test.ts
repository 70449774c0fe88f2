import { describe, expect, it } from 'vitest';
import { vxgConfigSchema } from '../../../src/adapters/vxg/config.ts';
import { validateAdapterEntries } from '../../../src/core/adapter/registry.ts';
import { vxgAdapter } from '../../../src/adapters/vxg/index.ts';
import type { AdapterDefinition } from '../../../src/sdk.ts';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64');
const token = (camid: number, extra: Record<string, unknown> = {}) => b64({ camid, cmngrid: 1, access: 'all', token: `share.secret-inner-${camid}`, api: '127.0.0.1', api_p: 4100, ...extra });
const defs = new Map<string, AdapterDefinition>([['vxg', vxgAdapter]]);

describe('VXG config', () => {
  it('one token: one channel with camera id, API base URL and a default name', () => {
    const c = vxgConfigSchema.parse({ type: 'vxg', id: 'cloud', accessToken: token(101) });
    expect(c.channels).toEqual([expect.objectContaining({ camid: 101, apiBase: 'http://127.0.0.1:4100', name: 'VXG camera 101', token: token(101) })]);
    expect(c).toMatchObject({ pollIntervalSec: 2, pollOverlapSec: 60, pageSize: 100, fetchMedia: true });
  });

  it('a list of tokens (plain or named) and a baseUrl override', () => {
    const c = vxgConfigSchema.parse({ type: 'vxg', id: 'cloud', baseUrl: 'https://vms.example.com/', accessToken: [token(1), { token: token(2), name: 'Gate' }] });
    expect(c.channels.map((ch) => [ch.camid, ch.name, ch.apiBase])).toEqual([
      [1, 'VXG camera 1', 'https://vms.example.com'],
      [2, 'Gate', 'https://vms.example.com'],
    ]);
  });

  it('bad tokens are start-up errors naming their path, never echoing the token', () => {
    const good = token(7);
    const notJson = Buffer.from('{camid:').toString('base64');
    const noApi = b64({ camid: 8, token: 'share.inner-secret-xyz' });
    const { problems } = validateAdapterEntries(
      [{ type: 'ff', id: 'x' } as never, { type: 'vxg', id: 'cloud', accessToken: [good, notJson, { token: noApi }, token(7)] } as never],
      new Map([...defs, ['ff', { configSchema: { safeParse: () => ({ success: true, data: {} }) } } as never]]),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^adapters\[1\]\.accessToken\[1\]: invalid VXG channel access token: base64 does not decode to JSON/),
      expect.stringMatching(/^adapters\[1\]\.accessToken\[2\]\.token: invalid VXG channel access token: .*"api" host/),
      'adapters[1].accessToken[3]: camera 7 is already configured by accessToken[0]',
    ]);
    const text = problems.join('\n');
    for (const secret of [good, notJson, noApi, 'share.inner-secret-xyz', 'share.secret-inner-7']) expect(text).not.toContain(secret);
  });

  it('a single bad token is reported at accessToken', () => {
    const { problems } = validateAdapterEntries([{ type: 'vxg', id: 'c', accessToken: 'garbage!!' } as never], defs);
    expect(problems).toEqual([expect.stringMatching(/^adapters\[0\]\.accessToken: invalid VXG channel access token: not base64/)]);
  });

  it('unknown keys, a non-http baseUrl and an empty list are refused', () => {
    const { problems } = validateAdapterEntries([{ type: 'vxg', id: 'c', accessToken: [], baseUrl: 'ftp://x', pollEvery: 3 } as never], defs);
    expect(problems.some((p) => p.startsWith('adapters[0].accessToken:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('adapters[0].baseUrl:'))).toBe(true);
    expect(problems.some((p) => /pollEvery/.test(p))).toBe(true);
  });
});
