/**
 * The `dispatcher` option: an undici dispatcher (a private CA, a proxy, a client certificate)
 * given to every request the client sends, as `init.dispatcher`. The core never imports undici:
 * it only hands the object to `fetch`, which Node's global fetch and undici's own read.
 *
 * @module
 */
import { ConfigurationError } from '../errors/configuration-error.js';
import type { CredentialSource, DispatcherLike } from './types.js';

const NOT_A_DISPATCHER =
  "must be an undici Dispatcher (Agent, ProxyAgent, EnvHttpProxyAgent…); a node:http(s) Agent does not work with fetch: undici's new Agent({ connect: { ca, cert, key } }) takes the same TLS options.";

/**
 * Checks the `dispatcher` option.
 *
 * @param value - What the caller passed.
 * @returns The dispatcher, or `undefined` when none was given.
 * @throws {ConfigurationError} When it is not an undici dispatcher (a `node:https` Agent is the
 *   likely mistake: fetch does not use those).
 */
export function resolveDispatcher(value: unknown): CredentialSource<DispatcherLike> | undefined {
  if (value === undefined || typeof value === 'function') {
    return value as CredentialSource<DispatcherLike> | undefined;
  }
  return checkDispatcher(value, 'dispatcher');
}

/**
 * Reads the dispatcher to use now: the one given, or what the function gives.
 *
 * @param source - The `dispatcher` option.
 * @returns The dispatcher.
 * @throws {ConfigurationError} When the function gave something else (never shown).
 */
export async function readDispatcher(
  source: CredentialSource<DispatcherLike>,
): Promise<DispatcherLike> {
  return typeof source === 'function'
    ? checkDispatcher(await source(), 'dispatcher() (its result)')
    : source;
}

function checkDispatcher(value: unknown, option: string): DispatcherLike {
  if (typeof (value as Partial<DispatcherLike> | null)?.dispatch !== 'function') {
    throw new ConfigurationError(option, NOT_A_DISPATCHER);
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
export function withDispatcher(
  fetchImpl: typeof fetch,
  dispatcher: CredentialSource<DispatcherLike>,
): typeof fetch {
  const own = (init: RequestInit | undefined) => init !== undefined && 'dispatcher' in init;
  if (typeof dispatcher === 'function') {
    // Read for every request: a rotated certificate or CA is used from the next one on.
    return async (input, init) =>
      fetchImpl(
        input,
        own(init)
          ? init
          : ({ ...init, dispatcher: await readDispatcher(dispatcher) } as RequestInit),
      );
  }
  return (input, init) =>
    fetchImpl(input, own(init) ? init : ({ ...init, dispatcher } as RequestInit));
}
