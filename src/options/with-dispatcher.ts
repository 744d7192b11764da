/**
 * The `dispatcher` option: an undici dispatcher (a private CA, a proxy, a client certificate)
 * given to every request the client sends, as `init.dispatcher`. The core never imports undici:
 * it only hands the object to `fetch`, which Node's global fetch and undici's own read.
 *
 * @module
 */
import { ConfigurationError } from '../errors/configuration-error.js';
import type { DispatcherLike } from './types.js';

/**
 * Checks the `dispatcher` option.
 *
 * @param value - What the caller passed.
 * @returns The dispatcher, or `undefined` when none was given.
 * @throws {ConfigurationError} When it is not an undici dispatcher (a `node:https` Agent is the
 *   likely mistake: fetch does not use those).
 */
export function resolveDispatcher(value: unknown): DispatcherLike | undefined {
  if (value === undefined) return undefined;
  if (typeof (value as Partial<DispatcherLike> | null)?.dispatch !== 'function') {
    throw new ConfigurationError(
      'dispatcher',
      "must be an undici Dispatcher (Agent, ProxyAgent, EnvHttpProxyAgent…); a node:http(s) Agent does not work with fetch: undici's new Agent({ connect: { ca, cert, key } }) takes the same TLS options.",
    );
  }
  return value as DispatcherLike;
}

/**
 * A `fetch` that sends every request through `dispatcher`, unless the request names its own.
 *
 * @param fetchImpl - The fetch to call.
 * @param dispatcher - The dispatcher for `init.dispatcher`.
 * @returns The wrapped fetch.
 */
export function withDispatcher(fetchImpl: typeof fetch, dispatcher: DispatcherLike): typeof fetch {
  return (input, init) =>
    fetchImpl(
      input,
      init !== undefined && 'dispatcher' in init ? init : ({ ...init, dispatcher } as RequestInit),
    );
}
