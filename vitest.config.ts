import { defineConfig } from 'vitest/config';

/**
 * Unit tests (`*.test.ts`, beside the code) and integration tests (`*.int.test.ts`, which start
 * real workers and daemons from the build) in one run.
 */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    globalSetup: ['scripts/testing/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: integration files each run llama.cpp workers; more in parallel only adds contention.
    maxWorkers: 2,
  },
});
