/**
 * Camlytics webhooks end to end: immediate events stored once whichever of webhook and poll comes
 * first, hourly/daily aggregates stored and queried per rule / event type / period, the token, and
 * bad bodies answered 400 naming the problem with nothing stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CamlyticsSimulator, DEFAULT_CHANNELS, HOUR_MS, type RestEvent } from '@unified-surveillance/simulators/camlytics';
import type { TestApp } from '../../helpers/app.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { drivers, type TestDb } from '../../helpers/db.ts';
import { adapterInfo, camlyticsEvents, camlyticsInstance, startCamlyticsApp, TOKEN, webhookUrl, type Ev } from './helpers.ts';

const [WEBCAM, ENTRANCE] = DEFAULT_CHANNELS;
const LINE_1 = '471fa55d-967b-46a7-b77f-5b9ce6af82ee';
const withEventTime = (events: Ev[], e: RestEvent) => events.filter((x) => x.channelId === e.channel_id && x.timeText === e.time);
const AGGS = `query($g: CamlyticsAggregateGranularity, $ch: String, $cam: ID, $from: DateTime, $to: DateTime, $rule: String, $ruleName: String, $type: String) {
  camlyticsAggregates(granularity: $g, channelId: $ch, cameraId: $cam, from: $from, to: $to, ruleId: $rule, ruleName: $ruleName, eventType: $type) {
    instance granularity channelId channelName since until count camera { id name }
    eventTypes { eventType eventName count } rules { ruleId ruleName count } } }`;

async function post(url: string, body: string, type = 'application/json'): Promise<{ status: number; json: Ev }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': type }, body });
  return { status: res.status, json: (await res.json()) as Ev };
}

for (const driver of drivers) {
  describe(`Camlytics webhooks (${driver.name})`, () => {
    let db: TestDb;
    let sim: CamlyticsSimulator;
    let t: TestApp;
    // A second, unconnected Camlytics host: makes events the polled one does not know (yet).
    const offline = new CamlyticsSimulator({ seed: 'offline-host' });
    beforeAll(async () => {
      db = await driver.open();
      sim = new CamlyticsSimulator({ seed: `webhook-${driver.name}` });
      await sim.start();
      t = await startCamlyticsApp(db, [camlyticsInstance(sim.url), { type: 'camlytics', id: 'nohook', restApi: false }]);
    });
    afterAll(async () => {
      await t?.close();
      await sim?.stop();
      await db?.cleanup();
    });

    it('webhook first, poll later: stored once (from the webhook), the poll recognises it', async () => {
      const ev = offline.emit({ channel_id: ENTRANCE.id, channel_name: ENTRANCE.name, type: 'TripwireCrossed', time: sim.formatTime(Date.now()) });
      const r = await sim.sendWebhook(webhookUrl(t), 'immediate', { event: ev });
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body)).toEqual({ status: 'stored', seq: expect.stringMatching(/^\d+$/) });
      const requestsBefore = sim.stats.eventRequests;
      sim.emit(ev); // now Camlytics' REST API returns the same event (with its event_id)
      await waitFor(() => sim.stats.eventRequests >= requestsBefore + 2, 8000, 'two more polls');
      const stored = withEventTime(await camlyticsEvents(t), ev);
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ deliveredBy: 'WEBHOOK', eventId: null, kind: 'LINE_CROSSED', objectId: ev.object_id, ruleId: ev.rule_id, eventName: 'Line crossed' });
      expect((await adapterInfo(t)).counters['poll.duplicates'] ?? 0).toBe(0); // skipped as seen, the store not even asked
    });

    it('poll first, webhook later: the webhook is answered 200 "duplicate" and nothing more is stored', async () => {
      const ev = sim.emit({ channel_id: WEBCAM.id, type: 'RegionJoin' });
      await waitFor(async () => withEventTime(await camlyticsEvents(t), ev).length === 1, 8000, 'the polled event');
      for (let i = 0; i < 2; i++) {
        // Camlytics retrying does not matter either
        const r = await sim.sendWebhook(webhookUrl(t), 'immediate', { event: ev });
        expect(r.status).toBe(200);
        expect(JSON.parse(r.body).status).toBe('duplicate');
      }
      const stored = withEventTime(await camlyticsEvents(t), ev);
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ deliveredBy: 'POLL', eventId: ev.event_id });
      expect((await adapterInfo(t)).counters['webhook.duplicates']).toBe(2);
    });

    it('stores hourly and daily aggregates and answers "Line 1 crossings per hour today", per event type and per period', async () => {
      const day = Date.UTC(2024, 5, 14) - 3 * HOUR_MS; // local (+03:00) midnight
      const agg = new CamlyticsSimulator({ seed: 'aggregates', now: () => day + 25 * HOUR_MS });
      const expectLine1: number[] = [];
      const expectCrossings: number[] = [];
      for (let h = 0; h < 4; h++) {
        for (let i = 0; i < 3 + h; i++) agg.emit({ channel_id: WEBCAM.id, type: 'TripwireCrossed', rule_id: LINE_1, rule_name: 'Line 1', time: agg.formatTime(day + h * HOUR_MS + i * 60_000) });
        agg.emit({ channel_id: WEBCAM.id, type: 'TripwireCrossed', rule_id: '689351ab-239c-420f-b22e-cfc27fce6806', rule_name: 'Line 2', time: agg.formatTime(day + h * HOUR_MS + 30 * 60_000) });
        agg.emit({ channel_id: WEBCAM.id, type: 'MotionInRegionOn', time: agg.formatTime(day + h * HOUR_MS + 40 * 60_000) });
        expectLine1.push(3 + h);
        expectCrossings.push(4 + h);
      }
      for (let h = 0; h < 4; h++) {
        const r = await agg.sendWebhook(webhookUrl(t), 'hourly', { since: new Date(day + h * HOUR_MS), channelId: WEBCAM.id });
        expect(r.status).toBe(200);
        expect(JSON.parse(r.body)).toMatchObject({ status: 'stored', granularity: 'HOURLY', channelId: WEBCAM.id });
      }
      await agg.sendWebhook(webhookUrl(t), 'hourly', { since: new Date(day + HOUR_MS), channelId: WEBCAM.id }); // re-sent: replaces
      await agg.sendWebhook(webhookUrl(t), 'hourly', { since: new Date(day), channelId: ENTRANCE.id }); // another channel
      expect((await agg.sendWebhook(webhookUrl(t), 'daily', { since: new Date(day), channelId: WEBCAM.id })).status).toBe(200);

      const from = new Date(day).toISOString();
      const to = new Date(day + 24 * HOUR_MS - 1).toISOString();
      const line1 = await t.gql(AGGS, { g: 'HOURLY', ch: WEBCAM.id, from, to, ruleName: 'Line 1' });
      expect(line1.errors).toBeUndefined();
      const buckets: Ev[] = line1.data.camlyticsAggregates;
      expect(buckets.map((b) => b.count)).toEqual(expectLine1);
      expect(buckets).toHaveLength(4);
      buckets.forEach((b, h) => {
        expect(new Date(b.since).getTime() - (day + h * HOUR_MS)).toBeLessThan(1000); // the app's firing latency
        expect(new Date(b.until).getTime() - new Date(b.since).getTime()).toBe(HOUR_MS);
        expect(b).toMatchObject({ instance: 'office', granularity: 'HOURLY', channelName: WEBCAM.name, rules: [{ ruleId: LINE_1, ruleName: 'Line 1' }] });
      });
      const byRuleId = await t.gql(AGGS, { g: 'HOURLY', ch: WEBCAM.id, from, to, rule: LINE_1 });
      expect(byRuleId.data.camlyticsAggregates.map((b: Ev) => b.count)).toEqual(expectLine1);

      const crossings = await t.gql(AGGS, { g: 'HOURLY', ch: WEBCAM.id, from, to, type: 'TripwireCrossed' });
      expect(crossings.data.camlyticsAggregates.map((b: Ev) => b.count)).toEqual(expectCrossings);
      expect(crossings.data.camlyticsAggregates[0].eventTypes).toEqual([{ eventType: 'TripwireCrossed', eventName: 'Line crossed', count: 4 }]);

      const total = expectCrossings.reduce((a, b) => a + b, 0) + 4;
      const daily = await t.gql(AGGS, { g: 'DAILY', from, to });
      expect(daily.data.camlyticsAggregates).toHaveLength(1);
      expect(daily.data.camlyticsAggregates[0]).toMatchObject({ granularity: 'DAILY', count: total });
      expect(daily.data.camlyticsAggregates[0].eventTypes).toHaveLength(14);

      // every channel and granularity of the day; by camera id
      const all = await t.gql(AGGS, { from, to });
      expect(all.data.camlyticsAggregates).toHaveLength(4 + 1 + 1);
      const cam = (await t.gql(AGGS, { g: 'HOURLY', cam: `camlytics/office/${ENTRANCE.id}`, from, to })).data.camlyticsAggregates;
      expect(cam).toHaveLength(1);
      expect(cam[0]).toMatchObject({ channelId: ENTRANCE.id, camera: { name: ENTRANCE.name } });
      const camByGlobalId = await t.gql(AGGS, { g: 'HOURLY', cam: cam[0].camera.id, from, to });
      expect(camByGlobalId.data.camlyticsAggregates).toHaveLength(1);

      const both = await t.gql(AGGS, { rule: LINE_1, type: 'TripwireCrossed' });
      expect(both.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      const unknown = await t.gql('{ camlyticsAggregates(instance: "nope") { count } }');
      expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    });

    it('answers 401 to a missing or wrong token and stores nothing, even for a valid body', async () => {
      const before = (await camlyticsEvents(t)).length;
      const ev = offline.emit({ channel_id: WEBCAM.id });
      const body = { channel_id: ev.channel_id, event_type: ev.type, event_time: ev.time, object_id: 1 };
      for (const url of [webhookUrl(t, null), webhookUrl(t, 'wrong-token-wrong-token'), webhookUrl(t, TOKEN.slice(0, -1)), webhookUrl(t, '')]) {
        const r = await post(url, JSON.stringify(body));
        expect(r.status).toBe(401);
        expect(r.json.error.code).toBe('UNAUTHENTICATED');
      }
      expect((await post(webhookUrl(t, 'x'), '{broken')).status).toBe(401); // the body is not even read
      expect((await camlyticsEvents(t)).length).toBe(before);
      const nohook = await post(webhookUrl(t, TOKEN, 'nohook'), JSON.stringify(body));
      expect(nohook.status).toBe(404); // no webhookToken configured: no webhook route
    });

    it.each([
      ['malformed JSON', '{"channel_id": "x",', /^invalid JSON at position 19: unexpected end of input$/],
      ['an empty body', '', /^invalid JSON: the body is empty$/],
      ['a JSON list', '[1,2]', /^body: expected a JSON object, got a list$/],
      ['an unknown shape', '{"hello":"world"}', /^body: neither an immediate event/],
      ['an immediate event without time', JSON.stringify({ channel_id: 'c', event_type: 'TripwireCrossed' }), /^event_time: required$/],
      ['a bad time', JSON.stringify({ channel_id: 'c', event_type: 'TripwireCrossed', event_time: '20/05/2019 18:02' }), /^event_time: not a date-time/],
      [
        'object_id as an object',
        JSON.stringify({ channel_id: 'c', event_type: 'TripwireCrossed', event_time: '2019-05-20T18:02:51.2984871+03:00', object_id: {} }),
        /^object_id: expected a string or number/,
      ],
      [
        'an aggregate with a 6 h span',
        JSON.stringify({ channel_id: 'c', since_time: '2019-05-20T12:00:00+03:00', until_time: '2019-05-20T18:00:00+03:00', rule_id_aggregate: [] }),
        /^until_time is 360 minutes after since_time/,
      ],
      [
        'an aggregate with a bad count',
        JSON.stringify({ channel_id: 'c', since_time: '2019-05-20T17:00:00+03:00', until_time: '2019-05-20T18:00:00+03:00', event_type_aggregate: [{ event_type: 'X', event_count: 'many' }] }),
        /^event_type_aggregate\[0\]\.event_count: expected a non-negative integer/,
      ],
    ])('answers 400 to %s, naming the problem, and stores nothing', async (_what, body, message) => {
      const before = (await camlyticsEvents(t)).length;
      const aggBefore = (await t.gql(AGGS, {})).data.camlyticsAggregates.length;
      const r = await post(webhookUrl(t), body);
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe('BAD_USER_INPUT');
      expect(r.json.error.message).toMatch(message);
      expect((await camlyticsEvents(t)).length).toBe(before);
      expect((await t.gql(AGGS, {})).data.camlyticsAggregates.length).toBe(aggBefore);
    });

    it('keeps unknown event types from webhooks as ANALYTICS_ALERT with their vendor type', async () => {
      const ev = offline.emit({ channel_id: ENTRANCE.id, type: 'PersonFall', time: sim.formatTime(Date.now() - 5000) });
      const r = await sim.sendWebhook(webhookUrl(t), 'immediate', { event: ev });
      expect(r.status).toBe(200);
      const [stored] = withEventTime(await camlyticsEvents(t), ev);
      expect(stored).toMatchObject({ kind: 'ANALYTICS_ALERT', vendorType: 'PersonFall', eventName: 'Person fall' });
    });
  });
}
