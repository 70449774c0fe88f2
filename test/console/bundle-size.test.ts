/**
 * The web console's first load stays small: what index.html loads (entry script, CSS), every shared
 * chunk and the largest page chunk are at most 300 KB gzip-compressed together, and hls.js is not part of it
 * (it loads when a video plays). A size check on the build, not a timing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_DIST } from '../../src/app.ts';

const LIMIT = 300 * 1024;
const gz = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;

describe('web console bundle', () => {
  beforeAll(async () => {
    if (!existsSync(join(CONSOLE_DIST, 'index.html'))) {
      const vite = await import('vite');
      await vite.build({ configFile: fileURLToPath(new URL('../../console/vite.config.ts', import.meta.url)), logLevel: 'warn' });
    }
  }, 120_000);

  it('loads at most 300 KB of compressed JavaScript and CSS first, without hls.js', () => {
    const html = readFileSync(join(CONSOLE_DIST, 'index.html'), 'utf8');
    const initial = [...html.matchAll(/(?:src|href)="\/console\/(assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(initial.some((f) => f.endsWith('.js'))).toBe(true);
    expect(initial.filter((f) => /hls/.test(f))).toEqual([]);
    const initialBytes = initial.reduce((n, f) => n + gz(join(CONSOLE_DIST, f)), 0);
    const assets = readdirSync(join(CONSOLE_DIST, 'assets'));
    const pages = assets.filter((f) => /^(live|events|event|cameras|adapters|lists|rules|sinks|admin)-[\w-]{8}\.js$/.test(f));
    expect(pages.length).toBe(9); // each page is its own chunk
    const largestPage = Math.max(...pages.map((f) => gz(join(CONSOLE_DIST, 'assets', f))));
    const shared = assets
      .filter((f) => f.endsWith('.js') && !pages.includes(f) && !/^hls-[\w-]{8}\.js$/.test(f) && !initial.includes(`assets/${f}`))
      .reduce((n, f) => n + gz(join(CONSOLE_DIST, 'assets', f)), 0);
    const total = initialBytes + shared + largestPage;
    console.log(
      `console first load: ${(initialBytes / 1024).toFixed(1)} KB gzip (entry and CSS) + ${(shared / 1024).toFixed(1)} KB shared chunks + ${(largestPage / 1024).toFixed(1)} KB largest page = ${(total / 1024).toFixed(1)} KB`,
    );
    expect(total).toBeLessThanOrEqual(LIMIT);
  });
});
