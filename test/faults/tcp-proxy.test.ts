/**
 * FF TCP through the fault proxy: real sockets, the bytes split and broken on the way.
 * test/adapters/ff covers the framer and hand-made writes from one socket; here the proxy makes the
 * server read what a network does: 100 objects in one packet, 1-byte fragments (also 1 ms apart,
 * so every read is one byte), fragments with garbage between objects, a connection cut (FIN)
 * and one reset (RST) mid-object. Invariants: identical stored events however the bytes are split,
 * partial objects never stored, resync after garbage, the rejects visible in the adapter counters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffTcpPort, startTestApp, type TestApp } from '../helpers/app.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { ffJson } from '../helpers/ff-events.ts';
import { TcpFaultProxy, type ProxyMode } from './tcp-fault-proxy.ts';
import { sleep, tcpCamera } from './helpers.ts';

type Raw = Record<string, unknown>;
const obj = (device: string, i: number) => JSON.stringify(ffJson(i, { carID: `p${i}`, sensorProviderID: device, plateText: `P${i}X` }));

describe('FF TCP through the fault proxy', () => {
  let t: TestApp;
  let proxy: TcpFaultProxy;
  beforeAll(async () => {
    t = await startTestApp({ config: { adapters: [{ type: 'ff', id: 'default', tcpPort: 0, tcpHost: '127.0.0.1' }] } });
    proxy = await TcpFaultProxy.start({ port: ffTcpPort(t) });
  });
  afterAll(async () => {
    await proxy?.close();
    await t?.close();
  });

  const counters = async (): Promise<Record<string, number>> => {
    const r = await t.gql('{ adapters { id counters { name value } } }');
    const a = r.data.adapters.find((x: { id: string }) => x.id === 'default');
    return Object.fromEntries(a.counters.map((c: { name: string; value: number }) => [c.name, c.value]));
  };
  /** Stored events per device (raw payloads, oldest first). */
  const byDevice = async (): Promise<Map<string, Raw[]>> => {
    const out = new Map<string, Raw[]>();
    let after: string | null = null;
    for (;;) {
      type Page = { events: { edges: Array<{ node: { raw: Raw } }>; pageInfo: { hasNextPage: boolean; endCursor: string } } };
      const r: { data?: Page; errors?: unknown } = await t.gql<Page>('query($a: String) { events(first: 500, after: $a) { edges { node { raw } } pageInfo { hasNextPage endCursor } } }', { a: after });
      if (!r.data) throw new Error(JSON.stringify(r.errors));
      for (const e of r.data.events.edges) {
        const d = String(e.node.raw.sensorProviderID);
        out.set(d, [...(out.get(d) ?? []), e.node.raw]);
      }
      if (!r.data.events.pageInfo.hasNextPage) break;
      after = r.data.events.pageInfo.endCursor;
    }
    for (const evs of out.values()) evs.reverse();
    return out;
  };
  const send = async (mode: ProxyMode, bytes: string) => {
    proxy.setMode(mode);
    const cam = await tcpCamera(proxy.port);
    await cam.write(bytes);
    await cam.end();
  };
  const strip = (r: Raw) => ({ ...r, sensorProviderID: undefined });

  it('split any way, with garbage, cut and reset: identical results, no partial object, resync, counted', async () => {
    const before = await counters();
    const N = 100;
    const many = (device: string, n: number, sep = '') => Array.from({ length: n }, (_, i) => obj(device, i)).join(sep);

    // The same events, split four ways.
    await send({ kind: 'pass' }, many('SPLIT-PACKET', N)); // 100 objects in one write
    await send({ kind: 'slice', bytes: 1 }, many('SPLIT-1B', N, '\n')); // 1-byte writes
    await send({ kind: 'slice', bytes: 1, delayMs: 1 }, many('SPLIT-1B-SLOW', 3, '\r\n')); // 1-byte reads
    const garbage = Array.from({ length: N }, (_, i) => obj('SPLIT-GARBAGE', i) + (i % 3 === 0 ? 'garbage!!' : i % 3 === 1 ? '\n[1,2]xx\n' : '\r\n\0')).join('');
    const garbageBytes = Array.from({ length: N }, (_, i): number => (i % 3 === 0 ? 9 : i % 3 === 1 ? 8 : 0)).reduce((a, b) => a + b, 0);
    await send({ kind: 'slice', bytes: 7 }, garbage); // 7-byte writes, garbage between objects

    // Cut (FIN) and reset (RST) in the middle of the third object; then the camera re-sends the rest.
    const four = (device: string) => [0, 1, 2, 3].map((i) => obj(device, i));
    const midThird = (o: string[]) => o[0].length + o[1].length + Math.floor(o[2].length / 2);
    const cut = four('CUT');
    await send({ kind: 'cut', afterBytes: midThird(cut) }, cut.join(''));
    const reset = four('RESET');
    await send({ kind: 'reset', afterBytes: midThird(reset) }, reset.join(''));
    const tails = Math.floor(cut[2].length / 2) + Math.floor(reset[2].length / 2); // the two half objects, counted as garbage when the socket closes
    await sleep(300);
    const partial = await byDevice();
    const cutStored = (partial.get('CUT') ?? []).length;
    const resetStored = (partial.get('RESET') ?? []).length;
    await send({ kind: 'pass' }, cut.slice(2).join('') + reset.slice(2).join(''));

    const expected: Record<string, number> = { 'SPLIT-PACKET': N, 'SPLIT-1B': N, 'SPLIT-1B-SLOW': 3, 'SPLIT-GARBAGE': N, CUT: 4, RESET: 4 };
    let stored = new Map<string, Raw[]>();
    await waitFor(
      async () => {
        stored = await byDevice();
        return Object.entries(expected).every(([d, n]) => (stored.get(d)?.length ?? 0) >= n);
      },
      30_000,
      'all devices stored',
    );
    const after = await counters();
    const d = (k: string) => (after[k] ?? 0) - (before[k] ?? 0);

    const reference = stored.get('SPLIT-PACKET')!.map(strip);
    const identical = ['SPLIT-1B', 'SPLIT-1B-SLOW', 'SPLIT-GARBAGE'].every((dev) => JSON.stringify(stored.get(dev)!.map(strip)) === JSON.stringify(reference.slice(0, expected[dev])));
    const total = Object.values(expected).reduce((a, b) => a + b, 0);
    const sentObjects = total + 2 /* re-sent */;
    console.log(
      `tcp-proxy: objects=${total} (2 of them cut mid-way first, then re-sent: ${sentObjects} sent), stored=${[...stored.values()].reduce((a, e) => a + e.length, 0)} (expected ${total}), identical-across-splits=${identical ? 'yes' : 'NO'} (packet/1-byte/1-byte-slow/7-byte+garbage), ` +
        `partial-stored=${cutStored - 2 + (resetStored - 2)}, cut=${proxy.stats.cuts}, reset=${proxy.stats.resets}, ` +
        `counters: tcp.stored=${d('tcp.stored')}, tcp.garbage_bytes=${d('tcp.garbage_bytes')} (garbage ${garbageBytes} + cut tails ${tails}), tcp.duplicates=${d('tcp.duplicates')}, tcp.connections=${d('tcp.connections')}`,
    );
    expect(identical).toBe(true);
    for (const [dev, n] of Object.entries(expected)) expect(stored.get(dev), dev).toHaveLength(n);
    expect(stored.get('CUT')!.map((r) => r.carID)).toEqual(['p0', 'p1', 'p2', 'p3']);
    expect(stored.get('RESET')!.map((r) => r.carID)).toEqual(['p0', 'p1', 'p2', 'p3']);
    expect([cutStored, resetStored]).toEqual([2, 2]); // before the re-send: the half objects were not stored
    expect([proxy.stats.cuts, proxy.stats.resets]).toEqual([1, 1]);
    expect(d('tcp.stored')).toBe(total);
    expect(d('tcp.duplicates')).toBe(0);
    expect(d('tcp.garbage_bytes')).toBe(garbageBytes + tails);
    expect(d('tcp.connections')).toBe(7);
  });
});
