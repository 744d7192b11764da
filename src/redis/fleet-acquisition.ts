import { randomBytes } from 'node:crypto';
import type { AccessToken, TokenAcquisition } from 'confidential-client';
import { RedisUnavailable } from './guarded-redis.js';
import type { KeyNames } from './key-names.js';
import type { Notifications } from './notifications.js';
import type { Claim, SharedLevel } from './shared-level.js';
import type { StoreLog } from './store-log.js';
import type { RedisTokenStoreStats } from './store-stats.js';

/** Without notifications, a waiter looks at Redis again this often (ms). */
const POLL_INTERVAL = 100;
/** With notifications, a waiter still looks at least this often (ms), in case one is lost. */
const SAFETY_INTERVAL = 1_000;

/** What {@link FleetAcquisitions} works with. */
export interface FleetAcquisitionsConfig {
  readonly shared: SharedLevel;
  readonly notifications: Notifications;
  readonly stats: RedisTokenStoreStats;
  readonly log: StoreLog;
  readonly lockTtl: number;
  readonly waitTimeout: number;
  readonly now: () => number;
  /**
   * Holds a token in the first level; with `since` (a {@link changes} count), only if no change
   * came since then (a token read before a deletion must not come back).
   */
  readonly remember: (
    key: string,
    names: KeyNames,
    token: AccessToken,
    print?: string,
    since?: number,
  ) => void;
  /** Counts the changes of a key the store has seen (deletions, other processes' notices). */
  readonly changes: (names: KeyNames) => number;
}

/**
 * Cross-process single-flight: the acquisition of a new token for one cache key, coordinated with
 * every store of the namespace (`TokenStore.acquire`).
 *
 * 1. One script (`CLAIM`) either returns a token that another process stored and that is not the
 *    caller's current one, or takes the lock (`SET lock owner NX PX lockTtl`, `owner` random per
 *    acquisition), or says how long another holder keeps it.
 * 2. The holder fetches (`acquisition.fetch()`), extending its lock every `lockTtl / 3` while the
 *    request is under way, then stores the token, releases the lock if it still holds it and
 *    announces the token, in one script. If its request fails, it releases the lock, announces
 *    that, and throws what the request threw.
 * 3. The others wait for a notice about the key (or poll: every 100 ms without notifications,
 *    and at the lock's expiry), then claim again: they get the new token, or the lock of a holder
 *    that failed or died (a takeover, when it expired with no sign of release).
 * 4. Past `waitTimeout`, or whenever Redis cannot answer, a process fetches on its own (a
 *    fallback) and shares its token if Redis takes it.
 */
export class FleetAcquisitions {
  readonly #config: FleetAcquisitionsConfig;

  /** @param config - The levels, the notifications, the counters and the bounds. */
  constructor(config: FleetAcquisitionsConfig) {
    this.#config = config;
  }

  /**
   * @param key - A cache key.
   * @param names - Its Redis names.
   * @param acquisition - From the client.
   * @returns A new token, stored.
   * @throws What `acquisition.fetch()` threw, when this process fetched and failed.
   */
  async acquire(key: string, names: KeyNames, acquisition: TokenAcquisition): Promise<AccessToken> {
    const deadline = performance.now() + this.#config.waitTimeout;
    const owner = randomBytes(16).toString('base64url');
    // Watching before the first claim: a notice between a claim's reply and the wait is kept.
    const watch = this.#config.notifications.watch(names.id);
    try {
      return await this.#acquire(key, names, acquisition, watch, owner, deadline);
    } finally {
      watch.stop();
    }
  }

  async #acquire(
    key: string,
    names: KeyNames,
    acquisition: TokenAcquisition,
    watch: ReturnType<Notifications['watch']>,
    owner: string,
    deadline: number,
  ): Promise<AccessToken> {
    const { shared, notifications, stats, lockTtl, waitTimeout } = this.#config;
    const { current, signal } = acquisition;
    let lookPast = false;
    let waited = false;
    let released = false;
    for (;;) {
      signal.throwIfAborted();
      let claim: Claim;
      const since = this.#config.changes(names);
      try {
        claim = await shared.claim(names, current, lookPast, owner, lockTtl);
      } catch (error) {
        if (error instanceof RedisUnavailable) return this.#fallback(key, names, acquisition);
        throw error;
      }
      if (claim.kind === 'token' || claim.kind === 'unreadable') {
        if (claim.kind === 'token' && this.#answers(claim.token, current)) {
          stats.sharedHits++;
          this.#config.remember(key, names, claim.token, claim.fingerprint, since);
          return claim.token;
        }
        // Found wanting: the next claim looks past it and takes the lock (or waits). A reply that
        // still is not the lock or a wait (a client with odd reply types) ends in a fallback.
        if (lookPast) return this.#fallback(key, names, acquisition);
        lookPast = true;
        continue;
      }
      if (claim.kind === 'locked') {
        stats.lockAcquisitions++;
        if (waited && !released) stats.lockTakeovers++;
        return this.#fetchHolding(key, names, owner, acquisition);
      }
      if (!waited) stats.lockWaits++;
      waited = true;
      released = false;
      const left = deadline - performance.now();
      if (left <= 0) {
        stats.waitTimeouts++;
        this.#config.log(
          'warn',
          `waited ${waitTimeout} ms (waitTimeout) for another process's token: fetching one here.`,
          { key: names.id },
        );
        return this.#fallback(key, names, acquisition);
      }
      const interval = notifications.subscribed ? SAFETY_INTERVAL : POLL_INTERVAL;
      const notice = await watch.wait(Math.min(left, interval, claim.pttl + 5), signal);
      if (notice?.kind === 'released') released = true;
      lookPast = false;
    }
  }

  /** A stored token answers an acquisition if it is not the current one, and newer, and valid. */
  #answers(token: AccessToken, current: AccessToken | undefined): boolean {
    if (token.expiresAt <= this.#config.now()) return false;
    return (
      current === undefined ||
      (token.accessToken !== current.accessToken && token.expiresAt > current.expiresAt)
    );
  }

  async #fetchHolding(
    key: string,
    names: KeyNames,
    owner: string,
    acquisition: TokenAcquisition,
  ): Promise<AccessToken> {
    const { shared, lockTtl } = this.#config;
    const extend = setInterval(
      () => void shared.extend(names, owner, lockTtl).catch(() => undefined),
      Math.max(5, Math.floor(lockTtl / 3)),
    );
    (extend as { unref?: () => void }).unref?.();
    let token: AccessToken;
    try {
      token = await acquisition.fetch();
    } catch (error) {
      clearInterval(extend);
      await shared.release(names, owner).catch(() => undefined);
      throw error;
    }
    clearInterval(extend);
    this.#config.remember(key, names, token);
    await shared.write(names, token, owner).catch(() => undefined);
    return token;
  }

  async #fallback(
    key: string,
    names: KeyNames,
    acquisition: TokenAcquisition,
  ): Promise<AccessToken> {
    this.#config.stats.fallbacks++;
    const token = await acquisition.fetch();
    this.#config.remember(key, names, token);
    await this.#config.shared.write(names, token).catch(() => undefined);
    return token;
  }
}
