import type { BasicAuthEncoding } from '../options/types.js';

/**
 * The `Authorization: Basic` value for a client ID and secret.
 *
 * @param id - Client ID.
 * @param secret - Client secret.
 * @param encoding - `form` (RFC 6749 §2.3.1: form-urlencode each first) or `plain` (RFC 7617).
 * @returns `Basic <base64>`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function basicAuthorization(
  id: string,
  secret: string,
  encoding: BasicAuthEncoding,
): string {
  const pair = encoding === 'form' ? `${formEncode(id)}:${formEncode(secret)}` : `${id}:${secret}`;
  // Credentials are printable ASCII (checked by the options), so btoa's Latin-1 rule holds.
  return `Basic ${btoa(pair)}`;
}

/**
 * Every form in which the client secret leaves this process: as it is, form-encoded (request
 * bodies, the RFC 6749 Basic form) and inside each Basic header value. All are scrubbed from text
 * that leaves the library.
 *
 * @param options - The client's ID and secret.
 * @returns The strings to redact.
 */
export function secretForms(options: { clientId: string; clientSecret: string }): string[] {
  const { clientId, clientSecret } = options;
  return [
    ...new Set([
      clientSecret,
      formEncode(clientSecret),
      encodeURIComponent(clientSecret),
      // As a server may echo it: inside an RFC 9110 quoted-string, or a JSON string.
      clientSecret.replace(/["\\]/g, '\\$&'),
      JSON.stringify(clientSecret).slice(1, -1),
      basicAuthorization(clientId, clientSecret, 'form').slice(6),
      basicAuthorization(clientId, clientSecret, 'plain').slice(6),
    ]),
  ];
}

function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}
