/**
 * Where `confidential-client fetch` sends its request: an absolute http(s) URL, or a `/path` on
 * the server; and the origins its token may go to.
 *
 * @module
 */

import type { ConfidentialClientOptions } from 'confidential-client';
import { UsageError } from '../errors.js';

/**
 * Whether the argument is a path on the server (`/…`), not a URL (`https://…`, `//host/…`).
 *
 * @param raw - The argument.
 * @returns Whether it is a path.
 */
export function isPath(raw: string): boolean {
  return raw.startsWith('/') && !raw.startsWith('//');
}

/**
 * An absolute http(s) URL.
 *
 * @param raw - The argument.
 * @returns The URL.
 * @throws UsageError when it is not one.
 */
export function absolute(raw: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new UsageError(
      `${JSON.stringify(raw)} is neither an absolute URL (https://mfp.example.com/path) nor a path on the server (/path)`,
    );
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new UsageError(`the URL must be http: or https:, not ${parsed.protocol}`);
  }
  return parsed;
}

/**
 * The URL to fetch: an absolute http(s) URL, or a path that starts with `/`, appended to the
 * server URL (`--server-url`, MFP_SERVER_URL) or put on the token URL's origin, as `gh api /repos`
 * does: `confidential-client fetch /mfp/api/adapters/sample/resource`.
 *
 * @param raw - The argument.
 * @param options - The client's options, for the server URL.
 * @returns The URL.
 * @throws UsageError when it is neither, or the server URL is not a URL.
 */
export function target(raw: string, options: ConfidentialClientOptions): URL {
  if (!isPath(raw)) return absolute(raw);
  let prefix: string;
  try {
    prefix =
      options.serverUrl === undefined
        ? new URL((options.tokenUrl ?? options.issuer) as string | URL).origin
        : new URL(options.serverUrl).href.replace(/\/+$/, '');
  } catch {
    throw new UsageError(
      `${JSON.stringify(raw)} is a path on the server, but the server URL is not a URL: set --server-url (MFP_SERVER_URL)`,
    );
  }
  return absolute(prefix + raw);
}

/**
 * The client's options with the URL's origin among its `origins`: the token goes where the user
 * asked, as well as to the token endpoint's origin (and never across a redirect elsewhere).
 *
 * @param options - The client's options.
 * @param url - The URL to fetch.
 * @returns The options to make the client with.
 */
export function withOrigin(
  options: ConfidentialClientOptions,
  url: URL,
): ConfidentialClientOptions {
  let home: string | undefined;
  try {
    home = new URL(String(options.tokenUrl ?? options.serverUrl)).origin;
  } catch {
    return options; // The client's own check names the option.
  }
  return home === url.origin ? options : { ...options, origins: [home, url.origin] };
}
