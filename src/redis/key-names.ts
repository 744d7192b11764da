import { createHash } from 'node:crypto';

/** The Redis names that belong to one cache key. */
export interface KeyNames {
  /** SHA-256 of the core's cache key, base64url: what notifications name the key by. */
  readonly id: string;
  /** Where the token is stored: `{namespace}:{<id>}:token`. */
  readonly token: string;
  /** The lock of the token's acquisition: `{namespace}:{<id>}:lock`. */
  readonly lock: string;
}

/** Names remembered at most; past that the memo starts afresh (names are cheap to rebuild). */
const MAX_MEMO = 1_000;

/**
 * Names Redis keys and the notification channel of one store namespace.
 *
 * A core cache key holds the token URL, the client ID and the scope: none of it may show in
 * Redis, so a key is named by the SHA-256 of the cache key. The hash sits in a Cluster hash tag
 * (`{…}`), so that a token and its lock live in one slot and the store's scripts, which touch
 * both, run on Redis Cluster.
 *
 * The hash hides the cache key from a reader of Redis who cannot guess it; it is no secret from
 * one who can enumerate token URLs, client IDs and scopes.
 */
export class KeyNamer {
  /** The pub/sub channel of the namespace: `{namespace}:events`. */
  readonly channel: string;
  readonly #namespace: string;
  readonly #memo = new Map<string, KeyNames>();

  /** @param namespace - Prefix of every key and of the channel. */
  constructor(namespace: string) {
    this.#namespace = namespace;
    this.channel = `${namespace}:events`;
  }

  /**
   * The names of the core cache key `key`.
   *
   * @param key - A cache key built by the client.
   * @returns Its id, token key and lock key.
   */
  of(key: string): KeyNames {
    let names = this.#memo.get(key);
    if (names === undefined) {
      const id = createHash('sha256').update(key).digest('base64url');
      const prefix = `${this.#namespace}:{${id}}`;
      names = { id, token: `${prefix}:token`, lock: `${prefix}:lock` };
      if (this.#memo.size >= MAX_MEMO) this.#memo.clear();
      this.#memo.set(key, names);
    }
    return names;
  }
}
