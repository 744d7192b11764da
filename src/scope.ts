/**
 * Scope helpers: OAuth 2.0 scopes as sets of elements, and MobileFirst's wildcard matching of
 * allowed scopes.
 *
 * A scope is a space-separated list of scope elements (RFC 6749 §3.3). Everywhere inside this
 * package a scope is handled in its normalized form: a sorted array of unique elements, so that two
 * spellings of one scope (`"b a"`, `["a", "b", "a"]`) share one cache entry.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 * @module
 */

/** A scope as the public API accepts it: a space-separated string or a list of elements. */
export type ScopeInput = string | readonly string[];

/** RFC 6749 §3.3: `scope-token = 1*( %x21 / %x23-5B / %x5D-7E )`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Whether `element` is a valid RFC 6749 scope token (printable ASCII without space, `"` or `\`).
 *
 * @param element - One scope element.
 * @returns `true` if the element may be sent as part of a `scope` parameter.
 */
export function isScopeToken(element: string): boolean {
  return SCOPE_TOKEN.test(element);
}

/**
 * Normalizes a scope to a sorted list of unique elements.
 *
 * Strings are split on any run of whitespace; list items are split too, so `["a b", "c"]` is
 * `["a", "b", "c"]`. Empty elements are dropped. Elements are not validated here: see
 * {@link isScopeToken}.
 *
 * @param scope - A space-separated string, a list of elements, or `undefined` (no scope).
 * @returns The sorted unique elements; `[]` for no scope.
 * @example
 * ```ts
 * normalizeScope('push.application.app messages.write messages.write');
 * // ['messages.write', 'push.application.app']
 * ```
 */
export function normalizeScope(scope: ScopeInput | undefined): string[] {
  if (scope === undefined) return [];
  const parts = typeof scope === 'string' ? [scope] : scope;
  const elements = new Set<string>();
  for (const part of parts) {
    for (const element of part.split(/\s+/)) {
      if (element !== '') elements.add(element);
    }
  }
  return [...elements].sort();
}

/**
 * Formats normalized scope elements as the space-separated string OAuth sends on the wire.
 *
 * @param elements - Scope elements.
 * @returns The elements joined with single spaces.
 */
export function formatScope(elements: readonly string[]): string {
  return elements.join(' ');
}

/**
 * The union of two scopes: every element of either, sorted and unique.
 *
 * Used for `403 insufficient_scope` step-up: the new token must keep what the old one had and add
 * what the resource asks for, never replace one with the other (replacing loops forever).
 *
 * @param a - A scope.
 * @param b - Another scope.
 * @returns The normalized union.
 */
export function unionScope(a: ScopeInput | undefined, b: ScopeInput | undefined): string[] {
  return normalizeScope([...normalizeScope(a), ...normalizeScope(b)]);
}

/**
 * Whether a granted scope holds every required element (exact, case-sensitive comparison, as
 * RFC 6749 and MobileFirst's validators compare scope elements).
 *
 * @param granted - The scope a token was granted.
 * @param required - The scope a request needs.
 * @returns `true` if every required element is among the granted ones.
 */
export function scopeCovers(
  granted: ScopeInput | undefined,
  required: ScopeInput | undefined,
): boolean {
  const have = new Set(normalizeScope(granted));
  return normalizeScope(required).every((element) => have.has(element));
}

/**
 * Whether one allowed-scope pattern of a MobileFirst confidential client matches a requested
 * scope element. `*` matches any sequence of zero or more characters, anywhere, any number of
 * times; every other character matches itself.
 *
 * Runs in O(pattern × element) time at worst, with no regular expression, so that a hostile pattern
 * cannot cause catastrophic backtracking.
 *
 * @param pattern - An allowed-scope element, possibly holding `*`.
 * @param element - A requested scope element.
 * @returns `true` if the pattern matches the whole element.
 * @see https://mobilefirstplatform.ibmcloud.com/tutorials/en/foundation/8.0/authentication-and-security/confidential-clients/
 */
export function matchesScopePattern(pattern: string, element: string): boolean {
  let p = 0;
  let e = 0;
  let starP = -1;
  let starE = 0;
  while (e < element.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === element[e]) {
      p++;
      e++;
    } else if (p < pattern.length && pattern[p] === '*') {
      starP = p++;
      starE = e;
    } else if (starP !== -1) {
      p = starP + 1;
      e = ++starE;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/**
 * Whether a MobileFirst confidential client with `allowedScope` may be granted `requested`: every
 * requested element must match at least one allowed element ({@link matchesScopePattern}). An
 * allowed scope of `*` alone allows any scope.
 *
 * @param allowedScope - The client's allowed scope.
 * @param requested - The requested scope.
 * @returns `true` if the whole requested scope may be granted.
 */
export function isScopeAllowed(
  allowedScope: ScopeInput,
  requested: ScopeInput | undefined,
): boolean {
  const patterns = normalizeScope(allowedScope);
  return normalizeScope(requested).every((element) =>
    patterns.some((pattern) => matchesScopePattern(pattern, element)),
  );
}
