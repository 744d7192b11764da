import { ConfigurationError } from '../errors/configuration-error.js';
import { isScopeToken, normalizeScope, type ScopeInput } from '../scope.js';

/**
 * Checks a scope given by a caller and normalizes it.
 *
 * @param scope - A scope input, or undefined.
 * @param option - The option name to blame.
 * @returns Sorted unique elements.
 * @throws {ConfigurationError} When an element is not an RFC 6749 scope token.
 */
export function resolveScope(scope: ScopeInput | undefined, option: string): string[] {
  if (scope === undefined) return [];
  if (typeof scope !== 'string' && !Array.isArray(scope)) {
    throw new ConfigurationError(
      option,
      'must be a space-separated string or an array of strings.',
    );
  }
  if (Array.isArray(scope) && scope.some((s) => typeof s !== 'string')) {
    throw new ConfigurationError(option, 'must be an array of strings.');
  }
  const elements = normalizeScope(scope);
  const bad = elements.find((element) => !isScopeToken(element));
  if (bad !== undefined) {
    throw new ConfigurationError(
      option,
      `holds ${JSON.stringify(bad)}, which is not a valid scope element (printable ASCII without space, '"' or '\\').`,
    );
  }
  return elements;
}
