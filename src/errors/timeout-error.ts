import { ConfidentialClientError, guardFor } from './confidential-client-error.js';

/** A request took longer than its `timeout` (per attempt for token requests). */
export class TimeoutError extends ConfidentialClientError {
  override name = 'TimeoutError' as const;
  /** The limit that was exceeded, in milliseconds. */
  readonly timeout: number;
  /** The URL of the request that timed out. */
  readonly url: string;

  /**
   * @param url - The URL of the request.
   * @param timeout - The limit in milliseconds.
   */
  constructor(url: string, timeout: number) {
    super(
      `request to ${url} timed out after ${timeout} ms. Raise the \`timeout\` option or check the server.`,
      'ERR_CC_TIMEOUT',
    );
    this.url = url;
    this.timeout = timeout;
  }
}

/** Whether `value` is a {@link TimeoutError}. */
export const isTimeoutError = guardFor<TimeoutError>('TimeoutError', 'ERR_CC_TIMEOUT');
