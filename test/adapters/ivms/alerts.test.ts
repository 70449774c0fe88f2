/**
 * IVMS alerts end to end: the simulator's notification socket → IvmsAlertEvent through a GraphQL
 * subscription, with the snapshot served at /media/{id}; reconnects after drops and refusals; and,
 * from a scripted socket, what the simulator cannot send: garbage, wrong fields, non-image data,
 * duplicates, alerts for channels not in the list.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { waitFor } from '../../helpers/wait-for.ts';
import { eventSubscriptions } from '../../helpers/subscriptions.ts';
import { drivers, type TestDb } from '../../helpers/db.ts';
import { collect, wsClient } from '../../helpers/ws-client.ts';
import { startIvms, type IvmsHarness } from './harness.ts';

const ALERT_FIELDS = `id seq kind vendorType occurredAt raw source { adapter instance }
  camera { id name sources { vendorId } }
  media { id role contentType byteSize url }
  ... on AnalyticsEvent { ruleId ruleName }
  ... on IvmsAlertEvent { alertType alertMessage eventDetails1 cameraName eventTime timeZone imageProblem }`;
const EVENTS = `query { events(first: 100, filter: { adapters: ["ivms"] }) { edges { node { ${ALERT_FIELDS} } } } }`;

type Ev = Record<string, any>;
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const pad = (n: number) => String(n).padStart(2, '0');
const localText = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;

for (const driver of drivers) {
  describe(`IVMS alerts from the simulator (${driver.name})`, () => {
    let h: IvmsHarness;
    let db: TestDb;
    beforeAll(async () => {
      db = await driver.open();
      h = await startIvms(db);
      await h.internals().channels.refreshNow();
      await h.waitStatus('READY');
    });
    afterAll(async () => {
      await h?.close();
      await db?.cleanup();
    });
    const lastSeq = async () => (await h.t.gql('{ events(first: 1) { edges { node { seq } } } }')).data.events.edges[0]?.node.seq ?? null;

    it('an alert arrives live as IvmsAlertEvent with its snapshot stored and served', async () => {
      const after = await lastSeq();
      const listening = await eventSubscriptions(h.t.app);
      const client = wsClient(h.t.url);
      const eventTime = new Date(Date.UTC(2024, 5, 14, 10, 30, 15));
      let sent: ReturnType<typeof h.sim.alert> | undefined;
      const got = collect<{ events: Ev }>(client, `subscription($after: String) { events(after: $after, filter: { adapters: ["ivms"] }) { ${ALERT_FIELDS} } }`, { after }, 1, () => {
        // Sent once the subscription listens, so it arrives live (the `after` would replay it anyway).
        void waitFor(async () => (await eventSubscriptions(h.t.app)) > listening, 10_000, 'subscription listening').then(() => (sent = h.sim.alert({ cameraId: 1, eventTime, imageBytes: 12_000 })));
      });
      const [{ events: ev }] = await got;
      await client.dispose();
      expect(ev).toMatchObject({
        kind: 'ANALYTICS_ALERT',
        vendorType: '209',
        occurredAt: new Date(eventTime.getTime() - (eventTime.getTime() % 1000)).toISOString(),
        source: { adapter: 'ivms', instance: 'hq' },
        camera: { name: 'Entry_View', sources: [{ vendorId: '1' }] }, // the channel name, not the alert's cameraName
        ruleId: '209',
        ruleName: 'Activity Detection',
        alertType: 209,
        alertMessage: 'Activity Detection',
        eventDetails1: 'NA',
        cameraName: 'Entry_View',
        eventTime: localText(eventTime),
        imageProblem: null,
      });
      expect(ev.media).toHaveLength(1);
      expect(ev.media[0]).toMatchObject({ role: 'SNAPSHOT', contentType: 'image/jpeg' });
      const jpeg = Buffer.from(sent!.base64imageUrl.split(',')[1], 'base64');
      const res = await fetch(`${h.t.url}${new URL(ev.media[0].url, h.t.url).pathname}`);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      const served = Buffer.from(await res.arrayBuffer());
      expect(served.equals(jpeg)).toBe(true);
      expect(ev.media[0].id).toBe(sha256(jpeg));
      expect(JSON.stringify(ev.raw)).not.toContain(jpeg.toString('base64').slice(0, 200));
      expect((await h.adapter()).counters).toMatchObject({ 'ws.alerts': 1, 'alerts.stored': 1 });
    });

    it('reconnects after a drop (status DEGRADED meanwhile) and keeps receiving alerts', async () => {
      const connects = (await h.adapter()).counters['ws.connects'];
      h.sim.refuseWebSockets = true;
      h.sim.dropWebSockets();
      const down = await h.waitStatus('DEGRADED', /notification socket disconnected: .*503.*, retry in [\d.]+ s/);
      expect(down.detail).not.toMatch(/channel/);
      h.sim.refuseWebSockets = false;
      await h.waitStatus('READY');
      const a = await h.adapter();
      expect(a.counters['ws.connects']).toBe(connects + 1);
      expect(a.counters['ws.disconnects']).toBeGreaterThanOrEqual(2); // the drop, then at least one refusal
      expect(a.counters['ws.status_messages']).toBeGreaterThanOrEqual(3); // open, "Connection Closed!", open

      const before = (await h.t.gql(EVENTS)).data.events.edges.length;
      h.sim.alert({ cameraId: 10, alertType: 301, alertMessage: 'Loitering' });
      const evs = await waitFor(
        async () => {
          const e = (await h.t.gql(EVENTS)).data.events.edges;
          return e.length > before ? e : null;
        },
        5000,
        'alert after reconnect',
      );
      expect(evs[0].node).toMatchObject({ vendorType: '301', ruleName: 'Loitering', camera: { name: 'Warehouse_Dock' } });
    });
  });
}

describe('IVMS alerts from a scripted notification socket', () => {
  let h: IvmsHarness;
  let db: TestDb;
  let send: (text: string) => void;
  let closeScripted: () => Promise<void>;
  beforeAll(async () => {
    const wss = new WebSocketServer({ noServer: true });
    const clients = new Set<WebSocket>();
    const http = createServer();
    http.on('upgrade', (req, socket, head) =>
      wss.handleUpgrade(req, socket, head, (ws) => {
        clients.add(ws);
        ws.on('close', () => clients.delete(ws));
        ws.send('{"status":1,"code":101,"description":"Web Socket Protocol Handshake","message":"Connection Successful!","result":[]}');
      }),
    );
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    send = (text) => clients.forEach((c) => c.send(text));
    closeScripted = async () => {
      clients.forEach((c) => c.terminate());
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => http.close(() => r()));
    };
    db = await drivers[0].open();
    h = await startIvms(db, { config: { wsUrl: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/notification`, timezone: 'Asia/Kolkata' } });
    await h.internals().channels.refreshNow();
    await waitFor(async () => (await h.adapter()).counters['ws.connects'] === 1, 5000, 'connected');
  });
  afterAll(async () => {
    await h?.close();
    await closeScripted?.();
    await db?.cleanup();
  });

  const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(300, 7), Buffer.from([0xff, 0xd9])]);
  const alert = (o: Record<string, unknown> = {}) =>
    JSON.stringify({
      cameraId: 2,
      cameraName: 'name-in-alert',
      eventTime: '2017-07-07 11:56:47',
      alertMessage: 'Activity Detection',
      alertType: 209,
      base64imageUrl: `data:image/jpeg;base64,${JPEG.toString('base64')}`,
      eventDetails1: 'NA',
      ...o,
    });
  const events = async (): Promise<Ev[]> => (await h.t.gql(EVENTS)).data.events.edges.map((e: { node: Ev }) => e.node);

  it('garbage and alerts with wrong fields are counted, not stored; status messages are not alerts', async () => {
    for (const bad of ['garbage', '{"cameraId":"front door","eventTime":"2017-07-07 11:56:47"}', '{"cameraId":2,"eventTime":"yesterday"}', '[]']) send(bad);
    send('{"status":1,"code":101,"description":"Web Socket Protocol Handshake","message":"Connection Closed!","result":[]}');
    send(alert({ eventTime: '2017-07-07 11:56:40' }));
    await waitFor(async () => (await events()).length === 1, 5000, 'the valid alert');
    const c = (await h.adapter()).counters;
    expect(c['ws.bad_messages']).toBe(4);
    expect(c['ws.status_messages']).toBe(2);
    expect(c['ws.alerts']).toBe(1);
    const m = await (await fetch(`${h.t.url}/metrics`)).text();
    expect(m).toMatch(/events_rejected_total\{[^}]*adapter="ivms"[^}]*code="BAD_USER_INPUT"[^}]*\} 4/);
  });

  it('eventTime is read in the configured zone (Asia/Kolkata, +05:30)', async () => {
    const ev = (await events()).find((e) => e.eventTime === '2017-07-07 11:56:40')!;
    expect(ev).toMatchObject({ occurredAt: '2017-07-07T06:26:40.000Z', timeZone: 'Asia/Kolkata' });
  });

  it('the same alert sent again (reconnect, retry) is stored once; a different image is another alert', async () => {
    send(alert());
    send(alert());
    send(alert({ base64imageUrl: `data:image/jpeg;base64,${Buffer.concat([JPEG, Buffer.from([1])]).toString('base64')}` }));
    await waitFor(async () => (await h.adapter()).counters['alerts.duplicates'] === 1 && (await events()).length === 3, 5000, 'dedupe');
    expect((await events()).filter((e) => e.eventTime === '2017-07-07 11:56:47')).toHaveLength(2);
  });

  it('an image that is not an image, or not base64, is left out: the alert is stored without it', async () => {
    send(alert({ eventTime: '2017-07-07 12:00:01', base64imageUrl: `data:image/jpeg;base64,${Buffer.from('<html>not a jpeg</html>').toString('base64')}` }));
    send(alert({ eventTime: '2017-07-07 12:00:02', base64imageUrl: 'data:image/jpeg;base64,***' }));
    send(alert({ eventTime: '2017-07-07 12:00:03', base64imageUrl: '..' }));
    await waitFor(async () => (await events()).filter((e) => e.eventTime.startsWith('2017-07-07 12:00:0')).length === 3, 5000, 'three alerts');
    const byTime = Object.fromEntries((await events()).map((e) => [e.eventTime, e]));
    expect(byTime['2017-07-07 12:00:01']).toMatchObject({ media: [], imageProblem: 'bytes are not a supported image' });
    expect(byTime['2017-07-07 12:00:02']).toMatchObject({ media: [], imageProblem: 'image is not valid base64' });
    expect(byTime['2017-07-07 12:00:03']).toMatchObject({ media: [], imageProblem: null });
    expect((await h.adapter()).counters['alerts.image_rejected']).toBe(2);
  });

  it('an alert for a channel not in the list creates the camera under the alert cameraName', async () => {
    send(alert({ cameraId: 77, cameraName: 'Side gate', eventTime: '2017-07-07 13:00:00' }));
    const ev = (await waitFor(async () => (await events()).find((e) => e.camera?.sources[0].vendorId === '77'), 5000, 'alert of channel 77'))!;
    expect(ev.camera.name).toBe('Side gate');
    // A listed channel keeps its own name whatever the alert says.
    expect((await events()).find((e) => e.camera?.sources[0].vendorId === '2')?.camera.name).toBe('192.168.1.47');
  });
});
