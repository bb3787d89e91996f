import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Runs only the letta-code CLI test, from the repository root so it can reuse test/support.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/letta-code/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
