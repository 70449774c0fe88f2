import { defineConfig } from 'vitest/config';

/**
 * `npm run test:faults`: the fault tests (test/faults), apart from `npm test` because they run real
 * server processes through a fault proxy for minutes. One file at a time: they measure memory and
 * time on a small shared machine.
 */
export default defineConfig({
  resolve: {
    alias: { graphql: 'graphql/index.js' },
  },
  test: {
    include: ['test/faults/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 90_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
