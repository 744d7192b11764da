import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as core from '../src/index.js';
import { defaults } from '../src/index.js';

/**
 * The runtime export list of each entry point, on purpose: a name that appears or goes away fails
 * here until `test/fixtures/public-api.json` says so too (and the CHANGELOG, for users). The built
 * package is held to the same list, ESM and CJS, in `test-dist/`.
 */
const expected = JSON.parse(
  readFileSync(new URL('./fixtures/public-api.json', import.meta.url), 'utf8'),
) as Record<string, string[]>;

const entries: Record<string, () => Promise<Record<string, unknown>>> = {
  'confidential-client': async () => core,
  'confidential-client/testing': () => import('../src/testing/index.js'),
  'confidential-client/dev-server': () => import('../src/dev-server/index.js'),
  'confidential-client/mobilefirst': () => import('../src/mobilefirst/index.js'),
  'confidential-client/redis': () => import('../src/redis/index.js'),
  'confidential-client/opentelemetry': () => import('../src/opentelemetry/index.js'),
};

describe('public surface', () => {
  it('lists every entry point of package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      exports: Record<string, unknown>;
    };
    const names = Object.keys(pkg.exports)
      .filter((subpath) => subpath !== './package.json')
      .map((subpath) =>
        subpath === '.' ? 'confidential-client' : `confidential-client/${subpath.slice(2)}`,
      );
    expect(Object.keys(expected).sort()).toEqual(names.sort());
  });

  it.each(Object.keys(entries))('%s exports exactly the names on record', async (name) => {
    const module = await (entries[name] as () => Promise<Record<string, unknown>>)();
    expect(Object.keys(module).sort()).toEqual(expected[name]);
  });

  it('internals stay out: no isLoopbackHost, resolveOptions or ResolvedOptions', () => {
    expect(Object.keys(core)).not.toContain('isLoopbackHost');
    expect(Object.keys(core)).not.toContain('resolveOptions');
  });

  it('defaults are read-only, nested objects too', () => {
    expect(Object.isFrozen(defaults)).toBe(true);
    expect(Object.isFrozen(defaults.retry)).toBe(true);
    expect(() => {
      (defaults.retry as { retries: number }).retries = 99;
    }).toThrow(TypeError);
  });
});
