import { ClientClosedError } from '../errors/client-closed-error.js';
import type { Observer } from '../observer.js';
import type { ResolvedOptions } from '../options.js';
import { scopeCovers } from '../scope.js';
import { abortable } from '../util/abortable.js';
import type { AccessToken } from './access-token.js';
import { cacheKey } from './cache-key.js';
import type { TokenEndpoint } from './token-endpoint.js';

/** What the manager remembers about one cache key, besides the token in the store. */
interface KeyState {
  /** Scope requested under this key. */
  readonly scope: readonly string[];
  /** Scope last granted under this key (may be wider than requested). */
  granted: readonly string[];
  /** No background refresh before this time (epoch ms): backoff and refresh-storm guard. */
  refreshNotBefore: number;
  /** Background refreshes failed in a row. */
  failures: number;
  /** The auto-refresh timer, if one is set. */
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Options of {@link TokenManager.get}. */
export interface GetOptions {
  /** Skip the cache and get a new token (joining a request already under way for the key). */
  forceRefresh?: boolean | undefined;
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

/**
 * The token lifecycle: cache lookup, single-flight acquisition, proactive background refresh,
 * compare-and-invalidate, and auto-refresh timers.
 *
 * A token is *fresh* until `expiresAt − refreshBefore`, *stale* until `expiresAt − clockSkew`
 * (served at once; one background refresh starts), then *expired* (callers wait).
 */
export class TokenManager {
  readonly #options: ResolvedOptions;
  readonly #endpoint: TokenEndpoint;
  readonly #observer: Observer;
  readonly #inflight = new Map<string, Promise<AccessToken>>();
  readonly #states = new Map<string, KeyState>();
  readonly #keys = new WeakMap<AccessToken, string>();
  readonly #closed = new AbortController();

  /**
   * @param options - Resolved client options.
   * @param endpoint - The token endpoint.
   * @param observer - Stats, logs and hooks.
   */
  constructor(options: ResolvedOptions, endpoint: TokenEndpoint, observer: Observer) {
    this.#options = options;
    this.#endpoint = endpoint;
    this.#observer = observer;
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed.signal.aborted;
  }

  /**
   * The cache key for a normalized scope.
   *
   * @param scope - Sorted unique scope elements.
   * @returns The key.
   */
  keyFor(scope: readonly string[]): string {
    const { tokenUrl, clientId, tokenParams } = this.#options;
    return cacheKey({ tokenUrl, clientId, scope, tokenParams });
  }

  /**
   * A token for `scope`: from the cache when it is still valid, otherwise from the token endpoint
   * (one request per key, however many callers wait).
   *
   * @param scope - Sorted unique scope elements.
   * @param key - `keyFor(scope)`, passed in so hot callers can memoize it.
   * @param options - `forceRefresh`, `signal`.
   * @returns The token.
   */
  async get(scope: readonly string[], key: string, options: GetOptions = {}): Promise<AccessToken> {
    this.#assertOpen();
    options.signal?.throwIfAborted();
    if (options.forceRefresh !== true) {
      const hit = await this.#lookup(scope, key);
      if (hit !== undefined) {
        const now = this.#options.now();
        const { staleAt, expiredAt } = this.#times(hit.token);
        if (now < expiredAt) {
          this.#observer.stats.cacheHits++;
          if (now >= staleAt) this.#refreshInBackground(hit.key, hit.state?.scope ?? scope);
          return hit.token;
        }
      }
    }
    this.#observer.stats.cacheMisses++;
    return abortable(this.#acquire(key, scope, false), options.signal);
  }

  /**
   * Drops `token` from the cache, but only where it is still the cached token: a token rejected
   * by a resource never evicts a newer one another caller already fetched.
   *
   * @param token - The rejected token.
   * @returns Whether an entry was removed.
   */
  async invalidate(token: AccessToken): Promise<boolean> {
    const key = this.#keys.get(token);
    const keys = key !== undefined ? [key] : [...this.#states.keys()];
    let removed = false;
    for (const k of keys) {
      if (await this.#options.store.delete(k, token.accessToken)) removed = true;
    }
    if (removed)
      this.#observer.log('debug', 'invalidated a rejected token.', {
        scope: token.scope.join(' '),
      });
    return removed;
  }

  /** Stops timers and aborts token requests under way. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.#closed.abort(new ClientClosedError());
    for (const state of this.#states.values()) clearTimeout(state.timer);
    this.#states.clear();
  }

  #assertOpen(): void {
    if (this.closed) throw new ClientClosedError();
  }

  async #lookup(
    scope: readonly string[],
    key: string,
  ): Promise<{ token: AccessToken; key: string; state: KeyState | undefined } | undefined> {
    const store = this.#options.store;
    const token = await store.get(key);
    if (token !== undefined) return { token, key, state: this.#states.get(key) };
    if (scope.length === 0) return undefined;
    // A token granted for a wider scope serves a narrower request.
    const now = this.#options.now();
    for (const [otherKey, state] of this.#states) {
      if (otherKey === key || !scopeCovers(state.granted, scope)) continue;
      const other = await store.get(otherKey);
      if (
        other !== undefined &&
        now < this.#times(other).expiredAt &&
        scopeCovers(other.scope, scope)
      ) {
        return { token: other, key: otherKey, state };
      }
    }
    return undefined;
  }

  #times(token: AccessToken): { staleAt: number; expiredAt: number } {
    const lifetime = Math.max(0, token.lifetime);
    const expiredAt = token.expiresAt - Math.max(0, this.#options.clockSkew(lifetime));
    const staleAt = Math.min(
      expiredAt,
      token.expiresAt - Math.max(0, this.#options.refreshBefore(lifetime)),
    );
    return { staleAt, expiredAt };
  }

  #state(key: string, scope: readonly string[]): KeyState {
    let state = this.#states.get(key);
    if (state !== undefined) {
      this.#states.delete(key);
    } else {
      state = { scope, granted: scope, refreshNotBefore: 0, failures: 0, timer: undefined };
    }
    this.#states.set(key, state);
    while (this.#states.size > MAX_KEY_STATES) {
      const [oldestKey, oldest] = this.#states.entries().next().value as [string, KeyState];
      clearTimeout(oldest.timer);
      this.#states.delete(oldestKey);
    }
    return state;
  }

  #acquire(key: string, scope: readonly string[], background: boolean): Promise<AccessToken> {
    let promise = this.#inflight.get(key);
    if (promise === undefined) {
      const request = this.#obtain(key, scope, background);
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

  #refreshInBackground(key: string, scope: readonly string[]): void {
    if (this.#inflight.has(key) || this.closed) return;
    const state = this.#state(key, scope);
    if (this.#options.now() < state.refreshNotBefore) return;
    this.#observer.stats.refreshes++;
    this.#acquire(key, scope, true).catch(() => undefined); // Reported by #obtain.
  }

  async #obtain(key: string, scope: readonly string[], background: boolean): Promise<AccessToken> {
    const { store, now } = this.#options;
    const observer = this.#observer;
    try {
      const previous = await store.get(key);
      const fresh = await this.#endpoint.request({
        scope,
        signal: this.#closed.signal,
        background,
      });
      this.#assertOpen();
      const state = this.#state(key, scope);
      let token = fresh;
      if (previous !== undefined && fresh.expiresAt <= previous.expiresAt) {
        // The server handed back a token that lives no longer than the one held (servers that
        // reuse a token until shortly before expiry do this). Refreshing again at once would
        // loop; wait half of what is left, at least a second.
        if (previous.expiresAt > fresh.expiresAt) token = previous;
        const left = this.#times(token).expiredAt - now();
        state.refreshNotBefore = now() + Math.max(BACKOFF_MIN, left / 2);
        observer.log(
          'warn',
          'the token endpoint returned a token that expires no later than the cached one; next refresh postponed.',
          {
            scope: scope.join(' '),
            expiresAt: token.expiresAt,
          },
        );
      } else {
        state.refreshNotBefore = 0;
      }
      state.failures = 0;
      state.granted = token.scope;
      this.#keys.set(token, key);
      await store.set(key, token, token.expiresAt - now());
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
      if (background && !this.closed) {
        const state = this.#state(key, scope);
        state.failures++;
        const delay = Math.min(BACKOFF_MAX, BACKOFF_MIN * 2 ** (state.failures - 1));
        state.refreshNotBefore = now() + delay;
        observer.log(
          'warn',
          `background token refresh failed (${state.failures} in a row); the current token stays in use, retrying in ${delay} ms.`,
          {
            error: error instanceof Error ? error.message : String(error),
            scope: scope.join(' '),
          },
        );
        this.#schedule(key, state, await store.get(key));
      } else if (!this.closed) {
        observer.log('error', 'could not get a token.', {
          error: error instanceof Error ? error.message : String(error),
          scope: scope.join(' '),
        });
      }
      throw error;
    }
  }

  /** With `autoRefresh`, sets the timer that renews `key` when its token turns stale. */
  #schedule(key: string, state: KeyState, token: AccessToken | undefined): void {
    if (!this.#options.autoRefresh || this.closed) return;
    clearTimeout(state.timer);
    const at = Math.max(
      token === undefined ? 0 : this.#times(token).staleAt,
      state.refreshNotBefore,
    );
    const delay = Math.min(MAX_TIMER, Math.max(0, at - this.#options.now()));
    state.timer = setTimeout(() => {
      state.timer = undefined;
      this.#refreshInBackground(key, state.scope);
    }, delay);
    (state.timer as { unref?: () => void }).unref?.();
  }
}
