import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// The package's own names (`confidential-client`, `/testing`, `/dev-server`) resolve to src/ as
// tsconfig.json `paths` map them, each matched exactly so that `confidential-client/dev-server`
// is not caught by `confidential-client`.
const { paths } = JSON.parse(readFileSync(new URL('tsconfig.json', import.meta.url), 'utf8'))
  .compilerOptions as { paths: Record<string, [string]> };
const selfReferences = Object.entries(paths).map(([specifier, [target]]) => ({
  find: new RegExp(`^${specifier.replace(/[/.-]/g, '\\$&')}$`),
  replacement: new URL(target, import.meta.url).pathname,
}));

export default defineConfig({
  resolve: { alias: selfReferences },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    restoreMocks: true,
    unstubGlobals: true,
    testTimeout: 15_000,
    // `vitest run --coverage` (npm test): every module of src/ reported, the core held to 90 %
    // of lines and branches (the emulator, the test kits and the CLI are reported, not held).
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: [['text', { skipFull: true }], 'text-summary'],
      thresholds: {
        'src/{confidential-client,observer,scope}.ts': { lines: 90, branches: 90 },
        'src/{dpop,errors,http,options,token,util}/**/*.ts': { lines: 90, branches: 90 },
      },
    },
  },
});
