/**
 * FF TCP bounds over real sockets: connections per source address (one host's idle sockets cannot
 * lock another out), the first-byte timeout, the bytes of unfinished objects held across all
 * connections, log lines per junk-sending connection, and auth without allowIps at start-up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { ffTcpPort, startTestApp, type TestApp } from '../../helpers/app.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { ffJson } from '../../helpers/ff-events.ts';
import { validateConfig } from '../../../src/core/config/load.ts';
import { validateAdapterEntries } from '../../../src/core/adapter/registry.ts';
import { builtInAdapters } from '../../../src/adapters/index.ts';

const tcp = { tcpPort: 0, tcpHost: '127.0.0.1' };
const keyed = { type: 'ff', id: 'keyed', ...tcp, auth: { header: 'X-Auth-Key', key: 'secret-123' } };
let t: TestApp;

/** Connects from `localAddress` (any 127.x.y.z is loopback on Linux) and resolves once connected. */
async function connect(port: number, localAddress = '127.0.0.1'): Promise<net.Socket> {
  const s = net.connect({ port, host: '127.0.0.1', localAddress });
  s.on('error', () => undefined);
  await new Promise<void>((r) => s.once('connect', () => r()));
  return s;
}
const closed = (s: net.Socket) => (s.readyState === 'closed' ? Promise.resolve() : new Promise<void>((r) => s.once('close', () => r())));
const write = (s: net.Socket, data: string) => new Promise<void>((r) => s.write(data, () => r()));

describe('FF TCP connection bounds', () => {
  const lines: Array<Record<string, any>> = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, cb) {
        for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l));
        cb();
      },
    });
    t = await startTestApp({
      log: pino({ level: 'info' }, sink),
      config: {
        adapters: [
          { type: 'ff', id: 'perip', ...tcp, limits: { maxConnectionsPerIp: 2 } },
          { type: 'ff', id: 'firstbyte', ...tcp, limits: { firstByteTimeoutSec: 0.3 } },
          { type: 'ff', id: 'budget', ...tcp, limits: { maxObjectBytes: 65_536, maxBufferedBytes: 100_000 } },
          { type: 'ff', id: 'junk', ...tcp },
          { ...keyed, allowIps: ['127.0.0.1'] },
          { ...keyed, id: 'optout', allowUnauthenticatedTcp: true },
        ],
      },
    });
  });
  afterAll(async () => {
    await t?.close();
  });
  // (the auth-without-allowIps cases below use this app's `keyed` and `optout` instances)

  const counter = (instance: string, name: string) => t.app.registry.list().find((a) => a.id === instance)!.counters[name] ?? 0;
  const port = (instance: string) => ffTcpPort(t, instance);

  it('one host at its per-address cap (maxConnectionsPerIp) is refused; another source still gets in and is stored', async () => {
    const idle = [await connect(port('perip'), '127.0.0.2'), await connect(port('perip'), '127.0.0.2')];
    const third = await connect(port('perip'), '127.0.0.2');
    await closed(third);
    expect(counter('perip', 'tcp.refused.per_ip_limit')).toBe(1);

    const camera = await connect(port('perip'), '127.0.0.1');
    await write(camera, JSON.stringify(ffJson(1, { sensorProviderID: 'PERIP' })));
    await waitFor(() => counter('perip', 'tcp.stored') === 1, 10_000, 'the other source stored');
    expect(idle.map((s) => s.readyState)).toEqual(['open', 'open']);
    expect(counter('perip', 'tcp.refused')).toBe(1);

    // A slot freed by one idle socket is usable again by that host.
    idle[0].destroy();
    await waitFor(
      async () => {
        const s = await connect(port('perip'), '127.0.0.2');
        await write(s, JSON.stringify(ffJson(2, { sensorProviderID: 'PERIP' })));
        s.end();
        await closed(s);
        return counter('perip', 'tcp.stored') === 2;
      },
      10_000,
      'a freed slot reused',
    );
    idle[1].destroy();
    camera.destroy();
  });

  it('a connection that sends nothing within firstByteTimeoutSec is closed; one that sent is not', async () => {
    const talker = await connect(port('firstbyte'));
    await write(talker, JSON.stringify(ffJson(3, { sensorProviderID: 'FIRSTBYTE' })));
    const silent = await connect(port('firstbyte'));
    await closed(silent);
    expect(counter('firstbyte', 'tcp.first_byte_timeouts')).toBe(1);
    expect(talker.readyState).toBe('open'); // it connected first: a first-byte timer of its own would have fired before the silent one's
    await waitFor(() => counter('firstbyte', 'tcp.stored') === 1, 10_000, 'the talker stored');
    talker.destroy();
  });

  it('unfinished objects across connections are bounded by maxBufferedBytes: the connection that would pass it is closed, the other completes', async () => {
    const pad = 'x'.repeat(60_000);
    const head = `{"pad":"${pad}`; // 60 KB held by each connection until its object ends
    const tail = (i: number) => `",${JSON.stringify(ffJson(i, { sensorProviderID: 'BUDGET' })).slice(1)}`;
    const a = await connect(port('budget'));
    const b = await connect(port('budget'));
    await Promise.all([write(a, head), write(b, head)]);
    const first = await Promise.race([closed(a).then(() => a), closed(b).then(() => b)]);
    const survivor = first === a ? b : a;
    expect(counter('budget', 'tcp.buffer_limit_closed')).toBe(1);
    expect(survivor.readyState).toBe('open');
    await write(survivor, tail(10));
    await waitFor(() => counter('budget', 'tcp.stored') === 1, 10_000, 'the survivor stored');
    // The closed connection's share was given back: a new 60 KB object fits again.
    const c = await connect(port('budget'));
    await write(c, head + tail(11));
    await waitFor(() => counter('budget', 'tcp.stored') === 2, 10_000, 'a later connection stored');
    expect(counter('budget', 'tcp.buffer_limit_closed')).toBe(1);
    survivor.destroy();
    c.destroy();
  });

  it('100 KB of `{}` costs a couple of log lines (counts by reason), not one per object', async () => {
    const from = lines.length;
    const s = await connect(port('junk'));
    await write(s, `${'{}'.repeat(50_000)}garbage${'{"not json'.repeat(100)}\n`);
    s.end();
    await closed(s);
    await waitFor(() => lines.slice(from).some((l) => l.msg === 'FF TCP connection closed' && l.instance === 'junk'), 10_000, 'closing summary');
    const mine = lines.slice(from).filter((l) => l.instance === 'junk');
    expect(mine.length).toBeLessThanOrEqual(3);
    const summary = mine.find((l) => l.msg === 'FF TCP connection closed')!;
    expect(summary.rejectedBy.BAD_USER_INPUT).toBe(50_000);
    expect(summary.rejected).toBeGreaterThanOrEqual(50_000);
    expect(counter('junk', 'tcp.rejected.BAD_USER_INPUT')).toBe(50_000);
  });

  describe('with auth but no allowIps', () => {
    const defs = new Map(builtInAdapters.map((d) => [d.type, d]));

    it('is refused at start-up, naming adapters[i].allowIps; allowIps, allowUnauthenticatedTcp: true or no tcpPort pass', () => {
      const check = (entries: unknown[]) => validateAdapterEntries(validateConfig({ adapters: entries }).adapters, defs).problems;
      expect(check([{ type: 'ff', id: 'open', ...tcp }, keyed])).toEqual([expect.stringMatching(/^adapters\[1\]\.allowIps: /)]);
      expect(
        check([
          { ...keyed, allowIps: ['127.0.0.1'] },
          { ...keyed, id: 'optout', allowUnauthenticatedTcp: true },
          { ...keyed, id: 'httponly', tcpPort: undefined },
        ]),
      ).toEqual([]);
    });

    it('a running instance that opted out says so in its status detail', () => {
      const info = (id: string) => t.app.registry.list().find((a) => a.id === id)!;
      expect([info('keyed').status, info('optout').status]).toEqual(['READY', 'READY']);
      expect(info('keyed').detail).toBeNull();
      expect(info('optout').detail).toEqual(expect.any(String));
    });
  });
});
