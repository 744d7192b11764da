import { formatScope } from '../scope.js';

/** Everything that changes which token the server hands out. */
export interface CacheKeyParts {
  tokenUrl: string;
  clientId: string;
  scope: readonly string[];
  tokenParams: ReadonlyArray<readonly [string, string]>;
}

/**
 * Builds the cache (and single-flight) key of a token: token URL, client ID, sorted scope elements
 * and sorted extra token parameters. Leaving any of them out lets one caller receive a token meant
 * for another request (Duende's advisory on client-credentials cache keys is that bug).
 * The key holds no secret, so it is safe to store in a shared cache.
 *
 * @param parts - What the token depends on; `scope` already normalized.
 * @returns An unambiguous string key.
 */
export function cacheKey(parts: CacheKeyParts): string {
  return JSON.stringify([
    parts.tokenUrl,
    parts.clientId,
    formatScope(parts.scope),
    parts.tokenParams,
  ]);
}
