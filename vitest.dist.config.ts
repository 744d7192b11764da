import { defineConfig } from 'vitest/config';

/** Tests of the built package (dist/): run by .ci/run after `npm run build`. */
export default defineConfig({
  test: {
    include: ['test-dist/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
