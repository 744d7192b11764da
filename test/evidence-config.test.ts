import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * `npm run docs` (TypeDoc) and `npm run size` (size-limit) each list the entry points by hand: an
 * entry point added to package.json "exports" and forgotten there would go undocumented and
 * unmeasured without anyone noticing. These tests notice.
 */
const read = (path: string): unknown =>
  JSON.parse(readFileSync(new URL(`../${path}`, import.meta.url), 'utf8'));

const subpaths = Object.keys((read('package.json') as { exports: Record<string, unknown> }).exports)
  .filter((subpath) => subpath !== './package.json')
  .map((subpath) => (subpath === '.' ? '' : `${subpath.slice(2)}/`));

describe('evidence configuration covers every entry point', () => {
  it('TypeDoc documents each entry point of package.json "exports"', () => {
    const { entryPoints } = read('typedoc.json') as { entryPoints: string[] };
    expect([...entryPoints].sort()).toEqual(subpaths.map((dir) => `src/${dir}index.ts`).sort());
  });

  it('TypeDoc fails on any warning (an undocumented export among them)', () => {
    const options = read('typedoc.json') as Record<string, unknown>;
    expect(options.treatWarningsAsErrors).toBe(true);
    expect(options.validation).toMatchObject({ notDocumented: true, notExported: true });
  });

  it('size-limit has a budget for each entry point', async () => {
    const config = '../.size-limit.js'; // plain JS, untyped: imported by a name tsc does not follow
    const sizeLimits = ((await import(config)) as { default: unknown }).default;
    const budgeted = new Set(
      (sizeLimits as { path: string; limit?: string }[])
        .filter((entry) => entry.limit !== undefined)
        .map((entry) => entry.path),
    );
    for (const dir of subpaths) expect(budgeted).toContain(`dist/${dir}index.js`);
  });
});
