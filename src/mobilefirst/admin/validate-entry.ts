import { isScopeToken, normalizeScope } from 'confidential-client';
import { describeUnknownKey, findUnknownKey } from '../../util/unknown-keys.js';
import { InvalidInputError } from '../invalid-input-error.js';
import type { ConfidentialClientEntryInit } from './confidential-client-entry.js';

/** Printable ASCII, space included: what MobileFirst accepts in an ID or a secret. */
const PRINTABLE_ASCII = /^[\x20-\x7E]+$/;

const ENTRY_KEYS: ReadonlySet<string> = new Set<keyof ConfidentialClientEntryInit>([
  'id',
  'displayName',
  'secret',
  'allowedScope',
]);

/** A checked {@link ConfidentialClientEntryInit}: allowed scope normalized. @internal */
export interface EntryChange {
  readonly id: string;
  readonly displayName: string | undefined;
  readonly secret: string | undefined;
  readonly allowedScope: readonly string[];
}

/**
 * Checks a client ID as a call names it.
 *
 * @param id - The ID.
 * @param field - Its name in the error message.
 * @returns The ID.
 * @throws {InvalidInputError} If it is not a non-empty string of printable ASCII.
 * @internal
 */
export function validateClientId(id: unknown, field: string): string {
  if (typeof id !== 'string' || !PRINTABLE_ASCII.test(id)) {
    throw new InvalidInputError(
      field,
      'must be a non-empty string of printable ASCII characters (MobileFirst client IDs are ASCII only).',
    );
  }
  if (id.includes(':') || id.trim() !== id) {
    // HTTP Basic ends the user name at the first ':' (RFC 7617), and surrounding spaces are lost
    // on the way: such a client could never get a token.
    throw new InvalidInputError(
      field,
      "must not hold ':' or begin or end with a space: the client could never authenticate with HTTP Basic.",
    );
  }
  return id;
}

/**
 * Checks a client to register before anything is sent.
 *
 * @param init - What the caller passed to `upsert`.
 * @returns The checked change.
 * @throws {InvalidInputError} Naming the field that is wrong (`client.secret`,
 *   `client.allowedScope[1]`…), or a key it does not know; never showing a secret.
 * @see https://mobilefirstplatform.ibmcloud.com/tutorials/en/foundation/8.0/authentication-and-security/confidential-clients/
 * @internal
 */
export function validateEntry(init: unknown): EntryChange {
  if (typeof init !== 'object' || init === null || Array.isArray(init)) {
    throw new InvalidInputError(
      'client',
      'must be an object { id, secret, allowedScope, displayName? }.',
    );
  }
  const unknown = findUnknownKey(init, ENTRY_KEYS);
  if (unknown) {
    throw new InvalidInputError('client', describeUnknownKey(unknown.key, unknown.suggestion));
  }
  const { id, displayName, secret, allowedScope } = init as Record<string, unknown>;
  validateClientId(id, 'client.id');
  if (secret !== undefined && (typeof secret !== 'string' || !PRINTABLE_ASCII.test(secret))) {
    throw new InvalidInputError(
      'client.secret',
      'must be a non-empty string of printable ASCII characters (MobileFirst secrets are ASCII only).',
    );
  }
  if (displayName !== undefined && typeof displayName !== 'string') {
    throw new InvalidInputError('client.displayName', 'must be a string when given.');
  }
  return {
    id: id as string,
    displayName,
    secret,
    allowedScope: validateAllowedScope(allowedScope),
  };
}

function validateAllowedScope(scope: unknown): string[] {
  const isList = Array.isArray(scope);
  if (!(typeof scope === 'string' || (isList && scope.every((e) => typeof e === 'string')))) {
    throw new InvalidInputError(
      'client.allowedScope',
      "must be scope elements: a space-separated string or a list of strings (e.g. ['accessRestricted', 'push.*']).",
    );
  }
  const elements = isList ? (scope as string[]) : [scope as string];
  for (const [i, element] of elements.entries()) {
    for (const part of normalizeScope(element)) {
      if (!isScopeToken(part)) {
        throw new InvalidInputError(
          isList ? `client.allowedScope[${i}]` : 'client.allowedScope',
          'holds an element that is not a scope token: printable ASCII without spaces, `"` or `\\` (`*` is a wildcard).',
        );
      }
    }
  }
  return normalizeScope(elements);
}
