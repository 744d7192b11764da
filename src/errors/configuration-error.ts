import { ConfidentialClientError, guardFor } from './confidential-client-error.js';

/**
 * An option passed to the constructor is missing or invalid. Thrown by the constructor, never on a
 * later request. The message names the option and says what it must be; it never echoes a secret.
 */
export class ConfigurationError extends ConfidentialClientError {
  override name = 'ConfigurationError' as const;
  /** The option that is wrong, e.g. `clientSecret` or `retry.retries`. */
  readonly option: string;

  /**
   * @param option - The name of the offending option.
   * @param message - What it must be.
   */
  constructor(option: string, message: string) {
    super(`option \`${option}\` ${message}`, 'ERR_CC_CONFIGURATION');
    this.option = option;
  }
}

/** Whether `value` is a {@link ConfigurationError}. */
export const isConfigurationError = guardFor<ConfigurationError>(
  'ConfigurationError',
  'ERR_CC_CONFIGURATION',
);
