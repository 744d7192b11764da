import { ConfidentialClientError, guardFor } from './confidential-client-error.js';

/** The client was closed with `close()`; it no longer gets tokens. */
export class ClientClosedError extends ConfidentialClientError {
  override name = 'ClientClosedError' as const;

  constructor() {
    super('the client is closed; create a new ConfidentialClient.', 'ERR_CC_CLOSED');
  }
}

/** Whether `value` is a {@link ClientClosedError}. */
export const isClientClosedError = guardFor<ClientClosedError>(
  'ClientClosedError',
  'ERR_CC_CLOSED',
);
