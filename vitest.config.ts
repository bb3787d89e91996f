import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // The letta-code CLI test needs its own install (test/letta-code/package.json) and runs on its own.
    exclude: [...configDefaults.exclude, 'test/letta-code/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each e2e file starts its own servers and databases; two workers suit the 2-core machine.
    maxWorkers: 2,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
