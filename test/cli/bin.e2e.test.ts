/**
 * The `confidential-client` bin end to end: each command spawned as a child process against a
 * dev server, reading its stdout, stderr and exit code (every exit code, 0 to 4, of every
 * command). `npm test` runs the sources (`node --import tsx src/cli/index.ts`); the dist tests
 * (vitest.dist.config.ts) run the built `dist/cli/index.js`.
 *
 * The commands' tests live in e2e/, one module each, and run from this one file so that the
 * runs overlap: each spawns Node (0.1 s built, 0.4 s under tsx) and some wait out the client's
 * retries against a closed port, which one concurrent suite spreads over the cores where
 * separate files would queue in one worker. The cases that need no child process run
 * in-process in the other test/cli files.
 */
import { describe, expect, it } from 'vitest';
import { runs } from './cli-harness.js';
import './e2e/token.js';
import './e2e/fetch.js';
import './e2e/push.js';
import './e2e/introspect.js';
import './e2e/clients.js';
import './e2e/program.js';
import './e2e/secrets.js';

describe('no output of any run holds a secret', () => {
  it('was checked on every run of this file (cli() checks each one as it ends)', () => {
    expect(runs.length).toBeGreaterThanOrEqual(35);
    expect(runs.some((run) => run.stderr.includes('warning: --client-secret'))).toBe(true);
    expect(runs.some((run) => run.stderr.startsWith('* ') || run.stderr.includes('\n* '))).toBe(
      true,
    );
  });
});
