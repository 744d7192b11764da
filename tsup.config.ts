import { defineConfig } from 'tsup';

const entry = {
  index: 'src/index.ts',
  'testing/index': 'src/testing/index.ts',
  'dev-server/index': 'src/dev-server/index.ts',
};

export default defineConfig([
  {
    // ESM: dependencies stay external so that an app shares one copy of ky with us.
    entry: { ...entry, 'cli/index': 'src/cli/index.ts' },
    format: ['esm'],
    dts: { entry },
    sourcemap: true,
    clean: true,
    target: 'node20',
    splitting: true,
    treeshake: true,
  },
  {
    // CJS: ky and p-retry are ESM-only, and `require()` of ESM needs Node >= 20.19. Bundling them
    // into the CJS build keeps `require('confidential-client')` working on every Node >= 20.
    entry,
    format: ['cjs'],
    dts: { entry },
    sourcemap: true,
    target: 'node20',
    noExternal: ['ky', 'p-retry', 'is-network-error'],
  },
]);
