/**
 * Checks of the IDs that go into push URLs: the application ID (also a scope element) and a
 * message ID. Each becomes one path segment, percent-encoded.
 *
 * @module
 */

import { isScopeToken } from 'confidential-client';
import { InvalidInputError } from '../invalid-input-error.js';

/**
 * Checks an application ID: it becomes the scope element `push.application.<id>` and a path
 * segment, so it must be a valid scope token (printable ASCII without space, `"` or `\`, RFC 6749
 * §3.3), without `/`, and not `.` or `..` (which a URL would resolve away).
 *
 * @param value - The application ID as the caller passed it.
 * @returns It, checked.
 * @throws {InvalidInputError} Naming `applicationId`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function checkApplicationId(value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new InvalidInputError(
      'applicationId',
      'must be a non-empty string, e.g. "com.acme.app".',
    );
  }
  if (!isScopeToken(value) || value.includes('/') || value === '.' || value === '..') {
    throw new InvalidInputError(
      'applicationId',
      'must be printable ASCII without spaces, quotes, backslashes or "/": it becomes the scope element push.application.<applicationId> and a URL path segment.',
    );
  }
  return value;
}

/**
 * Checks a message ID as the push service returned it: a non-empty string without `/` or control
 * characters, and not `.` or `..`, since it becomes one path segment. Nothing more is assumed of
 * its form.
 *
 * @param value - The message ID as the caller passed it.
 * @returns It, checked.
 * @throws {InvalidInputError} Naming `messageId`.
 */
export function checkMessageId(value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new InvalidInputError(
      'messageId',
      'must be a non-empty string (the ID send() returned).',
    );
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
  if (/[/\x00-\x1f\x7f]/.test(value) || value === '.' || value === '..') {
    throw new InvalidInputError(
      'messageId',
      'must not hold "/" or control characters, nor be "." or "..": it becomes a URL path segment.',
    );
  }
  return value;
}
