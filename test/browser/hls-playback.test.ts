/**
 * A real browser plays an IVMS live stream through this server: headless Chromium (Debian's
 * package) loads hls.js, points it at the `playlistUrl` from startStream, and the video advances.
 * Skipped, saying so, where /usr/bin/chromium is not installed (`.ci/run` installs it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgliteTestDb, type TestDb } from '../helpers/db.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { startIvms, type IvmsHarness } from '../adapters/ivms/harness.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.log(`${CHROMIUM} not found: the browser HLS playback test is skipped (apt-get install chromium)`);

describe.skipIf(!hasChromium)('HLS playback in Chromium through /streams/', () => {
  let db: TestDb;
  let h: IvmsHarness;
  beforeAll(async () => {
    db = await openPgliteTestDb();
    h = await startIvms(db);
  });
  afterAll(async () => {
    await h?.close();
    await db?.cleanup();
  });

  it('hls.js plays the proxied playlist and its segments', async () => {
    const cameraId: string = await waitFor(
      async () => {
        const cams = await h.t.gql('{ cameras(filter: { adapters: ["ivms"], statuses: [ONLINE] }) { edges { node { id } } } }');
        return cams.data?.cameras.edges[0]?.node.id;
      },
      10_000,
      'an online IVMS camera',
    );
    const started = await h.t.gql('mutation($c: ID!) { startStream(input: { cameraId: $c, mode: LIVE }) { playlistUrl } }', { c: cameraId });
    const playlistUrl: string = started.data.startStream.playlistUrl;
    expect(playlistUrl).toMatch(/^\/streams\/[\w-]+\/index\.m3u8$/);

    const require = createRequire(import.meta.url);
    const hlsJs = readFileSync(require.resolve('hls.js/dist/hls.min.js'), 'utf8');
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      // The page is served from the server's own origin, as a frontend would be.
      await page.route(`${h.t.url}/__player.html`, (r) =>
        r.fulfill({
          contentType: 'text/html',
          body: `<video id="v" muted></video><script>${hlsJs}</script><script>
            const hls = new Hls(); hls.on(Hls.Events.ERROR, (_e, d) => { if (d.fatal) window.fatal = d.details; });
            hls.loadSource(${JSON.stringify(playlistUrl)}); hls.attachMedia(document.getElementById('v'));
            document.getElementById('v').play().catch(() => {});
          </script>`,
        }),
      );
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${h.t.url}/__player.html`);
      await page.waitForFunction(() => (document.getElementById('v') as HTMLVideoElement).currentTime > 2 || (window as { fatal?: string }).fatal, undefined, { timeout: 20_000 });
      const state = await page.evaluate(() => ({ t: (document.getElementById('v') as HTMLVideoElement).currentTime, fatal: (window as { fatal?: string }).fatal ?? null }));
      expect(errors).toEqual([]);
      expect(state.fatal).toBeNull();
      expect(state.t).toBeGreaterThan(2);
      expect(h.sim.stats.segmentFetches).toBeGreaterThan(1); // segments came from IVMS through our proxy
    } finally {
      await browser.close();
    }
  }, 60_000);
});
