/**
 * The options of {@link PushClient}, and their resolution: the client (given, or made from its
 * options), the application ID, where the push service is, the time limit and the retry policy.
 *
 * @module
 */

import {
  ConfidentialClient,
  type ConfidentialClientOptions,
  ConfigurationError,
} from 'confidential-client';
import { findUnknownKey } from '../../util/unknown-keys.js';
import { checkApplicationId } from './path-segments.js';
import { type PushRetryOptions, type ResolvedPushRetry, resolvePushRetry } from './push-retry.js';

/** Options of {@link PushClient}. */
export interface PushClientOptions {
  /**
   * The confidential client whose tokens are used, or the options to make one (the PushClient
   * then owns it and closes it in `close()`). Its allowed scope must cover
   * `messages.write push.application.<applicationId>` (and `messages.read` for `get`).
   */
  readonly client: ConfidentialClient | ConfidentialClientOptions;
  /**
   * The push application ID, e.g. `com.acme.app`: printable ASCII without spaces, quotes,
   * backslashes or `/` (it becomes a scope element and a URL path segment).
   */
  readonly applicationId: string;
  /**
   * Base URL of the MobileFirst server; the push service is `{serverUrl}/imfpush/v1`.
   * @default the origin of the client's token URL
   */
  readonly serverUrl?: string | URL | undefined;
  /**
   * Full base URL of the push REST API, for a push service that lives elsewhere, e.g.
   * `https://push.example.com/imfpush/v1`. Not with `serverUrl`. Its origin must be among the
   * client's `origins`, or no token is sent there (a client made from options gets it added).
   * @default `{serverUrl}/imfpush/v1`
   */
  readonly pushUrl?: string | URL | undefined;
  /**
   * Time limit of one request in ms, its answer's body included (a service that stalls must not
   * hold a message, or its batch, forever). A request that times out may have been acted on:
   * `mayHaveBeenSent`.
   * @default 30000
   */
  readonly timeout?: number | undefined;
  /**
   * Retry policy, or `false` for none. Only failures the push service surely did not act on are
   * retried (see {@link PushClient}).
   * @default { retries: 5, minTimeout: 500, maxTimeout: 30000, factor: 2, randomize: true, maxRetryTime: 120000, maxRetryAfter: 60000 }
   */
  readonly retry?: PushRetryOptions | false | undefined;
}

/** The default {@link PushClientOptions.timeout}: 30 s, as the AdminClient's. */
const DEFAULT_TIMEOUT = 30_000;

/** {@link PushClientOptions}, checked. @internal */
export interface ResolvedPushClientOptions {
  readonly client: ConfidentialClient;
  /** Whether the PushClient made the client (and closes it). */
  readonly ownsClient: boolean;
  readonly applicationId: string;
  /** Without a trailing `/`. */
  readonly pushUrl: string;
  readonly timeout: number;
  readonly retry: ResolvedPushRetry;
}

const KEYS = new Set(['client', 'applicationId', 'serverUrl', 'pushUrl', 'timeout', 'retry']);

/** The push service below a server URL. */
const PUSH_PATH = '/imfpush/v1';

function httpUrl(value: unknown, option: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(String(value));
  } catch {
    // Reported below, with what it must be.
  }
  if ((typeof value !== 'string' && !(value instanceof URL)) || url === undefined) {
    throw new ConfigurationError(option, 'must be an absolute http(s) URL.');
  }
  if (!/^https?:$/.test(url.protocol) || url.search !== '' || url.hash !== '') {
    throw new ConfigurationError(option, 'must be an http(s) URL without a query or fragment.');
  }
  return url;
}

function withoutTrailingSlash(url: URL): string {
  return url.href.replace(/\/+$/, '');
}

/** A ConfidentialClient from any copy of the package: what it needs of one, not `instanceof`. */
function isClient(value: unknown): value is ConfidentialClient {
  const candidate = value as Partial<ConfidentialClient> | null;
  return (
    typeof candidate?.fetch === 'function' &&
    typeof candidate.getToken === 'function' &&
    typeof candidate.tokenUrl === 'string'
  );
}

/**
 * The client to use: the one given, or a new one made from its options, with the push service's
 * origin added to `origins` when it differs from the token endpoint's and `origins` is not set.
 */
function clientFrom(value: unknown, pushOrigin: string | undefined): ConfidentialClient {
  if (isClient(value)) return value;
  if (typeof value !== 'object' || value === null) {
    throw new ConfigurationError('client', 'must be a ConfidentialClient or its options.');
  }
  const options = value as ConfidentialClientOptions;
  if (pushOrigin === undefined || options.origins !== undefined) {
    return new ConfidentialClient(options);
  }
  let tokenOrigin: string | undefined;
  try {
    tokenOrigin = new URL(String(options.tokenUrl ?? options.serverUrl)).origin;
  } catch {
    // The client's own checks report it.
  }
  return new ConfidentialClient(
    tokenOrigin === undefined || tokenOrigin === pushOrigin
      ? options
      : { ...options, origins: [tokenOrigin, pushOrigin] },
  );
}

/**
 * Checks the options of a PushClient.
 *
 * @param options - As the caller passed them.
 * @returns The resolved options.
 * @throws {InvalidInputError} For `applicationId`.
 * @throws {ConfigurationError} For any other option, an unknown key, or the client's options.
 * @internal
 */
export function resolvePushClientOptions(options: PushClientOptions): ResolvedPushClientOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('options', 'must be an object { client, applicationId, … }.');
  }
  const unknown = findUnknownKey(options, KEYS);
  if (unknown !== undefined) {
    const hint = unknown.suggestion === undefined ? '' : ` (did you mean "${unknown.suggestion}"?)`;
    throw new ConfigurationError(unknown.key, `is not a known option${hint}.`);
  }
  const applicationId = checkApplicationId(options.applicationId);
  if (options.serverUrl !== undefined && options.pushUrl !== undefined) {
    throw new ConfigurationError('pushUrl', 'and `serverUrl` exclude each other: give one.');
  }
  const explicit =
    options.pushUrl !== undefined
      ? withoutTrailingSlash(httpUrl(options.pushUrl, 'pushUrl'))
      : options.serverUrl !== undefined
        ? withoutTrailingSlash(httpUrl(options.serverUrl, 'serverUrl')) + PUSH_PATH
        : undefined;
  const { timeout } = options;
  if (
    timeout !== undefined &&
    (typeof timeout !== 'number' || !(timeout > 0) || !Number.isFinite(timeout))
  ) {
    throw new ConfigurationError('timeout', 'must be a finite number of ms greater than 0.');
  }
  const retry = resolvePushRetry(options.retry);
  if (options.client === undefined) {
    throw new ConfigurationError('client', 'is required: a ConfidentialClient or its options.');
  }
  const ownsClient = !isClient(options.client);
  const client = clientFrom(options.client, explicit && new URL(explicit).origin);
  const pushUrl = explicit ?? new URL(client.tokenUrl).origin + PUSH_PATH;
  return { client, ownsClient, applicationId, pushUrl, timeout: timeout ?? DEFAULT_TIMEOUT, retry };
}
