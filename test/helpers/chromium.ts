import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';

/**
 * The Chromium executable of the browser tests: `CHROMIUM_PATH`, else `chromium` (the Debian
 * package; `.ci/run` installs it) or `chromium-browser` on the PATH. playwright-core drives it;
 * nothing downloads a browser.
 */
function findChromium(): string | undefined {
  if (process.env.CHROMIUM_PATH) {
    return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : undefined;
  }
  const found = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
    encoding: 'utf8',
  });
  return found.status === 0 ? found.stdout.trim().split('\n')[0] : undefined;
}

/** The executable, or `undefined` where there is none. */
export const chromiumPath = findChromium();

/** Why the browser tests are skipped, when they are. */
export const skipReason =
  'Chromium was not found (set CHROMIUM_PATH, or install the Debian package chromium): the console tests in a real browser are SKIPPED.';

if (chromiumPath === undefined) {
  // In CI the tests must run: a missing browser fails the run instead of passing it silently.
  if (process.env.CI) {
    throw new Error(
      'CI: Chromium was not found (set CHROMIUM_PATH, or install the Debian package chromium, as .ci/run does): the console tests in a real browser cannot run.',
    );
  }
  console.warn(`\n[skipped] ${skipReason}\n`);
}

/**
 * `describe` for tests that need Chromium: where it is missing, one skipped test says why (and in
 * CI, this module has already failed the run).
 */
export function describeWithChromium(name: string, body: (executablePath: string) => void): void {
  if (chromiumPath !== undefined) describe(name, () => body(chromiumPath));
  else describe(name, () => it.skip(skipReason, () => undefined));
}

/**
 * Where the tests write their screenshots: docs/images/ with `UPDATE_SCREENSHOTS=1` (the images
 * the README shows, committed), a temporary directory otherwise, so that a test run leaves the
 * repository clean.
 */
export function screenshotDir(): string {
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    const dir = new URL('../../docs/images/', import.meta.url).pathname;
    mkdirSync(dir, { recursive: true });
    return dir;
  }
  return mkdtempSync(join(tmpdir(), 'console-screenshots-'));
}
