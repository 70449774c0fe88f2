/**
 * `npx tsx bench/console-live.ts [rate] [seconds]`: the web console's Live page under load. A server
 * (embedded PGlite in a temporary directory) receives `rate` FF plate reads per second (default 200)
 * for `seconds` (default 10) over FF TCP push (one JSON object a line, paced every 20 ms), while
 * headless Chromium shows Live; the page's
 * requestAnimationFrame intervals are recorded with performance.now() and summarised (p50, p95,
 * p99, max, frames over 50 ms), with the rows in the DOM and the JS heap at the end. A figure, not an
 * assertion (not part of `npm run bench`: it needs /usr/bin/chromium, or CHROMIUM_PATH).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { CONSOLE_DIST, createApp } from '../src/app.ts';
import { validateConfig } from '../src/core/config/load.ts';
import { unusedPort } from '../test/helpers/ports.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const rate = Number(process.argv[2] ?? 200);
const seconds = Number(process.argv[3] ?? 10);

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (apt-get install chromium, or set CHROMIUM_PATH)`);
  if (!existsSync(join(CONSOLE_DIST, 'index.html'))) {
    const vite = await import('vite');
    await vite.build({ configFile: fileURLToPath(new URL('../console/vite.config.ts', import.meta.url)), logLevel: 'warn' });
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'usa-bench-console-'));
  const tcpPort = await unusedPort();
  const app = await createApp({
    env: { port: 0, host: '127.0.0.1', dataDir, logLevel: 'error' },
    config: validateConfig({ adapters: [{ type: 'ff', id: 'default', tcpPort }] }),
    log: pino({ level: 'error' }),
  });
  await app.listen();
  const url = app.url();
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${url}/console/live`);
    await page.locator('[data-status="live"]').waitFor();
    // Strings, not functions: tsx would add its __name helper, which the page does not have.
    await page.evaluate(`
      window.frames_ = [];
      let last = performance.now();
      const tick = (now) => { window.frames_.push(now - last); last = now; requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    `);

    // Feed: every 50 ms, rate/20 reads, one JSON object a line on one TCP connection (as FF cameras push).
    const socket = connect(tcpPort, '127.0.0.1');
    await new Promise<void>((r, j) => socket.once('connect', r).once('error', j));
    const start = Date.now();
    let sent = 0;
    const failed = 0;
    while (Date.now() - start < seconds * 1000) {
      // Send what the rate asks for by now (catches up when a tick comes late on a busy machine).
      const due = Math.floor(((Date.now() - start) / 1000) * rate);
      let chunk = '';
      while (sent < due) {
        const n = sent++;
        chunk += `${JSON.stringify({ carID: String(n), carState: 'new', plateText: `B${String(n).padStart(6, '0')}`, capture_timestamp: String(Date.now()), sensorProviderID: 'BENCH-1' })}\n`;
      }
      if (chunk) socket.write(chunk);
      await new Promise((r) => setTimeout(r, 20)); // pacing of the load generator, not synchronisation
    }
    socket.end();
    const elapsed = (Date.now() - start) / 1000;
    await page.waitForFunction(`Number(document.querySelector('[data-status]')?.textContent?.match(/(\\d+) received/)?.[1] ?? 0) >= ${sent - failed}`, undefined, { timeout: 30_000 }).catch(() => {});
    const result = (await page.evaluate(`(() => {
      const f = window.frames_.slice(1).sort((a, b) => a - b);
      const q = (p) => f[Math.min(f.length - 1, Math.floor(p * f.length))];
      return {
        frames: f.length, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: f[f.length - 1],
        over50: f.filter((x) => x > 50).length,
        domRows: document.querySelectorAll('.live-row').length,
        received: document.querySelector('[data-status]')?.textContent ?? '',
        heapMb: performance.memory ? performance.memory.usedJSHeapSize / 1048576 : null,
      };
    })()`)) as { frames: number; p50: number; p95: number; p99: number; max: number; over50: number; domRows: number; received: string; heapMb: number | null };
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    console.log(`console Live at ${rate} ev/s for ${seconds} s: sent ${sent} (${failed} failed) in ${elapsed.toFixed(1)} s = ${(sent / elapsed).toFixed(0)} ev/s`);
    console.log(`frames ${result.frames}: p50 ${ms(result.p50)}, p95 ${ms(result.p95)}, p99 ${ms(result.p99)}, max ${ms(result.max)}, ${result.over50} over 50 ms`);
    console.log(`rows in the DOM ${result.domRows}; status "${result.received.trim()}"; JS heap ${result.heapMb?.toFixed(1) ?? '?'} MB`);
  } finally {
    await browser.close();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
