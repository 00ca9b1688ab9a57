import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Native kernels use the process's cores; run test files one after another so timings of
    // one file never starve another (tests assert numbers, not timings, but CI has 2 cores).
    fileParallelism: false,
    // In CI list every test, so skipped CUDA suites show their reason in the log.
    reporters: process.env.CI ? ['verbose'] : ['default'],
  },
});
