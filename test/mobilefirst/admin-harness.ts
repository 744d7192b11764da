import { AdminClient, type AdminClientOptions } from '../../src/mobilefirst/index.js';

/** Every request an AdminClient sent, as `METHOD /path?query`. */
export interface RecordingFetch {
  readonly calls: string[];
  readonly fetch: typeof fetch;
  /** The requests that wrote (`PUT`). */
  readonly writes: () => string[];
}

/** A `fetch` that records each request and passes it to the global one (MSW or the network). */
export function recordingFetch(): RecordingFetch {
  const calls: string[] = [];
  return {
    calls,
    fetch: (input, init) => {
      const url = new URL(String(input));
      calls.push(`${init?.method ?? 'GET'} ${url.pathname}${url.search}`);
      return globalThis.fetch(input, init);
    },
    writes: () => calls.filter((call) => call.startsWith('PUT ')),
  };
}

/** An AdminClient for the DevKit administrator admin/admin. */
export function adminClient(
  serverUrl: string,
  extra: Partial<AdminClientOptions> = {},
): AdminClient {
  return new AdminClient({ serverUrl, username: 'admin', password: 'admin', ...extra });
}

/** Path of the admin API's client list of runtime `mfp`. */
export const CLIENTS_PATH = '/mfpadmin/management-apis/2.0/runtimes/mfp/confidentialclients';
