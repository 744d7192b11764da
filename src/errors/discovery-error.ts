import { ConfidentialClientError, guardFor } from './confidential-client-error.js';

/**
 * Why reading the authorization server's metadata failed.
 * - `status`: no well-known URL answered 2xx (`status` holds the last answer's).
 * - `body`: the answer was larger than the limit, or not JSON, or not a JSON object.
 * - `issuer`: the document's `issuer` is not exactly the configured one (RFC 8414 §3.3).
 * - `field`: a member is missing or wrong (`token_endpoint` not an https URL, a list that is not
 *   a list of strings…).
 * - `network`: the server could not be reached, or did not answer in time.
 */
export type DiscoveryFailure = 'status' | 'body' | 'issuer' | 'field' | 'network';

/**
 * The authorization server's metadata (RFC 8414 / OpenID Connect Discovery) could not be read or
 * was not usable, so no token could be requested. Failed discovery is retried no sooner than the
 * cooldown of token requests (`retry.cooldown`, doubled per failure up to `retry.maxCooldown`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 */
export class DiscoveryError extends ConfidentialClientError {
  override name = 'DiscoveryError' as const;
  /** What went wrong; see {@link DiscoveryFailure}. */
  readonly reason: DiscoveryFailure;
  /** The configured issuer. */
  readonly issuer: string;
  /** The URL of the document (the last one tried). */
  readonly url: string;
  /** The HTTP status of the last answer, when one came. */
  readonly status: number | undefined;

  /**
   * @param reason - What went wrong.
   * @param message - What to check (without the package prefix).
   * @param details - Issuer, URL, status and cause.
   */
  constructor(
    reason: DiscoveryFailure,
    message: string,
    details: { issuer: string; url: string; status?: number | undefined; cause?: unknown },
  ) {
    super(message, 'ERR_CC_DISCOVERY', { cause: details.cause });
    this.reason = reason;
    this.issuer = details.issuer;
    this.url = details.url;
    this.status = details.status;
  }
}

/** Whether `value` is a {@link DiscoveryError}. */
export const isDiscoveryError = guardFor<DiscoveryError>('DiscoveryError', 'ERR_CC_DISCOVERY');
