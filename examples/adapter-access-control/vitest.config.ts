import { defineConfig } from 'vitest/config';

export default defineConfig({
  // One copy of graphql for the server under test and its schema ("from another module or realm").
  resolve: { alias: { graphql: 'graphql/index.js' } },
  test: { include: ['test/**/*.test.ts'], testTimeout: 20_000, hookTimeout: 60_000, pool: 'forks' },
});
