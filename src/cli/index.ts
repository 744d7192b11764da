#!/usr/bin/env node
/**
 * The `confidential-client` bin. It uses the package's public entry points only, by their names
 * (`confidential-client/dev-server`), as an application would: built, they resolve through the
 * package's own `exports`.
 *
 * @module
 */

import { processIo } from './io.js';
import { run } from './run.js';

run(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
