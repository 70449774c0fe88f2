/**
 * The web console's build: `npm run console:build` (also run by `npm install` and, when
 * console/dist is missing, by `npm start`). Served by the server under /console/ (hashed assets
 * cached for a year). No CDN: everything is bundled.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    reportCompressedSize: true,
    // hls.js (~180 KB gzip) is its own chunk, loaded only when a video plays.
    chunkSizeWarningLimit: 600,
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  server: {
    // `npx vite console` during development: the API of a server on :4000.
    proxy: { '/graphql': { target: 'http://localhost:4000', ws: true }, '/media': 'http://localhost:4000', '/streams': 'http://localhost:4000' },
  },
});
