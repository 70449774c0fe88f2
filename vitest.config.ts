import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // One copy of graphql for tests and the server ("from another module or realm").
    alias: { graphql: 'graphql/index.js' },
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/faults/**', 'node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most tests wait on sockets, timers and child processes rather than compute: two workers
    // overlap that on a 2-core machine (vitest's default there is one), and one module graph per
    // worker (no per-file isolation) saves importing the app again for every file.
    maxWorkers: 2,
    isolate: false,
    // Migrate once per run; every test database is a copy (test/helpers/db-templates.ts).
    globalSetup: ['test/helpers/db-templates.ts'],
  },
});
