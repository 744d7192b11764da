import { ConfidentialClientError, guardFor } from './confidential-client-error.js';

/**
 * A resource answered `403 insufficient_scope` and named a scope this client could not get: the
 * token endpoint refused it (`invalid_scope`: the client's allowed scope does not cover it). The
 * token endpoint's {@link TokenRequestError} is the `cause`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export class InsufficientScopeError extends ConfidentialClientError {
  override name = 'InsufficientScopeError' as const;
  /** The scope elements the resource requires (from its challenge). */
  readonly requiredScope: readonly string[];
  /** The scope the client asked the token endpoint for (what it had plus what is required). */
  readonly requestedScope: readonly string[];
  /** The resource's URL (origin and path; the query is left out). */
  readonly resource: string;

  /**
   * @param details - What the resource required, what was asked for, and the token endpoint's error.
   */
  constructor(details: {
    requiredScope: readonly string[];
    requestedScope: readonly string[];
    resource: string;
    cause: unknown;
  }) {
    super(
      `${details.resource} requires scope "${details.requiredScope.join(' ')}", but the token endpoint refused "${details.requestedScope.join(' ')}". Add the missing elements to the client's allowed scope on the server.`,
      'ERR_CC_INSUFFICIENT_SCOPE',
      { cause: details.cause },
    );
    this.requiredScope = Object.freeze([...details.requiredScope]);
    this.requestedScope = Object.freeze([...details.requestedScope]);
    this.resource = details.resource;
  }
}

/** Whether `value` is an {@link InsufficientScopeError}. */
export const isInsufficientScopeError = guardFor<InsufficientScopeError>(
  'InsufficientScopeError',
  'ERR_CC_INSUFFICIENT_SCOPE',
);
