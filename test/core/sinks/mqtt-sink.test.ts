/**
 * MQTT sinks against the real broker (Mosquitto at 127.0.0.1:1883; the suite says so and is skipped
 * only when no broker answers there): events published with QoS 1 to the rendered topic in log order;
 * the broker unreachable (a TCP proxy in front of it switched `down`) then reachable again: the sink
 * goes FAILING, retries from its cursor after the backoff and nothing is missing.
 */
import net from 'node:net';
import mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sinkById } from '../../../src/core/sinks/repo.ts';
import { drivers, type TestDb } from '../../helpers/db.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { TcpFaultProxy } from '../../faults/tcp-fault-proxy.ts';
import { startSinkHarness, type SinkHarness } from './harness.ts';

const BROKER = { host: '127.0.0.1', port: 1883 };
const brokerUp = await new Promise<boolean>((resolve) => {
  const s = net.connect(BROKER, () => {
    s.destroy();
    resolve(true);
  });
  s.on('error', () => resolve(false));
});
if (!brokerUp) console.log(`MQTT sink tests skipped: no MQTT broker answers at ${BROKER.host}:${BROKER.port} (start Mosquitto to run them)`);

for (const driver of drivers) {
  describe.skipIf(!brokerUp)(`MQTT sinks (${driver.name})`, () => {
    let t: TestDb;
    let h: SinkHarness;
    let sub: mqtt.MqttClient;
    let proxy: TcpFaultProxy | null = null;
    const got: Array<{ topic: string; body: any }> = [];
    const prefix = `usa-test-${Math.random().toString(36).slice(2, 8)}`;

    beforeEach(async () => {
      got.length = 0;
      t = await driver.open();
      h = startSinkHarness(t, { retry: { baseMs: 1000, capMs: 1000, jitter: 'none' } });
      sub = await mqtt.connectAsync(`mqtt://${BROKER.host}:${BROKER.port}`, { reconnectPeriod: 0 });
      await sub.subscribeAsync(`${prefix}/#`, { qos: 1 });
      sub.on('message', (topic, payload) => got.push({ topic, body: JSON.parse(payload.toString()) }));
    });
    afterEach(async () => {
      await h.close();
      await sub.endAsync(true);
      await proxy?.close();
      proxy = null;
      await t.cleanup();
    });

    it('publishes each event to its topic with QoS 1, in log order, values sanitised', async () => {
      const sink = await h.manager.createMqtt({ name: 'm', url: `mqtt://${BROKER.host}:${BROKER.port}`, topic: `${prefix}/{site}/{camera}/{kind}/{adapter}` });
      await h.manager.start();
      const evs = await h.append(5, { cameraId: 'w/i/CAM+1' });
      await waitFor(() => got.length === 5, 10_000, 'five messages');
      expect(got.map((m) => m.body.data.seq)).toEqual(evs.map((e) => e.seq.toString()));
      expect(got[0]!.topic).toBe(`${prefix}/none/w_i_CAM_1/CUSTOM/w`);
      expect(got[0]!.body).toMatchObject({ type: 'event', id: expect.stringMatching(/^msg_/), data: { kind: 'CUSTOM', vendorType: 'thing' } });
      await waitFor(async () => (await h.manager.lastDeliveredSeq(sink.id)) === evs[4]!.seq, 5000, 'cursor saved');
    });

    it('broker unreachable, then reachable: FAILING, then everything delivered in order from the cursor', async () => {
      proxy = await TcpFaultProxy.start(BROKER);
      const sink = await h.manager.createMqtt({ name: 'via-proxy', url: `mqtt://127.0.0.1:${proxy.port}`, topic: `${prefix}/{kind}` });
      await h.manager.start();
      const a = await h.append(2);
      await waitFor(() => got.length === 2, 10_000, 'first two');
      proxy.setMode({ kind: 'down' });
      const b = await h.append(3);
      await waitFor(async () => (await sinkById(t.database.db, sink.id))?.state === 'FAILING', 10_000, 'FAILING while the broker is unreachable');
      await h.clock.advance(1000);
      await waitFor(async () => (await sinkById(t.database.db, sink.id))?.lastError?.includes('MQTT'), 10_000, 'a retry failed too');
      proxy.setMode({ kind: 'pass' });
      for (let i = 0; i < 10 && got.length < 5; i++) {
        await h.clock.advance(1000);
        await waitFor(async () => got.length >= 5 || (await sinkById(t.database.db, sink.id))?.state === 'FAILING', 5000);
        if (got.length < 5) await waitFor(() => got.length >= 5, 2000).catch(() => {});
      }
      await waitFor(() => got.length >= 5, 10_000, 'the three written while the broker was unreachable');
      const seqs = got.map((m) => m.body.data.seq);
      expect([...new Set(seqs)]).toEqual([...a, ...b].map((e) => e.seq.toString())); // nothing missing, in order (a duplicate allowed)
      await waitFor(async () => (await sinkById(t.database.db, sink.id))?.state === 'ACTIVE', 5000, 'ACTIVE again');
    });
  });
}
