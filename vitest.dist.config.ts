import { defineConfig } from 'vitest/config';

/**
 * Tests of the built package (dist/): run by .ci/run after `npm run build`. The CLI's end-to-end
 * tests (test/cli/*.e2e.test.ts) run here too, against the built bin `dist/cli/index.js`, whose
 * `confidential-client…` imports Node resolves through the package's own `exports`.
 */
export default defineConfig({
  test: {
    include: ['test-dist/**/*.test.ts', 'test/cli/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    env: { CONFIDENTIAL_CLIENT_BIN: 'dist' },
  },
});
