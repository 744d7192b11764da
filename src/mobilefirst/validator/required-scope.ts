/**
 * The scope a protected resource requires: checked once when a middleware is made, and compared
 * with the scope a token was granted on every request, with the core's scope semantics.
 *
 * @module
 * @see https://mobilefirstplatform.ibmcloud.com/tutorials/en/foundation/8.0/authentication-and-security/#scopes
 */

import {
  ConfigurationError,
  isScopeToken,
  normalizeScope,
  type ScopeInput,
  scopeCovers,
} from 'confidential-client';

/**
 * MobileFirst's reserved scope element: the scope of a token requested without one, granted to
 * every token.
 */
const REGISTERED_CLIENT = 'RegisteredClient';

/**
 * Whether a token's granted scope holds every required element. Elements are compared exactly
 * (`scopeCovers`): a `*` in a granted scope is an ordinary character, since wildcards belong to a
 * client's *allowed* scope, which the token endpoint applies when it grants. `RegisteredClient`
 * counts as granted to every active token.
 *
 * @param granted - The granted elements (from introspection).
 * @param required - The required elements.
 * @returns Whether the token may proceed.
 * @internal
 */
export function grantsRequired(granted: readonly string[], required: readonly string[]): boolean {
  return scopeCovers([...granted, REGISTERED_CLIENT], required);
}

/**
 * The required scope as sorted unique elements, each a valid scope token (so that the 403
 * challenge can carry it).
 *
 * @param scope - The required scope as given.
 * @returns The elements, frozen.
 * @throws {ConfigurationError} For an element that is not a scope token.
 * @internal
 */
export function requiredElements(scope: ScopeInput): readonly string[] {
  if (
    typeof scope !== 'string' &&
    !(Array.isArray(scope) && scope.every((element) => typeof element === 'string'))
  ) {
    throw new ConfigurationError('requiredScope', 'must be a string or an array of strings');
  }
  const elements = normalizeScope(scope);
  if (typeof scope === 'string' && elements.length === 0) {
    // `express(process.env.SCOPE ?? '')` must not quietly admit every active token.
    throw new ConfigurationError(
      'requiredScope',
      'is an empty string; pass the scope the resource needs, or [] to admit any active token on purpose.',
    );
  }
  const bad = elements.find((element) => !isScopeToken(element));
  if (bad !== undefined) {
    throw new ConfigurationError(
      'requiredScope',
      `holds ${JSON.stringify(bad.slice(0, 40))}, which is not a scope token (printable ASCII without " or \\)`,
    );
  }
  return Object.freeze(elements);
}
