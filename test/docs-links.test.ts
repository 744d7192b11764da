import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const docs = [
  'README.md',
  ...readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const { files } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  files: string[];
};
const shipped = (path: string) =>
  path === 'package.json' || files.some((f) => path === f || path.startsWith(`${f}/`));

/** Relative link targets of a Markdown file, outside code blocks and code spans. */
function relativeLinks(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8')
    .replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?^ {0,3}\1[^\S\n]*$/gm, '')
    .replace(/(`+)[\s\S]*?\1/g, '');
  const targets = [
    ...[...text.matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1] ?? ''),
    ...[...text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1] ?? ''),
    ...[...text.matchAll(/\b(?:href|src)="([^"]*)"/g)].map((m) => m[1] ?? ''),
  ];
  return targets.filter((t) => t !== '' && !t.startsWith('#') && !/^[a-z][a-z\d+.-]*:/i.test(t));
}

/**
 * The README and docs/ ship in the package (npm shows the README; editors open it from
 * node_modules), so a relative link must reach a file that is shipped with them; anything else is
 * linked by its absolute URL.
 */
describe('links in README.md and docs/', () => {
  it.each(docs)('%s links only to files the package ships', (file) => {
    const broken = relativeLinks(file).flatMap((target) => {
      const path = normalize(join(file, '..', decodeURI(target.replace(/[#?].*$/, ''))));
      const inRoot = relative(root, join(root, path));
      if (!existsSync(join(root, path))) return [`${target}: no such file`];
      if (!shipped(inRoot)) return [`${target}: not in package.json "files"`];
      return [];
    });
    expect(broken).toEqual([]);
  });

  it('docs/ ships', () => {
    expect(shipped('docs/testing.md')).toBe(true);
  });
});
