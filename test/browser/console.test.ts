/**
 * The web console in a real browser (Debian's Chromium through playwright-core) against a real
 * server with API keys and simulators of FF (plate reads posted here), IVMS (archive HLS, linked
 * into the gate camera) and VXG (triggerable camera): sign in with a key, a live plate read with its
 * image, search it (exact and fuzzy), open it, play its video (hls.js reaches "playing"), trigger a
 * VXG event from Cameras and see it arrive on Live, pause/resume Live without a gap, an adapter's
 * status change shown live, add a plate to a list and see the next read match, create a rule that
 * triggers the VXG camera on a plate read and see its SUCCEEDED run, create a webhook sink to a
 * local receiver (secret shown once, verified on the delivery; pause/resume), Admin's disk figures,
 * retention edit and audit entries, a read-only key sees no actions and no Admin page. Every page gets an axe check
 * (no serious or critical violations) and a screenshot in test/browser/screenshots/ (git-ignored).
 * Skipped, saying so, where /usr/bin/chromium is not installed (`.ci/run` installs it).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { IvmsSimulator } from '@unified-surveillance/simulators/ivms';
import { VxgSimulator } from '@unified-surveillance/simulators/vxg';
import { makeJpeg } from '@unified-surveillance/simulators/kit';
import { CONSOLE_DIST } from '../../src/app.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { WebhookReceiver } from '../helpers/webhook-receiver.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.log(`${CHROMIUM} not found: the browser tests of the web console are skipped (apt-get install chromium)`);

const ADMIN = 'console-admin-key-0123456789';
const READER = 'console-reader-key-0123456789';
const VXG_CAM = 248527;
const SHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const LOCAL_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

describe.skipIf(!hasChromium)('web console in Chromium', () => {
  let t: TestApp;
  let ivms: IvmsSimulator;
  let vxg: VxgSimulator;
  let receiver: WebhookReceiver;
  let browser: Browser;
  let page: Page;
  let plateEventSeq = 0;
  const pageErrors: string[] = [];

  const admin = (query: string, variables?: Record<string, unknown>) => t.gql(query, variables, { authorization: `Bearer ${ADMIN}` });

  /** A plate read from the FF gate camera, as the camera posts it (JSON with a base64 JPEG plate crop), occurred `agoMs` before now. */
  const postPlate = async (plate: string, agoMs = 0) => {
    plateEventSeq++;
    const res = await fetch(`${t.url}/adapters/ff/default/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        packetCounter: String(plateEventSeq),
        carID: String(50_000 + plateEventSeq),
        carState: 'new',
        plateText: plate,
        plateConfidence: '0.910000',
        carMoveDirection: 'in',
        capture_timestamp: String(Date.now() - agoMs),
        sensorProviderID: 'GATE-NORTH',
        ImageArray: [{ ImageType: 'plate', ImageFormat: 'jpeg', BinaryImage: makeJpeg(plate, 2_000).toString('base64') }],
      }),
    });
    expect(res.status).toBe(200);
  };

  /** axe on the current page: no serious or critical violations. */
  const axe = async (name: string) => {
    const { default: AxeBuilder } = await import('@axe-core/playwright');
    const result = await new AxeBuilder({ page: page as never }).analyze();
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${name}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    expect(bad).toEqual([]);
  };
  const shot = (name: string) => page.screenshot({ path: `${SHOTS}${name}.png` });

  const signIn = async (p: Page, key: string) => {
    await p.goto(`${t.url}/`);
    await p.getByLabel('API key').fill(key);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('navigation', { name: 'Pages' }).waitFor();
  };

  beforeAll(async () => {
    if (!existsSync(`${CONSOLE_DIST}/index.html`)) {
      const vite = await import('vite');
      await vite.build({ configFile: fileURLToPath(new URL('../../console/vite.config.ts', import.meta.url)), logLevel: 'warn' });
    }
    mkdirSync(SHOTS, { recursive: true });
    ivms = new IvmsSimulator({ seed: 'console' });
    vxg = new VxgSimulator({ seed: 'console' });
    await Promise.all([ivms.start(), vxg.start()]);
    receiver = await WebhookReceiver.start();
    t = await startTestApp({
      config: {
        auth: {
          apiKeys: [
            { key: ADMIN, name: 'operator', scopes: ['admin'] },
            { key: READER, name: 'viewer', scopes: ['events:read'] },
          ],
        },
        adapters: [
          { type: 'ff', id: 'default', tcpPort: 0 },
          { type: 'ivms', id: 'hq', baseUrl: ivms.url, wsUrl: ivms.wsUrl, timezone: LOCAL_ZONE, maxReconnectSec: 0.5 },
          { type: 'vxg', id: 'cloud', accessToken: [vxg.tokenFor(VXG_CAM)], pollIntervalSec: 0.2 },
        ],
        sites: [{ id: 'gate', name: 'Gate', timezone: 'Europe/Prague' }],
        cameras: [{ id: 'gate-north', name: 'North gate', site: 'gate', sources: ['ff/default/GATE-NORTH', 'ivms/hq/1'] }],
        outbound: { allowHosts: ['127.0.0.1'] }, // the webhook receiver of the Sinks test
      },
    });
    // The gate camera records once IVMS channel 1 is known (its source brings ARCHIVE_STREAM).
    await waitFor(
      async () => {
        const r = await admin('{ cameras(first: 50) { edges { node { key capabilities } } } }');
        const cams = r.data?.cameras.edges.map((e: { node: { key: string | null; capabilities: string[] } }) => e.node) ?? [];
        return (
          cams.find((c: { key: string | null; capabilities: string[] }) => c.key === 'gate-north')?.capabilities.includes('ARCHIVE_STREAM') &&
          cams.some((c: { capabilities: string[] }) => c.capabilities.includes('TRIGGER_EVENT'))
        );
      },
      20_000,
      'the gate camera with archive and a triggerable VXG camera',
    );
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await (await browser.newContext({ viewport: { width: 1100, height: 720 } })).newPage(); // axe needs a page of a context
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await Promise.all([ivms?.stop(), vxg?.stop(), receiver?.close()]);
  });

  it('asks for a key, refuses a wrong one, then opens Live', async () => {
    await page.goto(`${t.url}/`);
    expect(new URL(page.url()).pathname).toBe('/console/');
    await page.getByLabel('API key').waitFor();
    await axe('sign-in');
    await shot('sign-in');
    await page.getByLabel('API key').fill('not-a-key-0123456789');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That key was not accepted.').waitFor();
    await page.getByLabel('API key').fill(ADMIN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Live' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/live');
    await page.getByText('operator (events:read, events:write, streams, admin)').waitFor();
  }, 60_000);

  it('shows a live plate read with its image', async () => {
    await page.locator('[data-status="live"]').waitFor();
    await postPlate('CON1234', 30_000);
    const row = page.locator('.live-row', { hasText: 'CON1234' });
    await row.waitFor({ timeout: 15_000 });
    await expect.poll(() => row.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 10_000 }).toBe(true);
    expect(await row.textContent()).toContain('North gate');
    expect(await row.textContent()).toContain('ff/default');
    await axe('live');
    await shot('live');
  }, 60_000);

  it('finds it on Events, by plate and fuzzy, with the filter in the URL', async () => {
    await page.getByRole('link', { name: 'Events', exact: true }).click();
    await page.getByLabel('Plate', { exact: true }).fill('CON1234');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'CON1234' }).waitFor();
    expect(new URL(page.url()).searchParams.get('plate')).toBe('CON1234');
    // OCR look-alikes: C0N1234 (zero for O) matches fuzzily.
    await page.getByLabel('Plate', { exact: true }).fill('C0N1Z34');
    await page.getByLabel(/Fuzzy/).check();
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/fuzzy=1/);
    await page.getByRole('link', { name: 'CON1234' }).waitFor();
    await axe('events');
    await shot('events');
  }, 60_000);

  it('opens the event and plays the video around it', async () => {
    await page.getByRole('link', { name: 'CON1234' }).first().click();
    await page.getByRole('heading', { name: /CON1234/ }).waitFor();
    await page.getByRole('img', { name: /plate crop of CON1234/ }).waitFor();
    await page.getByRole('button', { name: 'Play video around it' }).click();
    await page.locator('video[data-state="playing"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('video').evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 15_000 }).toBeGreaterThan(0.5);
    await axe('event');
    await shot('event');
  }, 90_000);

  it('triggers a VXG event from Cameras and sees it arrive on Live; Live resumes after a pause without a gap', async () => {
    const live = await (await browser.newContext({ viewport: { width: 1100, height: 720 } })).newPage();
    live.on('pageerror', (e) => pageErrors.push(e.message));
    try {
      await signIn(live, ADMIN);
      await live.locator('[data-status="live"]').waitFor();

      await page.getByRole('link', { name: 'Cameras' }).click();
      const card = page.locator('li.camera', { has: page.getByRole('button', { name: 'Trigger' }) }).first();
      await card.waitFor();
      await axe('cameras');
      await shot('cameras');
      await card.getByLabel('Event type').fill('door_bell');
      await card.getByRole('button', { name: 'Trigger' }).click();
      await card.getByText(/Triggered door_bell/).waitFor({ timeout: 15_000 });
      await live.locator('.live-row', { hasText: 'vxg/cloud' }).filter({ hasText: 'door_bell' }).first().waitFor({ timeout: 20_000 });

      // Pause (the subscription ends), a read arrives meanwhile, Resume: it is replayed after the last seq.
      await live.getByRole('button', { name: 'Pause' }).click();
      await live.locator('[data-status="paused"]').waitFor();
      await postPlate('GAP0001');
      await live.getByRole('button', { name: 'Resume' }).click();
      await live.locator('.live-row', { hasText: 'GAP0001' }).waitFor({ timeout: 15_000 });
      const seqs = await live.locator('.live-row').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.seq));
      expect(new Set(seqs).size).toBe(seqs.length); // no row twice
    } finally {
      await live.close();
    }
  }, 120_000);

  it('shows adapters with their status, counters and leases, and status changes live', async () => {
    await page.getByRole('link', { name: 'Adapters' }).click();
    for (const a of ['ff/default', 'ivms/hq', 'vxg/cloud']) await page.locator(`[data-adapter="${a}"]`).waitFor();
    const ivmsBadge = page.locator('[data-adapter="ivms/hq"] h2 .badge');
    expect(await ivmsBadge.textContent()).toBe('READY');
    await axe('adapters');
    await shot('adapters');
    // A status change arrives live (adapterStatusChanged), without reloading the page.
    await page.getByText('status changes arrive live').waitFor();
    ivms.refuseWebSockets = true;
    ivms.dropWebSockets();
    await expect.poll(() => ivmsBadge.textContent(), { timeout: 20_000 }).toBe('DEGRADED');
    ivms.refuseWebSockets = false;
    await expect.poll(() => ivmsBadge.textContent(), { timeout: 20_000 }).toBe('READY');
  }, 60_000);

  it('adds a plate to a new list and the next read matches it', async () => {
    await page.getByRole('link', { name: 'Lists' }).click();
    await page.getByLabel('Name').fill('Visitors');
    await page.getByLabel('Kind').selectOption('WATCH');
    await page.getByRole('button', { name: 'Create list' }).click();
    await page.getByRole('heading', { name: /Visitors/ }).waitFor();
    await page.getByLabel('Plate', { exact: true }).fill('VIS4242');
    await page.getByLabel('Label').fill('courier');
    await page.getByRole('button', { name: 'Add plate' }).click();
    await page.getByRole('cell', { name: 'VIS4242', exact: true }).waitFor();
    await axe('lists');
    await shot('lists');

    await postPlate('VIS4242');
    await page.getByRole('link', { name: 'Live' }).click();
    await page.locator('.live-row', { hasText: 'VIS4242' }).getByRole('link').click();
    await page.locator('[data-list="Visitors"]').waitFor();
    expect(await page.locator('[data-list="Visitors"]').textContent()).toContain('courier');
  }, 60_000);

  it('creates a rule that triggers the VXG camera on a plate read and shows its SUCCEEDED run', async () => {
    const cams = await admin('{ cameras(first: 50) { edges { node { id name capabilities } } } }');
    const vxgCam = cams.data.cameras.edges
      .map((e: { node: { id: string; name: string; capabilities: string[] } }) => e.node)
      .find((c: { capabilities: string[] }) => c.capabilities.includes('TRIGGER_EVENT'));
    await page.getByRole('link', { name: 'Rules' }).click();
    await page.getByRole('heading', { name: 'New rule' }).waitFor();
    await page.getByLabel('Cameras').locator('option', { hasText: 'North gate' }).waitFor({ state: 'attached' });
    await page.getByLabel('Name', { exact: true }).fill('Gate opener');
    await page.getByLabel('Cameras').selectOption({ label: 'North gate' });
    await page.getByLabel('Kinds').selectOption('PLATE_READ');
    await page.getByLabel('Do', { exact: true }).selectOption('trigger');
    await page.getByLabel('On camera').selectOption(vxgCam.id);
    await page.getByLabel('Event type').fill('door_bell');
    await page.getByRole('button', { name: 'Create rule' }).click();
    await page.getByRole('heading', { name: 'Runs of Gate opener' }).waitFor();
    const row = page.locator('tr[data-rule="Gate opener"]');
    expect(await row.textContent()).toContain('PLATE_READ · camera North gate');
    expect(await row.textContent()).toContain(`trigger door_bell on ${vxgCam.name}`);
    expect(await row.getByRole('button', { name: 'Disable Gate opener' }).count()).toBe(1);

    await postPlate('RUL0001');
    const run = page.locator('.runs tr', { hasText: 'RUL0001' });
    await run.waitFor({ timeout: 30_000 });
    await expect.poll(() => run.getAttribute('data-status'), { timeout: 30_000 }).toBe('SUCCEEDED');
    await axe('rules');
    await page.evaluate(() => window.scrollTo(0, 0)); // the form's button scrolled the page
    await shot('rules');
    // The run links to its event.
    await run.getByRole('link', { name: /RUL0001/ }).click();
    await page.getByRole('heading', { name: /RUL0001/ }).waitFor();
    // Disable it from the list: the API says so.
    await page.goBack();
    await page.getByRole('button', { name: 'Disable Gate opener' }).click();
    await page.getByRole('button', { name: 'Enable Gate opener' }).waitFor();
    await expect.poll(async () => (await admin('{ rules { name enabled } }')).data.rules.find((r: { name: string }) => r.name === 'Gate opener').enabled).toBe(false);
  }, 90_000);

  it('creates a webhook sink, shows its secret once, delivers to the receiver, pauses and resumes', async () => {
    await page.getByRole('link', { name: 'Sinks' }).click();
    await page.getByRole('heading', { name: 'New sink' }).waitFor();
    await page.getByLabel('Kind', { exact: true }).selectOption('WEBHOOK');
    await page.getByLabel('Name', { exact: true }).fill('Receiver');
    await page.getByLabel(/^URL/).fill(receiver.url);
    await page.getByLabel('Kinds').selectOption('PLATE_READ');
    await page.getByRole('button', { name: 'Create sink' }).click();
    const secretBox = page.getByRole('status').filter({ hasText: 'Signing secret of Receiver' });
    await secretBox.getByText('you will not see it again').waitFor();
    const secret = (await secretBox.locator('[data-secret]').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_/);
    receiver.setSecret(secret); // the receiver verifies deliveries with the secret the page showed
    await secretBox.getByRole('button', { name: 'I have saved it' }).click();
    await secretBox.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(secret);

    const card = page.locator('li.sink[data-sink="Receiver"]');
    await postPlate('SNK0001');
    await waitFor(() => receiver.requests.some((r) => JSON.stringify(r.body).includes('SNK0001')), 20_000, 'the delivery of SNK0001');
    const got = receiver.requests.find((r) => JSON.stringify(r.body).includes('SNK0001'));
    expect(got?.verified).toBe(true);
    await card.locator(`.deliveries tr[data-seq="${got?.seq}"]`, { hasText: 'DELIVERED' }).waitFor({ timeout: 15_000 });
    await card.locator('[data-state="ACTIVE"]').waitFor();
    await axe('sinks');
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('sinks');

    await card.getByRole('button', { name: 'Pause' }).click();
    await card.locator('[data-state="PAUSED"]').waitFor();
    await postPlate('SNK0002');
    await card.getByRole('button', { name: 'Resume' }).click();
    await card.locator('[data-state="ACTIVE"]').waitFor();
    await waitFor(() => receiver.requests.some((r) => JSON.stringify(r.body).includes('SNK0002')), 20_000, 'the delivery of SNK0002 after resume');

    // Replay from the first read's seq: it is delivered again (same webhook-id).
    const sent = () => receiver.requests.filter((r) => JSON.stringify(r.body).includes('SNK0001'));
    await card.getByLabel('Replay from seq').fill(String(got?.seq));
    await card.getByRole('button', { name: 'Replay' }).click();
    await waitFor(() => sent().length >= 2, 20_000, 'SNK0001 delivered again after the replay');
    expect(new Set(sent().map((r) => r.id)).size).toBe(1);

    // Delete, confirmed in the browser's dialog: gone from the page and the API.
    const replica = await admin('mutation($input: CreateWebhookSinkInput!) { createWebhookSink(input: $input) { sink { id } } }', { input: { name: 'Doomed', url: receiver.url } });
    expect(replica.errors).toBeUndefined();
    const doomed = page.locator('li.sink[data-sink="Doomed"]');
    await doomed.waitFor({ timeout: 15_000 }); // the page polls
    page.once('dialog', (d) => void d.accept());
    await doomed.getByRole('button', { name: 'Delete' }).click();
    await doomed.waitFor({ state: 'detached' });
    expect((await admin('{ sinks { name } }')).data.sinks.map((x: { name: string }) => x.name)).toEqual(['Receiver']);
  }, 90_000);

  it('shows disk figures, edits retention and lists the audit entries of the rule and sink', async () => {
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Disk' }).waitFor();
    const disk = page.locator('table.disk tbody tr');
    await disk.first().waitFor();
    expect(await disk.count()).toBeGreaterThanOrEqual(1);
    expect(await disk.first().locator('td').nth(1).textContent()).toMatch(/^\d+(\.\d)? (KB|MB|GB|TB)$/);
    await page.locator('table.usage tbody tr', { hasText: 'ff/default' }).first().waitFor();

    await page.getByRole('button', { name: 'Add a policy' }).click();
    await page.getByLabel('Policy 1 Kinds').fill('MOTION_STARTED, MOTION_ENDED');
    await page.getByLabel('Policy 1 Keep events').fill('30d');
    await page.getByLabel('Policy 1 Keep media').fill('7d');
    await page.getByRole('button', { name: 'Save policies' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const policies = (await admin('{ retentionPolicies { kinds events media } }')).data.retentionPolicies;
    expect(policies).toEqual([{ kinds: ['MOTION_STARTED', 'MOTION_ENDED'], events: '30d', media: '7d' }]);

    await page.getByRole('button', { name: 'Refresh' }).click();
    const audit = page.locator('table.audit');
    await audit.locator('tr[data-action="setRetentionPolicies"]').first().waitFor();
    for (const [action, name] of [
      ['createRule', 'Gate opener'],
      ['createWebhookSink', 'Receiver'],
    ]) {
      const entry = audit.locator(`tr[data-action="${action}"]`, { hasText: name });
      await entry.waitFor();
      expect(await entry.textContent()).toContain('operator');
    }
    await axe('admin');
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('admin');
  }, 60_000);

  it('hides what a read-only key may not do', async () => {
    const p = await (await browser.newContext()).newPage();
    try {
      await signIn(p, READER);
      await p.getByRole('link', { name: 'Cameras' }).click();
      await p.locator('li.camera').first().waitFor();
      expect(await p.getByRole('button', { name: 'Trigger' }).count()).toBe(0);
      expect(await p.getByRole('button', { name: 'Watch live' }).count()).toBe(0);
      await p.getByRole('link', { name: 'Lists' }).click();
      await p.getByRole('button', { name: 'Visitors' }).click();
      await p.getByRole('heading', { name: /Visitors/ }).waitFor();
      expect(await p.getByRole('button', { name: 'Add plate' }).count()).toBe(0);
      expect(await p.getByRole('button', { name: 'Create list' }).count()).toBe(0);
      expect(await p.getByRole('link', { name: 'Admin' }).count()).toBe(0);
      await p.getByRole('link', { name: 'Rules' }).click();
      await p.getByText('Rules and their runs need a key with the admin scope.').waitFor();
      expect(await p.getByRole('button', { name: 'Create rule' }).count()).toBe(0);
      await p.getByRole('link', { name: 'Sinks' }).click();
      await p.getByText('Sinks need a key with the admin scope.').waitFor();
      expect(await p.getByRole('button', { name: 'Create sink' }).count()).toBe(0);
    } finally {
      await p.close();
    }
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
