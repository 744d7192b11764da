import { ConfidentialClientError, isConfidentialClientError } from 'confidential-client';

/**
 * Input to a `confidential-client/mobilefirst` call is not what the server accepts (a push message
 * with two kinds of target, an empty alert, a client ID that is not ASCII…). Thrown before any
 * request is sent. The message names the field and says what it must be; it never echoes a
 * secret.
 */
export class InvalidInputError extends ConfidentialClientError {
  override name = 'InvalidInputError' as const;
  /** The offending field, as a path: `target`, `message.alert`, `clients[2].secret`. */
  readonly field: string;

  /**
   * @param field - The offending field.
   * @param message - What it must be.
   */
  constructor(field: string, message: string) {
    super(`\`${field}\` ${message}`, 'ERR_CC_INVALID_INPUT');
    this.field = field;
  }
}

/**
 * Whether `value` is an {@link InvalidInputError} (from any copy of the package).
 *
 * @param value - Anything caught.
 * @returns Whether it is one.
 */
export function isInvalidInputError(value: unknown): value is InvalidInputError {
  return (
    isConfidentialClientError(value) &&
    value.name === 'InvalidInputError' &&
    value.code === 'ERR_CC_INVALID_INPUT'
  );
}
