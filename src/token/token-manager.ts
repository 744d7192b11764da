// Over 300 lines on purpose: the token lifecycle is one state machine per cache key (lookup,
// single-flight, renewal, failure, timers) whose invariants span those steps; the failure policy,
// key states, endpoint and store are modules of their own.

import { ClientClosedError } from '../errors/client-closed-error.js';
import type { Observer } from '../observer.js';
import { scopeCovers } from '../scope.js';
import { abortable } from '../util/abortable.js';
import { KeepAlive } from '../util/keep-alive.js';
import type { AccessToken } from './access-token.js';
import { type CacheKeyParts, cacheKey } from './cache-key.js';
import { FailurePolicy, type FailurePolicyConfig } from './failure-policy.js';
import { type KeyState, KeyStates } from './key-states.js';
import type { TokenEndpoint } from './token-endpoint.js';
import type { TokenStore } from './token-store.js';

/** What the token manager is configured with (resolved and checked). */
export interface TokenManagerConfig {
  readonly store: TokenStore;
  readonly now: () => number;
  /** How long before expiry a token is renewed, as a function of its lifetime (ms). */
  readonly refreshBefore: (lifetimeMs: number) => number;
  /** How long before `expiresAt` a token counts as expired, as a function of its lifetime. */
  readonly clockSkew: (lifetimeMs: number) => number;
  readonly autoRefresh: boolean;
  /** What, besides the scope, resource (and the DPoP key), goes into a cache key. */
  readonly cacheKey: Omit<CacheKeyParts, 'scope' | 'resource' | 'jkt'>;
  /** With DPoP: the key tokens are bound to, whose thumbprint goes into every cache key. */
  readonly dpop?: { readonly thumbprint: string } | undefined;
  /** Cooldowns after failures, and the bound of a `Retry-After`. */
  readonly failures: Omit<FailurePolicyConfig, 'now'>;
}

/** Options of {@link TokenManager.get}. */
export interface GetOptions {
  /** Skip the cache and get a new token (joining a request already under way for the key). */
  forceRefresh?: boolean | undefined;
  /** RFC 8707 resource indicators, sorted unique (those `keyFor` was given). @default [] */
  resource?: readonly string[] | undefined;
  /** Ends this caller's wait only, never the request others wait on. */
  signal?: AbortSignal | undefined;
}

/** At most this many keys are tracked (their own LRU), bounding memory like the store's. */
const MAX_KEY_STATES = 1_000;
/** Background refresh backoff: 1 s, 2 s, 4 s … up to a minute. */
const BACKOFF_MIN = 1_000;
const BACKOFF_MAX = 60_000;
/** setTimeout's largest delay. */
const MAX_TIMER = 2_147_483_647;
/** A forced refresh replaces whatever token the store holds (see `#obtain`). */
const STORED = Symbol('the stored token');
/** The token an acquisition replaces: the one its caller found wanting, or `STORED`. */
type Wanting = AccessToken | undefined | typeof STORED;
/** What a key's tokens are requested for. */
interface Target {
  readonly scope: readonly string[];
  readonly resource: readonly string[];
}
const NONE: readonly string[] = Object.freeze([]);

function sameElements(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((element, i) => element === b[i]);
}

/**
 * The token lifecycle: cache lookup, single-flight acquisition, proactive background refresh,
 * compare-and-invalidate, and auto-refresh timers.
 *
 * A token is *fresh* until `expiresAt − refreshBefore`, *stale* until `expiresAt − clockSkew`
 * (served at once; one background refresh starts), then *expired* (callers wait).
 */
export class TokenManager {
  readonly #options: TokenManagerConfig;
  readonly #endpoint: TokenEndpoint;
  readonly #observer: Observer;
  readonly #failures: FailurePolicy;
  readonly #inflight = new Map<string, Promise<AccessToken>>();
  readonly #states = new KeyStates(MAX_KEY_STATES);
  readonly #keys = new WeakMap<AccessToken, string>();
  readonly #closed = new AbortController();
  readonly #keepAlive = new KeepAlive();
  /** The store's synchronous lookup, when it has one (see `TokenStore.peek`). */
  readonly #peek: ((key: string) => AccessToken | undefined) | undefined;

  /**
   * @param options - The manager's configuration.
   * @param endpoint - The token endpoint.
   * @param observer - Stats, logs and hooks.
   */
  constructor(options: TokenManagerConfig, endpoint: TokenEndpoint, observer: Observer) {
    this.#options = options;
    this.#endpoint = endpoint;
    this.#observer = observer;
    this.#failures = new FailurePolicy({ ...options.failures, now: options.now }, observer);
    const { store } = options;
    this.#peek = typeof store.peek === 'function' ? store.peek.bind(store) : undefined;
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed.signal.aborted;
  }

  /**
   * The cache key for a normalized scope and resource.
   *
   * @param scope - Sorted unique scope elements.
   * @param resource - Sorted unique resource indicators.
   * @returns The key.
   */
  keyFor(scope: readonly string[], resource: readonly string[] = []): string {
    return cacheKey({
      ...this.#options.cacheKey,
      scope,
      resource,
      jkt: this.#options.dpop?.thumbprint,
    });
  }

  /**
   * A token for `scope`: from the cache when it is still valid, otherwise from the token endpoint
   * (one request per key, however many callers wait).
   *
   * @param scope - Sorted unique scope elements.
   * @param key - `keyFor(scope)`, passed in so hot callers can memoize it.
   * @param options - `forceRefresh`, `signal`, `resource`.
   * @returns The token.
   */
  get(scope: readonly string[], key: string, options: GetOptions = {}): Promise<AccessToken> {
    if (this.closed) return Promise.reject(new ClientClosedError());
    const { signal } = options;
    const target = { scope, resource: options.resource ?? NONE };
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (options.forceRefresh === true) return this.#miss(target, key, signal, STORED);
    // A store that answers synchronously (the default) answers a hit without a single await.
    const cached = this.#peek?.(key) ?? this.#options.store.get(key);
    return cached instanceof Promise
      ? cached.then((token) => this.#afterLookup(token, target, key, signal))
      : this.#afterLookup(cached, target, key, signal);
  }

  /**
   * The cached token for `key` without a promise, when the store can answer at once and the
   * token is still valid (counted as a cache hit; a stale one also starts its background
   * refresh). `undefined` otherwise: then call {@link get}.
   *
   * @param scope - Sorted unique scope elements.
   * @param key - `keyFor(scope, resource)`.
   * @param resource - Sorted unique resource indicators.
   * @returns The token, or `undefined`.
   */
  peek(
    scope: readonly string[],
    key: string,
    resource: readonly string[] = NONE,
  ): AccessToken | undefined {
    if (this.#peek === undefined || this.closed) return undefined;
    const token = this.#peek(key);
    return token !== undefined && this.#serve(token, key, { scope, resource }) ? token : undefined;
  }

  /**
   * Drops `token` from the cache, but only where it is still the cached token: a token rejected
   * by a resource never evicts a newer one another caller already fetched.
   *
   * @param token - The rejected token.
   * @param key - Its cache key, when the caller knows it.
   * @returns Whether an entry was removed.
   */
  async invalidate(token: AccessToken, key?: string): Promise<boolean> {
    const known = key ?? this.#keys.get(token);
    const keys = known !== undefined ? [known] : [...this.#states.entries()].map(([k]) => k);
    let removed = false;
    for (const k of keys) {
      if (await this.#options.store.delete(k, token.accessToken)) removed = true;
    }
    if (removed) {
      this.#observer.log('debug', 'invalidated a rejected token.', {
        scope: token.scope.join(' '),
      });
    }
    return removed;
  }

  /** Stops timers and aborts token requests under way. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.#closed.abort(new ClientClosedError());
    this.#states.clear();
  }

  #assertOpen(): void {
    if (this.closed) throw new ClientClosedError();
  }

  #afterLookup(
    token: AccessToken | undefined,
    target: Target,
    key: string,
    signal: AbortSignal | undefined,
  ): Promise<AccessToken> {
    if (token !== undefined && this.#serve(token, key, target)) return Promise.resolve(token);
    if (token === undefined && target.scope.length > 0 && this.#states.size > 0) {
      return this.#covering(target, key).then(
        (other) => other ?? this.#miss(target, key, signal, undefined),
      );
    }
    return this.#miss(target, key, signal, token);
  }

  #miss(
    target: Target,
    key: string,
    signal: AbortSignal | undefined,
    wanting: Wanting,
  ): Promise<AccessToken> {
    const observer = this.#observer;
    observer.stats.cacheMisses++;
    if (observer.listens('onCacheLookup'))
      observer.hook('onCacheLookup', { scope: target.scope, hit: false });
    if (!this.#inflight.has(key)) {
      const refusal = this.#failures.refusal(this.#states.peek(key)?.cooldown);
      if (refusal !== undefined) {
        observer.stats.throttled++;
        return Promise.reject(refusal);
      }
    }
    // The caller awaits this: it holds the process open, unlike the request's own timers.
    return this.#keepAlive.hold(abortable(this.#acquire(key, target, false, wanting), signal));
  }

  /** Serves `token` if it is still valid, starting a background refresh when it is stale. */
  #serve(token: AccessToken, key: string, target: Target): boolean {
    const now = this.#options.now();
    const expiredAt = this.#expiredAt(token);
    if (now >= expiredAt) return false;
    const staleAt = this.#staleAt(token, expiredAt);
    const observer = this.#observer;
    observer.stats.cacheHits++;
    if (observer.listens('onCacheLookup'))
      observer.hook('onCacheLookup', { scope: target.scope, hit: true });
    // Tokens read from a shared store are new objects: remember their key for invalidate().
    if (!this.#keys.has(token)) this.#keys.set(token, key);
    if (now >= staleAt) {
      this.#refreshInBackground(key, this.#states.peek(key) ?? target, token);
    }
    return true;
  }

  /**
   * A valid token granted for a wider scope serves a narrower request, for the same resources
   * only (a token for another audience would be refused, or worse, accepted).
   */
  async #covering(target: Target, key: string): Promise<AccessToken | undefined> {
    const { scope, resource } = target;
    for (const [otherKey, state] of this.#states.entries()) {
      if (otherKey === key || !scopeCovers(state.granted, scope)) continue;
      if (!sameElements(state.resource, resource)) continue;
      const other = await this.#options.store.get(otherKey);
      if (
        other !== undefined &&
        scopeCovers(other.scope, scope) &&
        this.#serve(other, otherKey, state)
      ) {
        return other;
      }
    }
    return undefined;
  }

  /** When a token counts as expired: `clockSkew` before its `expiresAt`. */
  #expiredAt(token: AccessToken): number {
    return token.expiresAt - Math.max(0, this.#options.clockSkew(Math.max(0, token.lifetime)));
  }

  /** When a token turns stale (renewed in the background): `refreshBefore` its expiry. */
  #staleAt(token: AccessToken, expiredAt: number): number {
    const refreshBefore = this.#options.refreshBefore(Math.max(0, token.lifetime));
    return Math.min(expiredAt, token.expiresAt - Math.max(0, refreshBefore));
  }

  #acquire(
    key: string,
    target: Target,
    background: boolean,
    wanting: Wanting,
  ): Promise<AccessToken> {
    let promise = this.#inflight.get(key);
    if (promise === undefined) {
      const request = this.#obtain(key, target, background, wanting);
      promise = request;
      this.#inflight.set(key, request);
      request
        .finally(() => {
          if (this.#inflight.get(key) === request) this.#inflight.delete(key);
        })
        // Failures reach every waiter and the hooks; this only keeps the shared promise from
        // counting as unhandled when all of its waiters have aborted.
        .catch(() => undefined);
    }
    return promise;
  }

  /** Starts one background refresh of `key` unless one is under way or backoff forbids it. */
  #refreshInBackground(key: string, target: Target, stale: AccessToken): boolean {
    if (this.#inflight.has(key) || this.closed) return false;
    const state = this.#states.touch(key, target.scope, target.resource);
    const now = this.#options.now();
    if (now < state.refreshNotBefore || now < this.#failures.heldUntil) return false;
    this.#observer.stats.refreshes++;
    this.#observer.hook('onRefresh', { scope: target.scope });
    this.#acquire(key, state, true, stale).catch(() => undefined); // Reported by #obtain.
    return true;
  }

  async #obtain(
    key: string,
    target: Target,
    background: boolean,
    wanting: Wanting,
  ): Promise<AccessToken> {
    const { store, now } = this.#options;
    const { scope, resource } = target;
    const observer = this.#observer;
    try {
      // The token this acquisition replaces is the one its caller found wanting (none, expired,
      // stale), not what the store holds by now: a shared store may meanwhile hold a newer token
      // that another process stored, and that one answers the acquisition. A forced refresh
      // replaces whatever is stored.
      const previous = wanting === STORED ? await store.get(key) : wanting;
      const signal = this.#closed.signal;
      const fetch = () => this.#endpoint.request({ scope, resource, signal, background });
      // A store shared by a fleet coordinates the request (one for all) and stores the token.
      const coordinated = typeof store.acquire === 'function';
      const token = coordinated
        ? await (store.acquire as NonNullable<TokenStore['acquire']>)(key, {
            fetch,
            current: previous,
            background,
            signal,
          })
        : await fetch();
      this.#assertOpen();
      const state = this.#states.touch(key, scope, resource);
      // `expires_in` has a resolution of one second, so a re-issued token can look up to a
      // second "fresher" than the one held: only a real gain counts.
      const gain =
        previous === undefined ? Number.POSITIVE_INFINITY : token.expiresAt - previous.expiresAt;
      if (gain <= Math.min(1_000, 0.25 * token.lifetime)) {
        // The server handed back a token that lives no longer than the one held (servers that
        // reuse a token until shortly before expiry do this). The new one is still the server's
        // current token, so it is kept; but refreshing again at once would loop: wait half of
        // what is left, at least a second.
        state.refreshNotBefore =
          now() + Math.max(BACKOFF_MIN, (this.#expiredAt(token) - now()) / 2);
        observer.log(
          'warn',
          'the token endpoint returned a token that expires no later than the cached one; next refresh postponed.',
          { scope: scope.join(' '), expiresAt: token.expiresAt },
        );
      } else {
        state.refreshNotBefore = 0;
      }
      state.failures = 0;
      state.cooldown = undefined;
      // A server's Retry-After is left to run out: this request may have been sent before it.
      state.granted = token.scope;
      this.#keys.set(token, key);
      if (!coordinated) await store.set(key, token, token.expiresAt - now());
      observer.log(
        'debug',
        background ? 'refreshed a token in the background.' : 'got a new token.',
        {
          scope: token.scope.join(' '),
          expiresAt: token.expiresAt,
        },
      );
      observer.hook('onToken', { token, scope, background });
      this.#schedule(key, state, token);
      return token;
    } catch (error) {
      observer.stats.failures++;
      observer.hook('onError', { error, scope, background });
      if (!this.closed) {
        // Back off before the next background attempt, whichever kind of request failed, and
        // keep an auto-refresh timer alive for the key.
        const state = this.#states.touch(key, scope, resource);
        state.failures++;
        const delay = Math.min(BACKOFF_MAX, BACKOFF_MIN * 2 ** (state.failures - 1));
        state.cooldown = this.#failures.failed(error, state.failures, background);
        state.refreshNotBefore = Math.max(now() + delay, this.#failures.heldUntil);
        const details = {
          error: error instanceof Error ? error.message : String(error),
          scope: scope.join(' '),
        };
        if (background) {
          observer.log(
            'warn',
            `background token refresh failed (${state.failures} in a row); the current token stays in use, retrying in ${delay} ms.`,
            details,
          );
        } else {
          observer.log('error', 'could not get a token.', details);
        }
        const current = await store.get(key);
        if (current !== undefined) this.#schedule(key, state, current);
      }
      throw error;
    }
  }

  /** With `autoRefresh`, sets the timer that renews `key` when its token turns stale. */
  #schedule(key: string, state: KeyState, token: AccessToken): void {
    if (!this.#options.autoRefresh || this.closed) return;
    clearTimeout(state.timer);
    const at = Math.max(
      this.#staleAt(token, this.#expiredAt(token)),
      state.refreshNotBefore,
      this.#failures.heldUntil,
    );
    const delay = Math.min(MAX_TIMER, Math.max(0, at - this.#options.now()));
    state.timer = setTimeout(() => {
      state.timer = undefined;
      // Not started (backoff, or a request under way that will reschedule when it ends)?
      if (!this.#refreshInBackground(key, state, token) && !this.#inflight.has(key)) {
        this.#schedule(key, state, token);
      }
    }, delay);
    (state.timer as { unref?: () => void }).unref?.();
  }
}
