/**
 * What a push answer comes to: the body of a success (read within a bound), or a
 * {@link PushError} for an error status, with the service's message, advice on what to check, and
 * whether the service may have acted on the request.
 *
 * @module
 * @internal
 */

import { findBearerChallenge, parseWwwAuthenticate } from 'confidential-client';
import { cancelBody } from '../../util/cancel-body.js';
import { parseRetryAfter } from '../../util/parse-retry-after.js';
import { readBodyText, TOO_LARGE } from '../../util/read-body-text.js';
import { redact } from '../../util/redact.js';
import { PushError, type PushOperation } from './push-error.js';

/** The most bytes read of an error answer. */
export const ERROR_BODY_LIMIT = 64 * 1024;
/** The most bytes read of a success answer (a bulk answer gets more per message). */
export const RESULT_BODY_LIMIT = 1024 * 1024;

/** One push request, as the errors describe it. */
export interface PushCall {
  readonly operation: PushOperation;
  readonly url: string;
  readonly applicationId: string;
  /** The scope the request was sent with, for the 401/403 advice. */
  readonly scope: string;
  readonly messageId?: string | undefined;
}

/** The service's message, safe to show: no control characters, one line, at most 300 chars. */
function clean(text: string): string | undefined {
  const line = text
    .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (line === '') return undefined;
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

function serverMessageOf(body: string, contentType: string): string | undefined {
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    for (const key of ['message', 'errorMessage', 'error_description', 'description', 'error']) {
      const value = json?.[key];
      if (typeof value === 'string') return clean(value);
    }
    return undefined;
  } catch {
    // Plain text is worth showing; an HTML error page is not.
    return contentType === '' || contentType.startsWith('text/plain') ? clean(body) : undefined;
  }
}

function advice(call: PushCall, response: Response): string {
  const { status } = response;
  const app = `"${call.applicationId}"`;
  switch (status) {
    case 400:
      return 'The push service refused the request as invalid: check it against the push API reference.';
    case 401: {
      const header = response.headers.get('www-authenticate');
      const challenge =
        header === null ? undefined : findBearerChallenge(parseWwwAuthenticate(header));
      if (challenge !== undefined && challenge.params.error === undefined) {
        return `No token reached the push service (WWW-Authenticate: Bearer): add ${new URL(call.url).origin} to the ConfidentialClient's \`origins\`.`;
      }
      return `The push service rejected the client's token even after a new one: check that it trusts this authorization server and that the client's allowed scope covers "${call.scope}".`;
    }
    case 403:
      return `The token lacks what the push service needs: the confidential client's allowed scope must cover "${call.scope}".`;
    case 404:
      return call.messageId === undefined
        ? `No application ${app} at ${call.url} (or the push runtime is not running): check \`applicationId\` and \`serverUrl\`/\`pushUrl\`.`
        : `No message "${call.messageId}" in application ${app} (or no such application).`;
    case 405:
      return 'The push service refused the method or the Content-Type.';
    case 406:
      return 'The push service cannot answer in application/json.';
    case 408:
    case 429:
      return 'The push service asks to slow down; try again later.';
    default:
      return status >= 500
        ? `The push service failed${call.operation === 'get' ? '' : '; it may have acted on the request all the same'}.`
        : 'Unexpected answer from the push service.';
  }
}

/**
 * Whether an error status leaves the push service possibly having acted: every 5xx. A `503` with
 * `Retry-After` usually comes from a server that did nothing, but HTTP does not promise it, and a
 * message must not reach devices twice: only `408` and `429` say for sure that it was not acted on.
 */
function mayHaveActed(status: number): boolean {
  return status >= 500;
}

/**
 * The {@link PushError} for an error status. Reads at most {@link ERROR_BODY_LIMIT} bytes of it.
 *
 * @param call - The request.
 * @param response - The answer, status not 2xx.
 * @param secrets - Strings the service's message must not show (the token that was sent).
 * @returns The error.
 */
export async function statusError(
  call: PushCall,
  response: Response,
  secrets: readonly string[] = [],
): Promise<PushError> {
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'), Date.now());
  let body: string | typeof TOO_LARGE = '';
  try {
    body = await readBodyText(response, ERROR_BODY_LIMIT);
  } catch {
    // A body that breaks off still leaves the status to report.
  }
  // Redacted before it is cut, so that no part of a token survives at the cut.
  const serverMessage =
    body === TOO_LARGE
      ? undefined
      : serverMessageOf(redact(body, secrets), response.headers.get('content-type') ?? '');
  const said = serverMessage === undefined ? '' : `: "${serverMessage}"`;
  return new PushError(
    `push ${call.operation} for application "${call.applicationId}" failed with ${response.status}${said}. ${advice(call, response)}`,
    {
      operation: call.operation,
      reason: 'status',
      url: call.url,
      status: response.status,
      serverMessage,
      retryAfter,
      mayHaveBeenSent: call.operation !== 'get' && mayHaveActed(response.status),
      response,
    },
  );
}

/**
 * Reads and parses the JSON body of a success answer, within `limit` bytes.
 *
 * @param call - The request.
 * @param response - The 2xx answer.
 * @param limit - The most bytes read.
 * @returns The parsed body, or `undefined` for an empty one.
 * @throws {PushError} `reason: 'response'` for a body that is too large, breaks off or is not JSON.
 */
export async function readResult(
  call: PushCall,
  response: Response,
  limit: number,
): Promise<unknown> {
  let text: string | typeof TOO_LARGE;
  try {
    text = await readBodyText(response, limit);
  } catch (error) {
    throw responseError(call, response, 'its body broke off', error);
  }
  if (text === TOO_LARGE) throw responseError(call, response, `its body is over ${limit} bytes`);
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw responseError(call, response, 'its body is not JSON', error);
  }
}

/**
 * A {@link PushError} for a success answer that is not what the API documents.
 *
 * @param call - The request.
 * @param response - The 2xx answer.
 * @param what - What is wrong with it.
 * @param cause - The underlying error, if any.
 * @returns The error (`reason: 'response'`).
 */
export function responseError(
  call: PushCall,
  response: Response,
  what: string,
  cause?: unknown,
): PushError {
  const acted = call.operation !== 'get';
  cancelBody(response);
  return new PushError(
    `push ${call.operation} for application "${call.applicationId}" got ${response.status}${acted ? ' (the service accepted it)' : ''}, but ${what}.`,
    {
      operation: call.operation,
      reason: 'response',
      url: call.url,
      status: response.status,
      mayHaveBeenSent: acted,
      response,
      cause,
    },
  );
}
