import { formatScope } from '../scope.js';

/** Everything that changes which token the server hands out. */
export interface CacheKeyParts {
  tokenUrl: string;
  clientId: string;
  scope: readonly string[];
  tokenParams: ReadonlyArray<readonly [string, string]>;
  /**
   * The RFC 7638 thumbprint of the DPoP key tokens are bound to (`cnf.jkt`), with the `dpop`
   * option: a token bound to another key (another process's, on a shared store) is useless here.
   */
  jkt?: string | undefined;
  /** RFC 8707 resource indicators, sorted unique. */
  resource?: readonly string[] | undefined;
}

/**
 * Builds the cache (and single-flight) key of a token: token URL (the issuer, with discovery),
 * client ID, sorted scope elements, sorted extra token parameters, sorted resource indicators and,
 * with DPoP, the key's thumbprint. Leaving any of them out lets one caller receive a token meant
 * for another request (Duende's advisory on client-credentials cache keys is that bug).
 * The key holds no secret, so it is safe to store in a shared cache.
 *
 * @param parts - What the token depends on; `scope` already normalized.
 * @returns An unambiguous string key.
 */
export function cacheKey(parts: CacheKeyParts): string {
  const key: unknown[] = [
    parts.tokenUrl,
    parts.clientId,
    formatScope(parts.scope),
    parts.tokenParams,
  ];
  // Appended only when there are some, so that the keys of plain Bearer tokens (in shared stores)
  // stay as they were.
  if (parts.resource !== undefined && parts.resource.length > 0) key.push(parts.resource);
  if (parts.jkt !== undefined) key.push(`jkt:${parts.jkt}`);
  return JSON.stringify(key);
}
