import { ConfidentialClientError, guardFor } from './confidential-client-error.js';

/**
 * The token endpoint could not be reached (DNS, refused or reset connection, TLS), even after
 * retries. `cause` holds what `fetch` threw.
 */
export class NetworkError extends ConfidentialClientError {
  override name = 'NetworkError' as const;
  /** The URL that could not be reached (never holds credentials). */
  readonly url: string;

  /**
   * @param url - The token endpoint URL.
   * @param cause - What `fetch` threw.
   */
  constructor(url: string, cause: unknown) {
    super(
      `could not reach the token endpoint ${url}: ${cause instanceof Error ? cause.message : String(cause)}. Check \`serverUrl\`/\`tokenUrl\` and that the server is up.`,
      'ERR_CC_NETWORK',
      { cause },
    );
    this.url = url;
  }
}

/** Whether `value` is a {@link NetworkError}. */
export const isNetworkError = guardFor<NetworkError>('NetworkError', 'ERR_CC_NETWORK');
