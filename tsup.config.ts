import { cp } from 'node:fs/promises';
import { defineConfig } from 'tsup';

// The package's own names stay imports in the output: dist/testing/index.js imports
// `confidential-client/dev-server`, which Node resolves through our `exports` at run time (a
// self-reference), rather than tsconfig.json `paths` bundling another copy of the dev server.
//
// The Redis client is the application's (an optional peer of `/redis`): never bundled, in either
// build. `/redis` only reads the client it is given, so no build loads it at all today.
//
// `@opentelemetry/api` likewise (the optional peer of `/opentelemetry`): the application's copy
// holds the global providers, so a bundled one would see none of them.
const external = [
  'confidential-client',
  /^confidential-client\//,
  'redis',
  /^@redis\//,
  '@opentelemetry/api',
];

const entry = {
  index: 'src/index.ts',
  'testing/index': 'src/testing/index.ts',
  'dev-server/index': 'src/dev-server/index.ts',
  'mobilefirst/index': 'src/mobilefirst/index.ts',
  'redis/index': 'src/redis/index.ts',
  'opentelemetry/index': 'src/opentelemetry/index.ts',
};

// The dev-server console's page ships as it is written (HTML, CSS, ES modules: no build step),
// next to the bundled dev server (dist/dev-server/static/), where
// src/dev-server/console/console-files.ts finds it.
const copyConsoleFiles = () =>
  cp('src/dev-server/console/static', 'dist/dev-server/static', { recursive: true });

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
    external,
    onSuccess: copyConsoleFiles,
  },
  {
    // CJS: ky, p-retry and jose are ESM-only, and `require()` of ESM needs Node >= 20.19. Bundling
    // them into the CJS build keeps `require('confidential-client')` working on every Node >= 20.
    entry,
    format: ['cjs'],
    dts: { entry },
    sourcemap: true,
    target: 'node20',
    splitting: true,
    external,
    noExternal: ['ky', 'p-retry', 'is-network-error', 'jose'],
    // console-files.ts reads `__filename` where it exists (here), and `import.meta.url` only
    // elsewhere; CJS has no `import.meta`. (tsup's `shims` would define the URL in a shared
    // chunk: it would name dist/, not dist/dev-server/.)
    //
    // Class fields are lowered by esbuild: tsup turns split CJS chunks into CommonJS with sucrase,
    // whose class-field transform breaks jose's `super(message, options), this.name = …` (it
    // inserts a statement inside the comma expression: a SyntaxError at require time).
    esbuildOptions(options) {
      options.define = { ...options.define, 'import.meta.url': 'undefined' };
      options.supported = {
        ...options.supported,
        'class-field': false,
        'class-static-field': false,
      };
    },
  },
]);
