/**
 * The console page's static files (HTML, CSS, ES modules), read from the package as they are: no
 * build step, nothing bundled. In the sources they sit in `./static/`; the build copies them next
 * to the bundled dev server (`dist/dev-server/static/`, see tsup.config.ts), where this module's
 * code then lives.
 *
 * @module
 * @internal
 */

import { readdir, readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

// The CJS build has `__filename` (and no `import.meta`); ESM has `import.meta.url`. Either names
// the file this code is in: the source module, or the bundled dist/dev-server/index.{js,cjs}.
const STATIC_DIR = new URL(
  './static/',
  typeof __filename === 'string' ? pathToFileURL(__filename) : import.meta.url,
);

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml',
};

/**
 * What the page may load: itself and its own files, nothing inline, nothing from elsewhere, and
 * no framing (the page holds the administrator's credentials while it is open).
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

let names: Promise<Set<string>> | undefined;

/** The files that can be served: read once, so that a request path is never a file path. */
function staticNames(): Promise<Set<string>> {
  names ??= readdir(STATIC_DIR).then(
    (files) => new Set(files.filter((file) => /^[a-z0-9-]+\.(html|css|js|svg)$/.test(file))),
  );
  return names;
}

/**
 * One static file of the console, as a response.
 *
 * @param name - A file name such as `console.js` (never a path).
 * @param method - `GET` or `HEAD`.
 * @returns The response, or `undefined` if there is no such file.
 * @internal
 */
export async function consoleFile(name: string, method: string): Promise<Response | undefined> {
  if (!(await staticNames()).has(name)) return undefined;
  const type = CONTENT_TYPES[name.slice(name.lastIndexOf('.') + 1)]!;
  const body = method === 'HEAD' ? null : await readFile(new URL(name, STATIC_DIR));
  return new Response(body, {
    status: 200,
    headers: { 'content-type': type, ...SECURITY_HEADERS },
  });
}
