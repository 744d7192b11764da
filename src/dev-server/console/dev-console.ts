/**
 * The dev-server console: `GET /` and `/mfpconsole` serve the page, `/mfpconsole/<file>` its
 * files, and `/mfpconsole/api/…` the emulator's console API. Everything else goes to the
 * emulator, as without the console.
 *
 * @module
 * @internal
 */

import { CONSOLE_API_PATH, ConsoleApi } from '../../emulator/console-api.js';
import type { MobileFirstEmulator } from '../../emulator/emulator.js';
import { jsonResponse } from '../../emulator/http-util.js';
import { consoleFile } from './console-files.js';

/** The console's path, as on a MobileFirst server (the Operations Console). @internal */
export const CONSOLE_PATH = '/mfpconsole';

/** What the dev server asks to answer a request: the emulator, or the console in front of it. @internal */
export interface RequestHandler {
  handle(request: Request): Promise<Response>;
}

/**
 * Puts the console in front of an emulator.
 *
 * @param emulator - The emulator the console shows and controls.
 * @param options - `beyondLoopback`: whether the server listens beyond loopback (the page warns).
 * @returns A handler for every request of the dev server.
 * @internal
 */
export function withConsole(
  emulator: MobileFirstEmulator,
  options: { beyondLoopback: boolean },
): RequestHandler {
  const api = new ConsoleApi(emulator, options);
  return {
    async handle(request) {
      const { pathname } = new URL(request.url);
      if (pathname.startsWith(CONSOLE_API_PATH)) return api.handle(request);
      const name =
        pathname === '/' || pathname === CONSOLE_PATH || pathname === `${CONSOLE_PATH}/`
          ? 'index.html'
          : pathname.startsWith(`${CONSOLE_PATH}/`)
            ? pathname.slice(CONSOLE_PATH.length + 1)
            : undefined;
      if (name === undefined) return emulator.handle(request);
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return jsonResponse(405, { message: 'use GET' }, { allow: 'GET, HEAD' });
      }
      return (
        (await consoleFile(name, request.method)) ??
        jsonResponse(404, { message: `the console has no file ${pathname}` })
      );
    },
  };
}
