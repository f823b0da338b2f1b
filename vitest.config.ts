import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    // Integration suites start real processes and databases; two cores, so keep it modest.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
