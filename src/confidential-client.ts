// Over 300 lines on purpose: the public class, and most of it is the TSDoc of its methods; what it
// does is wire the parts (options, discovery, DPoP, token manager, authorized fetch) and delegate.

import ky from 'ky';
import { DpopProver } from './dpop/dpop-prover.js';
import { ClientClosedError } from './errors/client-closed-error.js';
import { AuthorizedFetch, type AuthorizedRequestInit } from './http/authorized-fetch.js';
import type { AuthorizedKyInstance, AuthorizedKyOptions } from './http/authorized-ky.js';
import type { ScopeEntry } from './http/exchange.js';
import { type ClientStats, Observer } from './observer.js';
import { defaults } from './options/defaults.js';
import { type ResolvedOptions, resolveOptions } from './options/resolve-options.js';
import { resolveResource } from './options/resolve-resource.js';
import { resolveScope } from './options/resolve-scope.js';
import type { ConfidentialClientOptions, ResourceInput } from './options/types.js';
import { formatScope, type ScopeInput } from './scope.js';
import type { AccessToken } from './token/access-token.js';
import { ClientAuthenticator } from './token/client-authenticator.js';
import { Discovery } from './token/discovery.js';
import { MemoryTokenStore } from './token/memory-token-store.js';
import { TokenEndpoint } from './token/token-endpoint.js';
import { TokenManager } from './token/token-manager.js';

/** Options of {@link ConfidentialClient.getToken}. */
export interface GetTokenOptions {
  /**
   * Scope of the token: a space-separated string or a list of elements. Omitted: the client's
   * default `scope`.
   */
  scope?: ScopeInput | undefined;
  /**
   * RFC 8707 resource indicator(s) of the token. Omitted: the client's default `resource`.
   * Tokens for different resources are cached apart.
   */
  resource?: ResourceInput | undefined;
  /** Skip the cache and get a new token from the server. @default false */
  forceRefresh?: boolean | undefined;
  /**
   * Abort this call. It ends only this caller's wait: a token request that other callers share
   * goes on for them.
   */
  signal?: AbortSignal | undefined;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const MAX_MEMO = 1_000;

/**
 * An OAuth 2.0 confidential client (client-credentials grant) for IBM MobileFirst Foundation or
 * any OAuth 2.0 authorization server. It gets tokens, caches them per scope, shares one request
 * among concurrent callers, and renews them before they expire.
 *
 * @example
 * ```ts
 * const client = new ConfidentialClient({
 *   serverUrl: 'https://mfp.example.com', clientId: 'backend', clientSecret: process.env.MFP_SECRET!,
 * });
 * const token = await client.getToken({ scope: 'accessRestricted' });
 * await fetch(url, { headers: { authorization: token.authorization } });
 * ```
 * @see https://mobilefirstplatform.ibmcloud.com/tutorials/en/foundation/8.0/authentication-and-security/confidential-clients/
 */
export class ConfidentialClient implements AsyncDisposable {
  readonly #options: ResolvedOptions;
  readonly #observer: Observer;
  readonly #manager: TokenManager;
  readonly #scopes = new Map<string, ScopeEntry>();
  /** Made on first use: with DPoP its cache key holds the key's thumbprint, known once it is ready. */
  #defaultScope: ScopeEntry | undefined;
  readonly #authorizedFetch: AuthorizedFetch;
  readonly #discovery: Discovery | undefined;
  /** With the `dpop` option: the key and the proofs. */
  readonly #dpop: DpopProver | undefined;
  /** Aborted by `close()`: ends a metadata read the DPoP key waits on. */
  readonly #closing = new AbortController();
  #ky: AuthorizedKyInstance | undefined;

  /**
   * @param options - Server, credentials and behaviour; see {@link ConfidentialClientOptions}.
   * @throws {ConfigurationError} When an option is missing or invalid (the message names it).
   */
  constructor(options: ConfidentialClientOptions) {
    const resolved = resolveOptions(options);
    this.#options = resolved;
    this.#observer = new Observer(resolved.logger, resolved.hooks, resolved.secrets);
    const dpop =
      resolved.dpop === undefined ? undefined : new DpopProver(resolved.dpop, resolved.now);
    this.#dpop = dpop;
    const discovery = resolved.discovery && new Discovery(resolved.discovery, resolved.metadata);
    this.#discovery = discovery;
    const known = resolved.metadata;
    const endpoint = new TokenEndpoint(
      {
        ...resolved.endpoint,
        server: discovery ? (signal) => discovery.get(signal) : () => known!,
        authenticator: new ClientAuthenticator(resolved.authenticator),
      },
      this.#observer,
      dpop,
    );
    // The default store is built here, where the client is wired: the options only check one.
    const store =
      resolved.store ??
      new MemoryTokenStore({ maxEntries: defaults.maxEntries, now: resolved.now });
    this.#manager = new TokenManager(
      { ...resolved.manager, store, dpop },
      endpoint,
      this.#observer,
    );
    this.#authorizedFetch = new AuthorizedFetch(
      resolved.http,
      {
        entry: (scope, resource) => this.#scopeEntry(scope, resource),
        entryFor: (scope, resource) => this.#entryFor(scope, resource),
        get: (entry, signal) =>
          this.#manager.get(entry.scope, entry.key, { signal, resource: entry.resource }),
        peek: (entry) => this.#manager.peek(entry.scope, entry.key, entry.resource),
        invalidate: (token) => this.#manager.invalidate(token),
      },
      this.#observer,
      dpop,
    );
    // Bound, so that `const { fetch } = client` and `ky.create({ fetch: client.fetch })` work.
    this.fetch = this.fetch.bind(this);
  }

  /**
   * `fetch` with a token. Same signature and semantics as the global `fetch` (it resolves with
   * every HTTP status and rejects only when no response came), plus `init.scope` and
   * `init.timeout`.
   *
   * - Attaches `Authorization: Bearer …` only to allowed `origins`; other requests go out
   *   untouched. A request that already has an `Authorization` header keeps it and is not retried.
   * - Follows redirects itself: the token goes only to hops on the request's own origin.
   * - `401` with a Bearer challenge: drops that token (compare-and-invalidate), gets a new one,
   *   replays once.
   * - `403 insufficient_scope, scope="…"`: gets a token for the union of the scope used and the
   *   scope required, replays once per distinct challenge, and remembers the scope for the
   *   resource (origin + path) so the next call gets the right token at once.
   *
   * @param input - URL string, `URL` or `Request`.
   * @param init - Request options, plus `scope` and `timeout`.
   * @returns The response.
   * @throws {InsufficientScopeError} The resource needs a scope the token endpoint refused.
   * @throws {TokenRequestError | NetworkError | TimeoutError} Getting a token failed, or the
   *   request timed out.
   * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
   */
  fetch(input: RequestInfo | URL, init?: AuthorizedRequestInit): Promise<Response> {
    if (this.#manager.closed) return Promise.reject(new ClientClosedError());
    // With DPoP, the first call makes the key ready (generated or imported) before anything else.
    if (this.#dpop !== undefined && !this.#dpop.ready) {
      return this.#prepareDpop(this.#dpop).then(() => this.#authorizedFetch.fetch(input, init));
    }
    return this.#authorizedFetch.fetch(input, init);
  }

  /**
   * A ky instance whose requests go through {@link ConfidentialClient.fetch}: tokens, redirects,
   * 401 and 403 are handled exactly as there, while ky's own retry, timeout, hooks and
   * `.json<T>()` stay ky's. Pass `scope` in a request's options to choose its token.
   *
   * @example
   * ```ts
   * const api = client.ky.extend({ prefixUrl: 'https://mfp.example.com/mfp/api/adapters' });
   * const data = await api.get('sample/resource').json<{ ok: boolean }>();
   * ```
   */
  get ky(): AuthorizedKyInstance {
    this.#ky ??= this.createKy();
    return this.#ky;
  }

  /**
   * A new ky instance over {@link ConfidentialClient.fetch}, with ky options and a default `scope`.
   *
   * @param options - ky options (`prefixUrl`, `retry`, `timeout`, `hooks`, …) and `scope`.
   * @returns The instance.
   * @throws {ConfigurationError} When `scope` is not a valid scope.
   */
  createKy(options: AuthorizedKyOptions = {}): AuthorizedKyInstance {
    const { scope, ...kyOptions } = options;
    if (scope !== undefined) resolveScope(scope, 'scope');
    const instance = ky.create({
      ...kyOptions,
      // ky passes options it does not know (such as `scope`) on to fetch in `init`.
      fetch: (input: RequestInfo | URL, init?: RequestInit) => {
        const requestInit = init as AuthorizedRequestInit | undefined;
        return this.fetch(
          input,
          scope === undefined || requestInit?.scope !== undefined
            ? requestInit
            : { ...requestInit, scope },
        );
      },
    });
    // The same object as ky's: only its option types know `scope` as well.
    return instance as AuthorizedKyInstance;
  }

  /**
   * The token endpoint URL. With `issuer`: the discovered one once known (the `metadata` option,
   * or after the first token request), the issuer until then.
   */
  get tokenUrl(): string {
    return this.#discovery?.current?.tokenEndpoint ?? this.#options.tokenUrl;
  }

  /** The `issuer` option, when the client was configured with one. */
  get issuer(): string | undefined {
    return this.#options.issuer;
  }

  /** The client ID. */
  get clientId(): string {
    return this.#options.clientId;
  }

  /** The default scope (sorted unique elements). */
  get scope(): readonly string[] {
    return this.#options.scope;
  }

  /**
   * Gets an access token: from the cache while it is fresh; otherwise from the token endpoint.
   *
   * - Concurrent calls for one scope share one request.
   * - A token in its refresh window is returned at once while one background refresh renews it.
   * - A cached token whose granted scope covers the requested one serves the request.
   * - Transient failures (network, 408, 429, 5xx) are retried with backoff; OAuth errors are not.
   *
   * @param options - `scope`, `resource`, `forceRefresh`, `signal`.
   * @returns The token.
   * @throws {TokenRequestError} The server refused (e.g. `invalid_client`, `invalid_scope`).
   * @throws {DiscoveryError} With `issuer`: the server's metadata could not be read.
   * @throws {TokenResponseError} The server's answer held no usable token.
   * @throws {NetworkError} The server could not be reached.
   * @throws {TimeoutError} The last attempt timed out.
   * @throws {ClientClosedError} After {@link close}.
   * @throws {ConfigurationError} When `scope` is not a valid scope.
   * @throws The signal's reason, when `signal` aborts first.
   */
  getToken(options: GetTokenOptions = {}): Promise<AccessToken> {
    if (this.#dpop !== undefined && !this.#dpop.ready) {
      return this.#prepareDpop(this.#dpop).then(() => this.getToken(options));
    }
    let entry: ScopeEntry;
    try {
      entry = this.#scopeEntry(options.scope, options.resource);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#manager.get(entry.scope, entry.key, { ...options, resource: entry.resource });
  }

  /**
   * Drops `token` from the cache if it is still the cached one (compare-and-invalidate): call it
   * when a resource rejected the token. A newer token that another caller already got stays.
   *
   * @param token - The rejected token.
   * @returns Whether a cached entry was removed.
   */
  invalidate(token: AccessToken): Promise<boolean> {
    return this.#manager.invalidate(token);
  }

  /**
   * Counters since the client was created: token requests, retries, cache hits and misses,
   * background refreshes, failures.
   *
   * @returns A snapshot (a copy).
   */
  stats(): ClientStats {
    return { ...this.#observer.stats };
  }

  /**
   * Stops refresh timers and aborts token requests under way; later calls reject with
   * `ClientClosedError`. Idempotent. A process that never calls it still exits: every timer is
   * `unref`'d.
   */
  async close(): Promise<void> {
    this.#manager.close();
    this.#closing.abort(new ClientClosedError());
  }

  /** `await using client = new ConfidentialClient(…)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** A summary without the secret. */
  toJSON(): Record<string, unknown> {
    return {
      tokenUrl: this.#options.tokenUrl,
      clientId: this.#options.clientId,
      scope: formatScope(this.#options.scope),
      clientSecret: '[redacted]',
    };
  }

  /** What `util.inspect` (and `console.log`) shows: no secret and no token. */
  [INSPECT](): string {
    return `ConfidentialClient ${JSON.stringify(this.toJSON())}`;
  }

  /**
   * Makes the DPoP key ready, once: with `issuer`, after the metadata is read, so that a generated
   * key uses an algorithm the server lists in `dpop_signing_alg_values_supported` (a given key
   * or alg the server does not list is used anyway, with one warning).
   */
  #prepareDpop(dpop: DpopProver): Promise<void> {
    const metadata =
      this.#discovery === undefined
        ? Promise.resolve(this.#options.metadata)
        : this.#discovery.get(this.#closing.signal);
    return metadata.then(async (server) => {
      const supported = server?.dpopSigningAlgs;
      await dpop.prepare(supported);
      const alg = dpop.alg as string;
      if (supported !== undefined && supported.length > 0 && !supported.includes(alg)) {
        this.#observer.warnOnce(
          'dpop alg',
          `the server lists ${supported.slice(0, 10).join(', ')} in dpop_signing_alg_values_supported, not ${alg}, the algorithm of the dpop key: it may refuse the proofs (invalid_dpop_proof).`,
        );
      }
    });
  }

  #scopeEntry(scope: ScopeInput | undefined, resource?: ResourceInput): ScopeEntry {
    if (resource !== undefined) {
      // Per call: not memoized (a resource per call is rarer than a scope per call).
      return this.#entryFor(
        scope === undefined ? this.#options.scope : resolveScope(scope, 'scope'),
        resolveResource(resource, 'resource'),
      );
    }
    if (scope === undefined) {
      this.#defaultScope ??= this.#entryFor(this.#options.scope);
      return this.#defaultScope;
    }
    // A string scope is memoized: client.fetch calls this for every request.
    if (typeof scope === 'string') {
      let entry = this.#scopes.get(scope);
      if (entry === undefined) {
        entry = this.#entryFor(resolveScope(scope, 'scope'));
        if (this.#scopes.size >= MAX_MEMO) this.#scopes.clear();
        this.#scopes.set(scope, entry);
      }
      return entry;
    }
    // Arrays are memoized by their joined text, which normalizes to the same scope.
    return Array.isArray(scope) && scope.every((element) => typeof element === 'string')
      ? this.#scopeEntry(scope.join(' '))
      : this.#entryFor(resolveScope(scope, 'scope'));
  }

  #entryFor(scope: readonly string[], resource = this.#options.resource): ScopeEntry {
    return { scope, resource, key: this.#manager.keyFor(scope, resource) };
  }
}
