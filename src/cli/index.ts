#!/usr/bin/env node
/**
 * The `confidential-client` bin. It uses the package's public entry points only, by their names
 * (`confidential-client`, `confidential-client/mobilefirst`, `confidential-client/dev-server`),
 * as an application would: built, they resolve through the package's own `exports`.
 *
 * @module
 */

import { processIo } from './io.js';
import { run } from './run.js';

// Two levels up from src/cli/index.ts (tsx) and from dist/cli/index.js alike.
const packageJson = new URL('../../package.json', import.meta.url);

run(process.argv.slice(2), processIo(packageJson)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A bug in the CLI itself: its stack helps the report. Errors of commands never get here.
    console.error(error);
    process.exitCode = 1;
  },
);
